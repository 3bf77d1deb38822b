/* plan: merged configuration + options -> plan, built from hand-made
 * config_t values (no YAML, no disk). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/plan.h"

static arena_t *arena;

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

/* Everything disabled: what merge gives when nothing is set. */
static config_t *config_new(void)
{
    config_t *config = arena_alloc(arena, sizeof *config);
    for (int k = 1; k < SHARE_COUNT; k++)
        config->share[k].mode = SHARE_DISABLED;
    return config;
}

static void config_exports(config_t *config, const config_export_t *exports,
                           size_t count)
{
    config->exports = arena_alloc(arena, count * sizeof *exports);
    memcpy(config->exports, exports, count * sizeof *exports);
    config->export_count = count;
}

static plan_options_t options_user(unsigned uid)
{
    static char *argv[] = {"/bin/true", NULL};
    return (plan_options_t){.uid = uid, .gid = uid, .argv = argv};
}

static plan_t *build_ok(const config_t *config, const plan_options_t *options)
{
    plan_t *plan = NULL;
    rp_error_t err = {0};
    int result = plan_build(arena, config, "/n/leaf", options, &plan, &err);
    if (result != 0)
        fail_msg("plan_build: %s", err.message);
    return plan;
}

static const char *build_error(const config_t *config, const plan_options_t *options)
{
    static rp_error_t err;
    plan_t *plan;
    assert_int_equal(plan_build(arena, config, "/n/leaf", options, &plan, &err), -1);
    return err.message;
}

static void test_namespaces(void **state)
{
    (void)state;
    config_t *config = config_new();
    config->share[SHARE_NET].mode = SHARE_ENABLED;
    config->share[SHARE_IPC] = (config_share_t){.mode = SHARE_JOIN, .path = "/proc/1/ns/ipc"};
    plan_options_t options = options_user(1000);
    plan_t *plan = build_ok(config, &options);
    assert_int_equal(plan->namespaces[PLAN_NS_USER].action, PLAN_NS_NEW);
    assert_int_equal(plan->namespaces[PLAN_NS_MOUNT].action, PLAN_NS_NEW);
    assert_int_equal(plan->namespaces[PLAN_NS_PID].action, PLAN_NS_NEW);
    assert_int_equal(plan->namespaces[PLAN_NS_NET].action, PLAN_NS_HOST);
    assert_int_equal(plan->namespaces[PLAN_NS_IPC].action, PLAN_NS_JOIN);
    assert_string_equal(plan->namespaces[PLAN_NS_IPC].path, "/proc/1/ns/ipc");
    assert_int_equal(plan->namespaces[PLAN_NS_UTS].action, PLAN_NS_NEW);

    config->share[SHARE_USER].mode = SHARE_ENABLED; /* not for a non-root caller */
    assert_int_equal(build_ok(config, &options)->namespaces[PLAN_NS_USER].action,
                     PLAN_NS_NEW);
}

static void test_uts_follows_share_all_and_hostname(void **state)
{
    (void)state;
    config_t *config = config_new();
    config->share[SHARE_ALL].mode = SHARE_ENABLED;
    plan_options_t options = options_user(0);
    assert_int_equal(build_ok(config, &options)->namespaces[PLAN_NS_UTS].action,
                     PLAN_NS_HOST);
    config->hostname.value = "box";
    assert_int_equal(build_ok(config, &options)->namespaces[PLAN_NS_UTS].action,
                     PLAN_NS_NEW);
}

static void test_user_namespace_maps(void **state)
{
    (void)state;
    config_t *config = config_new();
    plan_options_t options = options_user(1000);
    plan_t *plan = build_ok(config, &options);
    assert_int_equal(plan->uid_map.inside, 1000);
    assert_int_equal(plan->uid_map.outside, 1000);
    assert_int_equal(plan->uid_map.count, 1);
    assert_true(plan->deny_setgroups);
    assert_int_equal(plan->uid, 1000);

    config->map_root_user.value = TRISTATE_ENABLED;
    plan = build_ok(config, &options);
    assert_int_equal(plan->uid_map.inside, 0);
    assert_int_equal(plan->uid, 0);
    assert_int_equal(plan->gid, 0);
}

static void test_unprivileged_cannot_pick_another_user(void **state)
{
    (void)state;
    config_t *config = config_new();
    plan_options_t options = options_user(1000);
    options.user = "0";
    assert_non_null(strstr(build_error(config, &options), "cannot run as user 0"));
    options.user = "nobody-such-name";
    assert_non_null(strstr(build_error(config, &options), "unknown user"));
}

static void test_root_set_user_gets_identity_map(void **state)
{
    (void)state;
    config_t *config = config_new();
    config->set_user.value = "1234";
    config->set_group.value = "99";
    plan_options_t options = options_user(0);
    plan_t *plan = build_ok(config, &options);
    assert_int_equal(plan->uid_map.count, UINT32_MAX);
    assert_false(plan->deny_setgroups);
    assert_int_equal(plan->uid, 1234);
    assert_int_equal(plan->gid, 99);
    options.user = "5"; /* the command line wins */
    assert_int_equal(build_ok(config, &options)->uid, 5);

    config->share[SHARE_USER].mode = SHARE_ENABLED;
    plan = build_ok(config, &options);
    assert_int_equal(plan->namespaces[PLAN_NS_USER].action, PLAN_NS_HOST);
    assert_int_equal(plan->uid_map.count, 0);
}

static void test_joined_user_namespace_keeps_caller_ids(void **state)
{
    (void)state;
    config_t *config = config_new();
    config->share[SHARE_USER] = (config_share_t){.mode = SHARE_JOIN,
                                                 .path = "/proc/1/ns/user"};
    plan_options_t options = options_user(1000);
    plan_t *plan = build_ok(config, &options);
    assert_int_equal(plan->namespaces[PLAN_NS_USER].action, PLAN_NS_JOIN);
    assert_int_equal(plan->uid_map.count, 0); /* the namespace's own maps */
    assert_true(plan->keep_caller_uid);
    assert_true(plan->keep_caller_gid);
    options.user = "0"; /* an id of the joined namespace, checked on joining */
    plan = build_ok(config, &options);
    assert_false(plan->keep_caller_uid);
    assert_int_equal(plan->uid, 0);
    assert_true(plan->keep_caller_gid);
}

static void test_export_modes(void **state)
{
    (void)state;
    static const struct {
        config_export_t export;
        plan_mount_kind_t kind;
        unsigned flags;
    } cases[] = {
        {{EXPORT_PUBLIC, "/a"}, PLAN_MOUNT_BIND, PLAN_MOUNT_CREATE},
        {{EXPORT_RESTRICTED, "/b"}, PLAN_MOUNT_BIND, PLAN_MOUNT_CREATE | PLAN_MOUNT_READONLY},
        {{EXPORT_PRIVATE, "/c"}, PLAN_MOUNT_BIND, PLAN_MOUNT_CREATE},
        {{EXPORT_PRIVATE_RESTRICTED, "/d"}, PLAN_MOUNT_BIND, PLAN_MOUNT_CREATE | PLAN_MOUNT_READONLY},
        {{EXPORT_PUBLIC_FILE, "/e"}, PLAN_MOUNT_BIND, PLAN_MOUNT_FILE | PLAN_MOUNT_OPTIONAL},
        {{EXPORT_RESTRICTED_FILE, "/f"}, PLAN_MOUNT_BIND,
         PLAN_MOUNT_FILE | PLAN_MOUNT_OPTIONAL | PLAN_MOUNT_READONLY},
        {{EXPORT_PRIVATE_FILE, "/g"}, PLAN_MOUNT_BIND, PLAN_MOUNT_FILE | PLAN_MOUNT_OPTIONAL},
        {{EXPORT_ANONYMOUS, "/h"}, PLAN_MOUNT_TMPFS, 0},
        {{EXPORT_TMPFS, "/i"}, PLAN_MOUNT_TMPFS, 0},
        {{EXPORT_PROCFS, "/j"}, PLAN_MOUNT_PROC, 0},
        {{EXPORT_DEVFS, "/k"}, PLAN_MOUNT_DEV, 0},
        {{EXPORT_MQUEUE, "/l"}, PLAN_MOUNT_MQUEUE, 0},
        {{EXPORT_SYMLINK, "/m", "usr/bin"}, PLAN_MOUNT_SYMLINK, 0},
        {{EXPORT_EXECFD, "/n", "echo hi"}, PLAN_MOUNT_DATA, PLAN_MOUNT_FILE | PLAN_MOUNT_READONLY},
        {{EXPORT_INTERNAL, "/o", "3"}, PLAN_MOUNT_DATA, PLAN_MOUNT_FILE | PLAN_MOUNT_READONLY},
        {{EXPORT_LOCK, "/p", "/run/x.lock"}, PLAN_MOUNT_LOCK, PLAN_MOUNT_FILE | PLAN_MOUNT_READONLY},
    };
    size_t count = sizeof cases / sizeof cases[0];
    config_t *config = config_new();
    config->exports = arena_alloc(arena, count * sizeof *config->exports);
    for (size_t i = 0; i < count; i++)
        config->exports[i] = cases[i].export;
    config->export_count = count;
    plan_options_t options = options_user(0);
    plan_t *plan = build_ok(config, &options);
    assert_int_equal(plan->mount_count, count);
    for (size_t i = 0; i < count; i++) {
        assert_int_equal(plan->mounts[i].kind, cases[i].kind);
        assert_int_equal(plan->mounts[i].flags, cases[i].flags);
        assert_string_equal(plan->mounts[i].target, cases[i].export.mount);
    }
    assert_string_equal(plan->mounts[0].source, "/a"); /* path defaults to mount */
    assert_int_equal(plan->mounts[7].tmpfs_mode, 0755);
    assert_int_equal(plan->mounts[8].tmpfs_mode, 01777);
    options.strict = true;
    plan = build_ok(config, &options);
    assert_int_equal(plan->mounts[0].flags, 0);
    assert_int_equal(plan->mounts[4].flags, PLAN_MOUNT_FILE);
}

static void test_mounts_sorted_parents_first(void **state)
{
    (void)state;
    static const config_export_t exports[] = {
        {EXPORT_TMPFS, "/usr/lib/x/tmp"}, {EXPORT_RESTRICTED, "/usr/lib", "/srv/lib"},
        {EXPORT_RESTRICTED, "//usr/", "/srv/usr"}, {EXPORT_PROCFS, "/proc"},
    };
    config_t *config = config_new();
    config_exports(config, exports, 4);
    plan_options_t options = options_user(0);
    plan_t *plan = build_ok(config, &options);
    assert_string_equal(plan->mounts[0].target, "/usr");
    assert_string_equal(plan->mounts[1].target, "/proc");
    assert_string_equal(plan->mounts[2].target, "/usr/lib");
    assert_string_equal(plan->mounts[3].target, "/usr/lib/x/tmp");
}

static void test_bad_exports(void **state)
{
    (void)state;
    static const struct {
        config_export_t export;
        const char *message;
    } cases[] = {
        {{EXPORT_PUBLIC, "relative"}, "mount must be an absolute path"},
        {{EXPORT_PUBLIC, "/a/../etc"}, "without '..'"},
        {{EXPORT_PUBLIC, "/"}, "absolute path below /"},
        {{EXPORT_PUBLIC, "/a", "src/rel"}, "source 'src/rel' must be an absolute"},
        {{EXPORT_SYMLINK, "/a"}, "mode Symlink needs a path"},
        {{EXPORT_INTERNAL, "/a", "stdin"}, "must be a file descriptor number"},
    };
    plan_options_t options = options_user(0);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        config_t *config = config_new();
        config_exports(config, &cases[i].export, 1);
        const char *message = build_error(config, &options);
        if (!strstr(message, cases[i].message))
            fail_msg("case %zu: '%s' lacks '%s'", i, message, cases[i].message);
    }
    static const config_export_t twice[] = {{EXPORT_TMPFS, "/x"}, {EXPORT_TMPFS, "/x/"}};
    config_t *config = config_new();
    config_exports(config, twice, 2);
    assert_non_null(strstr(build_error(config, &options), "exported twice"));
}

static void test_node_configuration_stays_read_only(void **state)
{
    (void)state;
    static const char *const nodes[] = {"/n", "/n/leaf"};
    static const config_export_t exports[] = {{EXPORT_PUBLIC, "/nodes/leaf", "/n/leaf"}};
    config_t *config = config_new();
    config_exports(config, exports, 1);
    plan_options_t options = options_user(0);
    options.node_paths = nodes;
    options.node_count = 2;
    plan_t *plan = build_ok(config, &options);
    assert_int_equal(plan->mount_count, 4);
    assert_string_equal(plan->mounts[1].target, "/nodes/leaf/etc");
    assert_string_equal(plan->mounts[1].source, "/n/leaf/etc");
    assert_true(plan->mounts[1].flags & PLAN_MOUNT_READONLY);
    assert_true(plan->mounts[1].flags & PLAN_MOUNT_GUARD);
    assert_string_equal(plan->mounts[2].target, "/nodes/leaf/.rednode.yaml");
    assert_true(plan->mounts[2].flags & PLAN_MOUNT_FILE);
    /* the rpm database too, except in admin mode */
    assert_string_equal(plan->mounts[3].target, "/nodes/leaf/var/lib/rpm");
    assert_true(plan->mounts[3].flags & PLAN_MOUNT_READONLY);
    config->admin = true;
    assert_int_equal(build_ok(config, &options)->mount_count, 3);
    config->admin = false;

    static const config_export_t config_dir[] = {{EXPORT_PUBLIC, "/conf", "/n/leaf/etc"}};
    config_exports(config, config_dir, 1);
    assert_non_null(strstr(build_error(config, &options), "configuration of node /n/leaf"));
    static const config_export_t config_file[] = {
        {EXPORT_PUBLIC_FILE, "/conf", "/n/leaf/etc/redpak.yaml"}};
    config_exports(config, config_file, 1);
    assert_non_null(strstr(build_error(config, &options), "configuration of node /n/leaf"));
    static const config_export_t rpm_dir[] = {{EXPORT_PUBLIC, "/rpm", "/n/var/lib/rpm"}};
    config_exports(config, rpm_dir, 1);
    assert_non_null(strstr(build_error(config, &options), "rpm database of node /n "));
}

static void test_environment(void **state)
{
    (void)state;
    static char *caller[] = {"HOME=/root", "PATH=/sbin", "TERM=vt100", NULL};
    static const config_environ_t entries[] = {
        {ENVIRON_STATIC, "A", "1"}, {ENVIRON_DEFAULT, "B", "2"},
        {ENVIRON_EXECFD, "C", "echo 3"}, {ENVIRON_REMOVE, "HOME"},
        {ENVIRON_INHERIT, "TERM"}, {ENVIRON_INHERIT, "ABSENT"},
    };
    config_t *config = config_new();
    config->environment = (config_environ_t *)entries;
    config->environment_count = 6;
    config->path.value = "/opt/bin";
    plan_options_t options = options_user(0);
    options.environ = caller;
    plan_t *plan = build_ok(config, &options);
    assert_false(plan->inherit_env);
    assert_int_equal(plan->env_count, 7);
    assert_string_equal(plan->env[0].key, "PATH");
    assert_string_equal(plan->env[0].value, "/opt/bin:/usr/bin:/bin");
    assert_int_equal(plan->env[2].action, PLAN_ENV_SET);
    assert_int_equal(plan->env[3].action, PLAN_ENV_EXECFD);
    assert_string_equal(plan->env[3].value, "echo 3");
    assert_int_equal(plan->env[4].action, PLAN_ENV_UNSET);
    assert_string_equal(plan->env[5].value, "vt100");
    assert_int_equal(plan->env[6].action, PLAN_ENV_UNSET);

    config->inherit_env.value = TRISTATE_ENABLED;
    config->ldpath.value = "/opt/lib";
    plan = build_ok(config, &options);
    assert_true(plan->inherit_env);
    assert_string_equal(plan->env[0].value, "/opt/bin:/sbin");
    assert_string_equal(plan->env[1].key, "LD_LIBRARY_PATH");
    assert_string_equal(plan->env[1].value, "/opt/lib");
}

static void test_scalars(void **state)
{
    (void)state;
    config_t *config = config_new();
    config->rlimits[CONFIG_RLIMIT_NOFILE] = (config_rlimit_t){.set = true, .value = 64};
    config->umask = (config_number_t){.set = true, .value = 027};
    config->chdir.value = "/tmp";
    config->new_session.value = TRISTATE_DISABLED;
    config->die_with_parent.value = TRISTATE_ENABLED;
    config_capability_t caps[] = {{.cap = 12, .add = true}};
    config->capabilities = caps;
    config->capability_count = 1;
    plan_options_t options = options_user(0);
    plan_t *plan = build_ok(config, &options);
    assert_true(plan->rlimits[CONFIG_RLIMIT_NOFILE].set);
    assert_int_equal(plan->rlimits[CONFIG_RLIMIT_NOFILE].value, 64);
    assert_false(plan->rlimits[CONFIG_RLIMIT_CORE].set);
    assert_int_equal(plan->umask, 027);
    assert_string_equal(plan->chdir, "/tmp");
    assert_false(plan->new_session);
    assert_true(plan->die_with_parent);
    assert_int_equal(plan->capabilities, UINT64_C(1) << 12);

    config->chdir.value = "tmp";
    assert_non_null(strstr(build_error(config, &options), "must be absolute"));
    config->chdir.value = NULL;
    config->umask.value = 01000;
    assert_non_null(strstr(build_error(config, &options), "umask"));
}

static void test_dump(void **state)
{
    (void)state;
    static const config_export_t exports[] = {
        {EXPORT_RESTRICTED, "/usr", "/usr"}, {EXPORT_EXECFD, "/etc/motd", "echo a b"},
    };
    config_t *config = config_new();
    config_exports(config, exports, 2);
    config->hostname.value = "box";
    plan_options_t options = options_user(1000);
    char *text;
    size_t length;
    FILE *out = open_memstream(&text, &length);
    plan_dump(build_ok(config, &options), out);
    fclose(out);
    static const char *const lines[] = {
        "redwrap-plan 1\nredpath /n/leaf\n", "namespace user new\n",
        "namespace net new\n", "uid-map 1000 1000 1\n", "setgroups deny\n",
        "user 1000\n",
        "mount 1 bind /usr ro,rec,nosuid,nodev,create export=Restricted source=/usr\n",
        "mount 2 data /etc/motd ro,rec,nosuid,nodev,file export=Execfd source=echo a b\n",
        "env set PATH=/usr/bin:/bin\n", "capabilities none\n", "no-new-privs yes\n",
        "hostname box\n", "new-session yes\n", "exec /bin/true\n",
    };
    for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++)
        if (!strstr(text, lines[i]))
            fail_msg("dump lacks '%s':\n%s", lines[i], text);
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_namespaces, setup, teardown),
        cmocka_unit_test_setup_teardown(test_uts_follows_share_all_and_hostname, setup, teardown),
        cmocka_unit_test_setup_teardown(test_user_namespace_maps, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unprivileged_cannot_pick_another_user, setup, teardown),
        cmocka_unit_test_setup_teardown(test_root_set_user_gets_identity_map, setup, teardown),
        cmocka_unit_test_setup_teardown(test_joined_user_namespace_keeps_caller_ids, setup, teardown),
        cmocka_unit_test_setup_teardown(test_export_modes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_mounts_sorted_parents_first, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_exports, setup, teardown),
        cmocka_unit_test_setup_teardown(test_node_configuration_stays_read_only, setup, teardown),
        cmocka_unit_test_setup_teardown(test_environment, setup, teardown),
        cmocka_unit_test_setup_teardown(test_scalars, setup, teardown),
        cmocka_unit_test_setup_teardown(test_dump, setup, teardown),
    };
    cmocka_set_message_output(CM_OUTPUT_TAP);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
