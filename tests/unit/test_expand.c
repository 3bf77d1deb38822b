/* Unit tests of core/expand: every expansion form, the predefined names,
 * commands, and the bounds. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/expand.h"

static const source_pos_t position = {"/n/a/etc/redpak.yaml", 7, 9};

typedef struct fixture {
    arena_t *arena;
    config_t node_config, leaf_config;
    node_t node, leaf;
    expand_context_t context;
} fixture_t;

static int fixture_setup(void **state)
{
    fixture_t *f = calloc(1, sizeof *f);
    f->arena = arena_new();
    f->node_config.alias.value = "platform";
    f->node_config.name.value = "platform-id";
    f->node_config.info.value = "the platform";
    f->node = (node_t){.path = "/n/platform", .config = &f->node_config};
    f->leaf_config.alias.value = "app";
    f->leaf_config.name.value = "app-id";
    f->leaf_config.info.value = "an application";
    f->leaf = (node_t){.path = "/n/platform/app", .config = &f->leaf_config};
    f->context = (expand_context_t){&f->node, &f->leaf, true};
    *state = f;
    return 0;
}

static int fixture_teardown(void **state)
{
    fixture_t *f = *state;
    arena_free(f->arena);
    free(f);
    return 0;
}

static char *expand_ok(fixture_t *f, const char *input)
{
    rp_error_t err = {0};
    char *out = NULL;
    int rc = expand_string(f->arena, &f->context, input, &position, &out, &err);
    if (rc != 0)
        fail_msg("expanding '%s': %s", input, err.message);
    return out;
}

static const char *expand_fails(fixture_t *f, const char *input)
{
    static rp_error_t err;
    char *out = NULL;
    memset(&err, 0, sizeof err);
    int rc = expand_string(f->arena, &f->context, input, &position, &out, &err);
    if (rc != -1)
        fail_msg("expanding '%s' succeeded: '%s'", input, out);
    assert_non_null(strstr(err.message, "/n/a/etc/redpak.yaml:7:9: "));
    return err.message;
}

static void test_plain_text(void **state)
{
    assert_string_equal(expand_ok(*state, "/usr/bin:/bin"), "/usr/bin:/bin");
    assert_string_equal(expand_ok(*state, ""), "");
}

static void test_environment_names(void **state)
{
    setenv("EXPAND_TEST_VALUE", "hello", 1);
    unsetenv("EXPAND_TEST_UNSET");
    assert_string_equal(expand_ok(*state, "$EXPAND_TEST_VALUE/x"), "hello/x");
    assert_string_equal(expand_ok(*state, "a${EXPAND_TEST_VALUE}b"), "ahellob");
    assert_string_equal(expand_ok(*state, "[$EXPAND_TEST_UNSET]"), "[]");
    assert_string_equal(expand_ok(*state, "[${EXPAND_TEST_UNSET}]"), "[]");
}

static void test_literal_dollars(void **state)
{
    assert_string_equal(expand_ok(*state, "\\$HOME"), "$HOME");
    assert_string_equal(expand_ok(*state, "cost $5"), "cost $5");
    assert_string_equal(expand_ok(*state, "end$"), "end$");
    assert_string_equal(expand_ok(*state, "$-x $ y"), "$-x $ y");
    assert_string_equal(expand_ok(*state, "a\\b"), "a\\b");
}

static void test_node_and_leaf_names(void **state)
{
    assert_string_equal(expand_ok(*state,
        "$NODE_ALIAS $NODE_NAME $NODE_PATH ${NODE_INFO}"),
        "platform platform-id /n/platform the platform");
    assert_string_equal(expand_ok(*state,
        "$LEAF_ALIAS $LEAF_NAME $LEAF_PATH ${LEAF_INFO}"),
        "app app-id /n/platform/app an application");
    assert_string_equal(expand_ok(*state, "$NODE_PREFIX/$NODE_ALIAS/usr"),
                        "/nodes/platform/usr");
}

static void test_rednode_names(void **state)
{
    assert_string_equal(expand_ok(*state, "$REDNODE_CONF"),
                        "/n/platform/etc/redpak.yaml");
    assert_string_equal(expand_ok(*state, "$REDNODE_ADMIN"),
                        "/n/platform/etc/redpak-admin.yaml");
    assert_string_equal(expand_ok(*state, "$REDNODE_STATUS"),
                        "/n/platform/.rednode.yaml");
    assert_string_equal(expand_ok(*state, "$REDNODE_VARDIR"), "/n/platform/var");
    assert_string_equal(expand_ok(*state, "$REDNODE_REPODIR"),
                        "/n/platform/etc/yum.repos.d");
    assert_string_equal(expand_ok(*state, "$REDNODE_LOCK"),
                        "/n/platform/.rednode.lock");
    assert_string_equal(expand_ok(*state, "$REDPESK_VERSION"), REDPAK_VERSION);
    assert_string_equal(expand_ok(*state, "$redpak_TMPL"),
                        SYSCONFDIR "/redpak/templates.d");
    setenv("REDPAK_MAIN", "/tmp/some-main.yaml", 1);
    assert_string_equal(expand_ok(*state, "$redpak_MAIN"), "/tmp/some-main.yaml");
    unsetenv("REDPAK_MAIN");
}

static void test_process_names(void **state)
{
    char expected[64];
    snprintf(expected, sizeof expected, "%u:%u:%ld", (unsigned)getuid(),
             (unsigned)getgid(), (long)getpid());
    assert_string_equal(expand_ok(*state, "$UID:$GID:$PID"), expected);
    char host[256];
    gethostname(host, sizeof host);
    assert_string_equal(expand_ok(*state, "$HOSTNAME"), host);
}

static void test_user_falls_back_to_passwd(void **state)
{
    const char *name = getpwuid(getuid())->pw_name;
    unsetenv("USER");
    unsetenv("LOGNAME");
    assert_string_equal(expand_ok(*state, "$USER"), name);
    assert_string_equal(expand_ok(*state, "$LOGNAME"), name);
    setenv("USER", "someone", 1);
    assert_string_equal(expand_ok(*state, "$USER"), "someone");
}

static void test_today_and_uuid(void **state)
{
    const char *today = expand_ok(*state, "$TODAY");
    assert_int_equal(strlen(today), 10);
    int year, month, day;
    assert_int_equal(sscanf(today, "%4d-%2d-%2d", &year, &month, &day), 3);
    assert_true(year >= 2024 && month >= 1 && month <= 12 && day >= 1);
    const char *first = expand_ok(*state, "$UUID");
    const char *second = expand_ok(*state, "${UUID}");
    assert_int_equal(strlen(first), 36);
    assert_int_equal(first[14], '4');
    assert_non_null(strchr("89ab", first[19]));
    assert_string_not_equal(first, second);
}

static void test_cgroups_mount_point(void **state)
{
    setenv("CGROUPS_MOUNT_POINT", "/somewhere/cgroup", 1);
    assert_string_equal(expand_ok(*state, "$CGROUPS_MOUNT_POINT"),
                        "/somewhere/cgroup");
    unsetenv("CGROUPS_MOUNT_POINT");
    const char *found = expand_ok(*state, "$CGROUPS_MOUNT_POINT");
    assert_int_equal(found[0], '/');
}

static void test_predefined_beats_environment(void **state)
{
    setenv("NODE_PATH", "/from/env", 1);
    assert_string_equal(expand_ok(*state, "$NODE_PATH"), "/n/platform");
    unsetenv("NODE_PATH");
    fixture_t *f = *state;
    assert_null(expand_predefined(f->arena, &f->context, "HOME"));
    assert_string_equal(expand_predefined(f->arena, &f->context, "LEAF_ALIAS"),
                        "app");
}

static void test_values_never_reexpanded(void **state)
{
    setenv("EXPAND_TEST_TRAP", "$(touch /tmp/expand-injected)${HOME}\\$", 1);
    assert_string_equal(expand_ok(*state, "$EXPAND_TEST_TRAP"),
                        "$(touch /tmp/expand-injected)${HOME}\\$");
    assert_int_not_equal(access("/tmp/expand-injected", F_OK), 0);
    assert_string_equal(expand_ok(*state, "$(printf '%s' '$HOME')"), "$HOME");
}

static void test_commands(void **state)
{
    assert_string_equal(expand_ok(*state, "<$(echo hi)>"), "<hi>");
    assert_string_equal(expand_ok(*state, "$(printf 'a\\n\\n\\n')"), "a");
    assert_string_equal(expand_ok(*state, "$(echo \")\" ')')"), ") )");
    assert_string_equal(expand_ok(*state, "$(echo $(echo inner))"), "inner");
    /* The command sees the predefined names in its environment. */
    assert_string_equal(expand_ok(*state, "$(echo \"$NODE_ALIAS:$LEAF_PATH\")"),
                        "platform:/n/platform/app");
}

static void test_command_values_are_data(void **state)
{
    fixture_t *f = *state;
    f->node.path = "/n/x;echo INJECTED";
    assert_string_equal(expand_ok(f, "$(echo $NODE_PATH)"),
                        "/n/x;echo INJECTED");
}

static void test_command_failure(void **state)
{
    const char *message = expand_fails(*state, "$(exit 3)");
    assert_non_null(strstr(message, "command 'exit 3' failed (exit status 3)"));
    message = expand_fails(*state, "x$(kill -9 $$)");
    assert_non_null(strstr(message, "killed by signal 9"));
}

static void test_command_refused(void **state)
{
    fixture_t *f = *state;
    f->context.allow_commands = false;
    const char *message = expand_fails(f, "$(touch /tmp/expand-refused)");
    assert_non_null(strstr(message, "commands are not allowed"));
    assert_int_not_equal(access("/tmp/expand-refused", F_OK), 0);
}

static void test_command_kept(void **state)
{
    fixture_t *f = *state;
    f->context.keep_commands = true;
    assert_string_equal(expand_ok(f, "$NODE_ALIAS/$(echo \")\" $(touch "
                                     "/tmp/expand-kept))/x"),
                        "platform/$(echo \")\" $(touch /tmp/expand-kept))/x");
    assert_int_not_equal(access("/tmp/expand-kept", F_OK), 0);
}

static void test_syntax_errors(void **state)
{
    assert_non_null(strstr(expand_fails(*state, "a${NODE_PATH"),
                           "unterminated '${' at character 2"));
    assert_non_null(strstr(expand_fails(*state, "${1x}"),
                           "invalid name in '${...}' at character 1"));
    assert_non_null(strstr(expand_fails(*state, "${}"), "invalid name"));
    assert_non_null(strstr(expand_fails(*state, "${a-b}"), "invalid name"));
    assert_non_null(strstr(expand_fails(*state, "xy$(echo"),
                           "unterminated '$(' at character 3"));
    assert_non_null(strstr(expand_fails(*state, "$(echo ')"), "unterminated"));
}

static char *nested_command(int depth)
{
    static char text[512];
    text[0] = '\0';
    for (int i = 0; i < depth; i++)
        strcat(text, "$(echo ");
    strcat(text, "deep");
    for (int i = 0; i < depth; i++)
        strcat(text, ")");
    return text;
}

static void test_depth_bound(void **state)
{
    assert_string_equal(expand_ok(*state, nested_command(EXPAND_MAX_DEPTH)),
                        "deep");
    assert_non_null(strstr(expand_fails(*state,
                                        nested_command(EXPAND_MAX_DEPTH + 1)),
                           "nested deeper than EXPAND_MAX_DEPTH"));
}

static void test_length_bound(void **state)
{
    char *big = calloc(1, EXPAND_MAX_LENGTH + 2);
    memset(big, 'x', EXPAND_MAX_LENGTH);
    assert_int_equal(strlen(expand_ok(*state, big)), EXPAND_MAX_LENGTH);
    big[EXPAND_MAX_LENGTH] = 'x';
    assert_non_null(strstr(expand_fails(*state, big), "EXPAND_MAX_LENGTH"));
    big[EXPAND_MAX_LENGTH - 1] = '\0';
    setenv("EXPAND_TEST_BIG", big, 1);
    free(big);
    assert_non_null(strstr(expand_fails(*state, "ab$EXPAND_TEST_BIG"),
                           "longer than EXPAND_MAX_LENGTH"));
    assert_non_null(strstr(expand_fails(*state, "$(yes | head -c 100000)"),
                           "command output makes the expansion longer"));
}

int main(void)
{
    cmocka_set_message_output(CM_OUTPUT_TAP);
    const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, fixture_setup, fixture_teardown)
        T(test_plain_text),
        T(test_environment_names),
        T(test_literal_dollars),
        T(test_node_and_leaf_names),
        T(test_rednode_names),
        T(test_process_names),
        T(test_user_falls_back_to_passwd),
        T(test_today_and_uuid),
        T(test_cgroups_mount_point),
        T(test_predefined_beats_environment),
        T(test_values_never_reexpanded),
        T(test_commands),
        T(test_command_values_are_data),
        T(test_command_failure),
        T(test_command_refused),
        T(test_command_kept),
        T(test_syntax_errors),
        T(test_depth_bound),
        T(test_length_bound),
#undef T
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
