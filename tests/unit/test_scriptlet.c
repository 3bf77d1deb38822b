/* scriptlet: the plan of one rpm scriptlet, derived from a node's admin
 * plan (pure; the interposed execv is covered by tests/packages.t). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/scriptlet.h"

static arena_t *arena;
static plan_mount_t admin_mounts[] = {
    {.kind = PLAN_MOUNT_BIND, .target = "/bin", .source = "/n/bin"},
};
static plan_env_t admin_env[] = {
    {PLAN_ENV_SET, "PATH", "/opt/bin:/usr/bin:/bin"},
    {PLAN_ENV_SET, "HOME", "/tmp"},
};
static const plan_t admin = {
    .mounts = admin_mounts, .mount_count = 1, .env = admin_env, .env_count = 2,
};

static int setup(void **state)
{
    (void)state;
    arena = arena_new();
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    arena_free(arena);
    return 0;
}

/* The value the plan's environment operations leave for `key`. */
static const char *env_result(const plan_t *plan, const char *key)
{
    const char *value = NULL;
    for (size_t i = 0; i < plan->env_count; i++)
        if (strcmp(plan->env[i].key, key) == 0)
            value = plan->env[i].action == PLAN_ENV_SET ? plan->env[i].value : NULL;
    return value;
}

static void test_script_bound_and_renamed(void **state)
{
    (void)state;
    char *argv[] = {"/bin/sh", "-e", "/var/tmp/rpm-tmp.Ab12Cd", "1", NULL};
    char *envp[] = {"PATH=/sbin:/bin:/usr/sbin:/usr/bin", NULL};
    plan_t *plan = scriptlet_plan(arena, &admin, NULL, "/bin/sh", argv, envp, 7);
    assert_string_equal(plan->argv[0], "/bin/sh");
    assert_string_equal(plan->argv[1], "-e");
    assert_string_equal(plan->argv[2], SCRIPTLET_FILE);
    assert_string_equal(plan->argv[3], "1");
    assert_null(plan->argv[4]);
    assert_int_equal(plan->mount_count, 2);
    assert_string_equal(plan->mounts[0].target, "/bin");
    const plan_mount_t *script = &plan->mounts[1];
    assert_int_equal(script->kind, PLAN_MOUNT_DATA);
    assert_int_equal(script->mode, EXPORT_INTERNAL);
    assert_int_equal(script->flags, PLAN_MOUNT_FILE | PLAN_MOUNT_READONLY);
    assert_string_equal(script->target, SCRIPTLET_FILE);
    assert_string_equal(script->source, "7");
    /* the admin plan itself is untouched */
    assert_int_equal(admin.mount_count, 1);
    assert_int_equal(admin.env_count, 2);
}

static void test_without_script_file(void **state)
{
    (void)state;
    char *argv[] = {"/sbin/ldconfig", NULL};
    plan_t *plan = scriptlet_plan(arena, &admin, NULL, "/sbin/ldconfig", argv, NULL, -1);
    assert_string_equal(plan->argv[0], "/sbin/ldconfig");
    assert_null(plan->argv[1]);
    assert_int_equal(plan->mount_count, 1);
}

static void test_rpm_variables_and_path(void **state)
{
    (void)state;
    char *argv[] = {"/bin/sh", "/var/tmp/rpm-tmp.x", "2", NULL};
    char *envp[] = {"PATH=/sbin:/bin", "RPM_INSTALL_PREFIX=/opt/app",
                    "RPM_INSTALL_PREFIX0=/opt/app", "RPM_INSTALL_PREFIX1=/srv",
                    "SECRET=caller", NULL};
    plan_t *plan = scriptlet_plan(arena, &admin, "/opt/bin", "/bin/sh", argv, envp, 3);
    assert_string_equal(env_result(plan, "PATH"), "/opt/bin:/sbin:/bin");
    assert_string_equal(env_result(plan, "RPM_INSTALL_PREFIX"), "/opt/app");
    assert_string_equal(env_result(plan, "RPM_INSTALL_PREFIX1"), "/srv");
    assert_string_equal(env_result(plan, "HOME"), "/tmp");
    assert_null(env_result(plan, "SECRET")); /* only rpm's variables */
    plan = scriptlet_plan(arena, &admin, NULL, "/bin/sh", argv, envp, 3);
    assert_string_equal(env_result(plan, "PATH"), "/sbin:/bin");
}

/* Unarmed, execv is execve with the current environment. */
static void test_execv_unarmed(void **state)
{
    (void)state;
    pid_t pid = fork();
    if (pid == 0) {
        char *argv[] = {"/bin/sh", "-c", "exit 7", NULL};
        execv(argv[0], argv);
        _exit(99);
    }
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 7);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_script_bound_and_renamed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_without_script_file, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rpm_variables_and_path, setup, teardown),
        cmocka_unit_test_setup_teardown(test_execv_unarmed, setup, teardown),
    };
    cmocka_set_message_output(CM_OUTPUT_TAP);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
