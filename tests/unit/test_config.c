/* Unit tests of the configuration loader (core/config_load.c,
 * core/config_parse.c) and the name tables (core/config.c): every key and
 * type, defaults, case-insensitivity, legacy keys, a real red-pak file,
 * and every error class with its exact FILE:LINE:COLUMN. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <linux/capability.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/config.h"

#define FILE_NAME "/n/etc/redpak.yaml"
#define HEADER "headers:\n  alias: app\n" /* two lines */

static int arena_setup(void **state)
{
    *state = arena_new();
    return 0;
}

static int arena_teardown(void **state)
{
    arena_free(*state);
    return 0;
}

static config_t *load_as(void **state, const char *text, const char *node_path,
                         bool admin)
{
    rp_error_t err = {0};
    config_t *config = NULL;
    if (config_load_buffer(*state, FILE_NAME, text, strlen(text), node_path,
                           admin, &config, &err) < 0)
        fail_msg("loading:\n%s\nfailed: %s", text, err.message);
    assert_non_null(config);
    return config;
}

/* A node's own file. */
static config_t *load(void **state, const char *text)
{
    return load_as(state, text, "/n", false);
}

/* `expected` is "LINE:COLUMN: message" (or ": message" without one). */
static void load_fails_as(void **state, const char *text, size_t length,
                          const char *node_path, bool admin,
                          const char *expected)
{
    rp_error_t err = {0};
    config_t *config = NULL;
    int rc = config_load_buffer(*state, FILE_NAME, text, length, node_path,
                                admin, &config, &err);
    if (rc == 0)
        fail_msg("loading:\n%s\nsucceeded, expected: %s", text, expected);
    assert_null(config);
    char full[1200];
    snprintf(full, sizeof full, FILE_NAME "%s%s", *expected == ':' ? "" : ":",
             expected);
    assert_string_equal(err.message, full);
}

static void load_fails(void **state, const char *text, const char *expected)
{
    load_fails_as(state, text, strlen(text), "/n", false, expected);
}

static void assert_pos(source_pos_t pos, int line, int column)
{
    assert_string_equal(pos.file, FILE_NAME);
    assert_int_equal(pos.line, line);
    assert_int_equal(pos.column, column);
}

/* ---- a real red-pak file ---------------------------------------------- */

static const char red_pak_sample[] =
    "headers:\n"
    "  alias: agl-core\n"
    "  name: 6f1b0c9e-...\n"
    "  info: \"Node created by $LOGNAME($HOSTNAME) the $TODAY\"\n"
    "config:\n"
    "  path: /nodes/$NODE_ALIAS/usr/bin\n"
    "  ldpath: /nodes/$NODE_ALIAS/usr/lib64\n"
    "  umask: \"027\"\n"
    "  verbose: 0\n"
    "  maxage: 0\n"
    "  share_all: Unset\n"
    "  share_net: Enabled\n"
    "  die-with-parent: Enabled\n"
    "  capabilities:\n"
    "    - cap: cap_net_raw\n"
    "      add: 1\n"
    "environ:\n"
    "  - mode: Default\n"
    "    key: NODE_ALIAS\n"
    "    value: $NODE_ALIAS\n"
    "    info: \"the alias\"\n"
    "exports:\n"
    "  - mode: Restricted\n"
    "    mount: /nodes/$NODE_ALIAS/usr\n"
    "    path: $NODE_PATH/usr\n";

static void loads_red_pak_sample(void **state)
{
    config_t *c = load(state, red_pak_sample);
    assert_string_equal(c->file, FILE_NAME);
    assert_string_equal(c->node_path, "/n");
    assert_false(c->admin);
    assert_string_equal(c->alias.value, "agl-core");
    assert_pos(c->alias.pos, 2, 10);
    assert_ptr_equal(c->alias.from, c);
    assert_string_equal(c->name.value, "6f1b0c9e-...");
    assert_string_equal(c->info.value,
                        "Node created by $LOGNAME($HOSTNAME) the $TODAY");
    assert_string_equal(c->path.value, "/nodes/$NODE_ALIAS/usr/bin");
    assert_pos(c->path.pos, 6, 9);
    assert_string_equal(c->ldpath.value, "/nodes/$NODE_ALIAS/usr/lib64");
    assert_true(c->umask.set);
    assert_int_equal(c->umask.value, 027);
    assert_pos(c->umask.pos, 8, 10);
    assert_ptr_equal(c->umask.from, c);
    assert_true(c->verbose.set);
    assert_int_equal(c->verbose.value, 0);
    assert_int_equal(c->share[SHARE_ALL].mode, SHARE_UNSET);
    assert_int_equal(c->share[SHARE_NET].mode, SHARE_ENABLED);
    assert_pos(c->share[SHARE_NET].pos, 12, 14);
    assert_int_equal(c->share[SHARE_PID].mode, SHARE_UNSET);
    assert_int_equal(c->die_with_parent.value, TRISTATE_ENABLED);
    assert_int_equal(c->new_session.value, TRISTATE_UNSET);
    assert_int_equal(c->capability_count, 1);
    assert_int_equal(c->capabilities[0].cap, CAP_NET_RAW);
    assert_true(c->capabilities[0].add);
    assert_pos(c->capabilities[0].pos, 15, 7);
    assert_ptr_equal(c->capabilities[0].from, c);
    assert_int_equal(c->environment_count, 1);
    assert_int_equal(c->environment[0].mode, ENVIRON_DEFAULT);
    assert_string_equal(c->environment[0].key, "NODE_ALIAS");
    assert_string_equal(c->environment[0].value, "$NODE_ALIAS");
    assert_string_equal(c->environment[0].info, "the alias");
    assert_null(c->environment[0].warn);
    assert_pos(c->environment[0].pos, 18, 5);
    assert_ptr_equal(c->environment[0].from, c);
    assert_int_equal(c->export_count, 1);
    assert_int_equal(c->exports[0].mode, EXPORT_RESTRICTED);
    assert_string_equal(c->exports[0].mount, "/nodes/$NODE_ALIAS/usr");
    assert_string_equal(c->exports[0].path, "$NODE_PATH/usr");
    assert_pos(c->exports[0].pos, 23, 5);
    assert_ptr_equal(c->exports[0].from, c);
}

static void loads_files(void **state)
{
    char path[] = "/tmp/test_config.XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, red_pak_sample, strlen(red_pak_sample)),
                     (ssize_t)strlen(red_pak_sample));
    close(fd);
    rp_error_t err = {0};
    config_t *config = NULL;
    assert_int_equal(config_load_file(*state, path, "/n", false, &config, &err),
                     0);
    assert_string_equal(config->file, path);
    assert_string_equal(config->alias.value, "agl-core");
    assert_string_equal(config->alias.pos.file, path);
    unlink(path);
    config = NULL;
    assert_int_equal(config_load_file(*state, path, "/n", false, &config, &err),
                     -1);
    assert_null(config);
    char expected[200];
    snprintf(expected, sizeof expected,
             "cannot open %s: No such file or directory", path);
    assert_string_equal(err.message, expected);
}

/* ---- config keys ------------------------------------------------------ */

static void string_keys(void **state)
{
    config_t *c = load(state, HEADER "config:\n"
                                     "  path: /a\n"
                                     "  ldpath: /b\n"
                                     "  hostname: box\n"
                                     "  chdir: /home\n"
                                     "  set-user: nobody\n"
                                     "  set-group: nogroup\n"
                                     "  cgrouproot: /sys/fs/cgroup/redpak\n"
                                     "  rpmdir: /var/lib/rpm\n"
                                     "  persistdir: /var/lib/dnf\n"
                                     "  cachedir: /var/cache/dnf\n");
    const config_string_t *values[] = {
        &c->path,     &c->ldpath,     &c->hostname, &c->chdir,
        &c->set_user, &c->set_group,  &c->cgrouproot, &c->rpmdir,
        &c->persistdir, &c->cachedir,
    };
    const char *expected[] = {
        "/a", "/b", "box", "/home", "nobody", "nogroup",
        "/sys/fs/cgroup/redpak", "/var/lib/rpm", "/var/lib/dnf",
        "/var/cache/dnf",
    };
    for (int i = 0; i < 10; i++) {
        assert_string_equal(values[i]->value, expected[i]);
        assert_int_equal(values[i]->pos.line, 4 + i);
        assert_ptr_equal(values[i]->from, c);
    }
    assert_int_equal(c->set_user.pos.column, 13);
}

static void null_values_are_unset(void **state)
{
    config_t *c = load(state, HEADER "config:\n"
                                     "  path:\n"
                                     "  hostname: ~\n"
                                     "  umask: null\n"
                                     "  verbose:\n"
                                     "  share_net:\n"
                                     "  die-with-parent: ~\n"
                                     "  gpgcheck:\n"
                                     "  capabilities:\n"
                                     "  cgroups:\n"
                                     "  rlimits:\n"
                                     "environ:\n"
                                     "exports: ~\n");
    assert_null(c->path.value);
    assert_pos(c->path.pos, 4, 8);
    assert_null(c->hostname.value);
    assert_false(c->umask.set);
    assert_false(c->verbose.set);
    assert_int_equal(c->share[SHARE_NET].mode, SHARE_UNSET);
    assert_int_equal(c->die_with_parent.value, TRISTATE_UNSET);
    assert_int_equal(c->gpgcheck.value, TRISTATE_UNSET);
    assert_int_equal(c->capability_count, 0);
    assert_int_equal(c->environment_count, 0);
    assert_int_equal(c->export_count, 0);
    /* A quoted empty string is a value, not null. */
    c = load(state, HEADER "config:\n  hostname: ''\n");
    assert_string_equal(c->hostname.value, "");
}

static void umask_values(void **state)
{
    const struct {
        const char *text;
        long long value;
    } cases[] = {
        {"\"027\"", 027}, {"027", 027}, {"0022", 022}, {"'0'", 0},
        {"777", 0777},    {"0777", 0777}, {"077", 077}, {"00000007", 7},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char text[100];
        snprintf(text, sizeof text, HEADER "config:\n  umask: %s\n",
                 cases[i].text);
        config_t *c = load(state, text);
        assert_true(c->umask.set);
        assert_int_equal(c->umask.value, cases[i].value);
    }
    const char *bad[] = {"0800", "1000", "-1", "0x1f", "abc", "'027 '", "''",
                         "99999999999999999999999"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        char text[100], expected[200];
        snprintf(text, sizeof text, HEADER "config:\n  umask: %s\n", bad[i]);
        const char *shown = bad[i];
        char unquoted[40];
        if (*shown == '\'') {
            snprintf(unquoted, sizeof unquoted, "%.*s",
                     (int)strlen(shown) - 2, shown + 1);
            shown = unquoted;
        }
        snprintf(expected, sizeof expected,
                 "4:10: 'umask': invalid value '%s' (expected an octal "
                 "number from 0 to 0777)", shown);
        load_fails(state, text, expected);
    }
}

static void verbose_values(void **state)
{
    config_t *c = load(state, HEADER "config:\n  verbose: 3\n");
    assert_true(c->verbose.set);
    assert_int_equal(c->verbose.value, 3);
    load_fails(state, HEADER "config:\n  verbose: -1\n",
               "4:12: 'verbose': invalid value '-1' (expected a non-negative "
               "integer)");
    load_fails(state, HEADER "config:\n  verbose: high\n",
               "4:12: 'verbose': invalid value 'high' (expected a "
               "non-negative integer)");
    load_fails(state, HEADER "config:\n  verbose: 2147483648\n",
               "4:12: 'verbose': invalid value '2147483648' (expected a "
               "non-negative integer)");
}

static void share_values(void **state)
{
    for (int kind = 0; kind < SHARE_COUNT; kind++) {
        const char *words[] = {"enabled", "DISABLED", "Unset",
                               "/proc/1/ns/net"};
        const share_mode_t modes[] = {SHARE_ENABLED, SHARE_DISABLED,
                                      SHARE_UNSET, SHARE_JOIN};
        for (int i = 0; i < 4; i++) {
            char text[200];
            snprintf(text, sizeof text, HEADER "config:\n  %s: %s\n",
                     config_share_names[kind], words[i]);
            config_t *c = load(state, text);
            assert_int_equal(c->share[kind].mode, modes[i]);
            assert_int_equal(c->share[kind].pos.line, 4);
            assert_ptr_equal(c->share[kind].from, c);
            if (modes[i] == SHARE_JOIN)
                assert_string_equal(c->share[kind].path, "/proc/1/ns/net");
            else
                assert_null(c->share[kind].path);
            for (int other = 0; other < SHARE_COUNT; other++)
                if (other != kind)
                    assert_int_equal(c->share[other].mode, SHARE_UNSET);
        }
    }
    load_fails(state, HEADER "config:\n  share_net: maybe\n",
               "4:14: 'share_net': invalid value 'maybe' (expected enabled, "
               "disabled, unset or the absolute path of a namespace to join)");
    load_fails(state, HEADER "config:\n  share_pid: proc/1/ns/pid\n",
               "4:14: 'share_pid': invalid value 'proc/1/ns/pid' (expected "
               "enabled, disabled, unset or the absolute path of a namespace "
               "to join)");
    load_fails(state, HEADER "config:\n  share_ipc: [enabled]\n",
               "4:14: 'share_ipc': expected a scalar, found a list");
}

static void tristate_values(void **state)
{
    config_t *c = load(state, HEADER "config:\n"
                                     "  die-with-parent: Enabled\n"
                                     "  new-session: DISABLED\n");
    assert_int_equal(c->die_with_parent.value, TRISTATE_ENABLED);
    assert_pos(c->die_with_parent.pos, 4, 20);
    assert_ptr_equal(c->die_with_parent.from, c);
    assert_int_equal(c->new_session.value, TRISTATE_DISABLED);
    c = load(state, HEADER "config:\n  new-session: unset\n");
    assert_int_equal(c->new_session.value, TRISTATE_UNSET);
    load_fails(state, HEADER "config:\n  new-session: true\n",
               "4:16: 'new-session': invalid value 'true' (expected unset, "
               "enabled or disabled)");
}

static void boolean_values(void **state)
{
    const char *keys[] = {"inherit-env", "map-root-user", "gpgcheck"};
    const char *words[] = {"true", "False", "YES", "no", "on", "off", "1",
                           "0", "enabled", "Disabled", "unset"};
    const tristate_t values[] = {
        TRISTATE_ENABLED, TRISTATE_DISABLED, TRISTATE_ENABLED,
        TRISTATE_DISABLED, TRISTATE_ENABLED, TRISTATE_DISABLED,
        TRISTATE_ENABLED, TRISTATE_DISABLED, TRISTATE_ENABLED,
        TRISTATE_DISABLED, TRISTATE_UNSET};
    for (int k = 0; k < 3; k++)
        for (int w = 0; w < 11; w++) {
            char text[200];
            snprintf(text, sizeof text, HEADER "config:\n  %s: %s\n", keys[k],
                     words[w]);
            config_t *c = load(state, text);
            const config_flag_t *flags[] = {&c->inherit_env, &c->map_root_user,
                                            &c->gpgcheck};
            assert_int_equal(flags[k]->value, values[w]);
            assert_int_equal(flags[k]->pos.line, 4);
            assert_ptr_equal(flags[k]->from, c);
        }
    load_fails(state, HEADER "config:\n  gpgcheck: maybe\n",
               "4:13: 'gpgcheck': invalid value 'maybe' (expected a boolean: "
               "true or false)");
    load_fails(state, HEADER "config:\n  gpgcheck: {a: 1}\n",
               "4:13: 'gpgcheck': expected a scalar, found a mapping");
}

static void capabilities(void **state)
{
    config_t *c = load(state, HEADER "config:\n"
                                     "  capabilities:\n"
                                     "    - cap: cap_net_raw\n"
                                     "      add: 1\n"
                                     "    - cap: CAP_SYS_ADMIN\n"
                                     "      add: false\n"
                                     "      info: no admin\n"
                                     "      warn: really\n"
                                     "    - cap: Net_Bind_Service\n"
                                     "      add: TRUE\n"
                                     "    - {cap: all, add: 0}\n"
                                     "    - cap: ALL\n"
                                     "      add: yes\n");
    assert_int_equal(c->capability_count, 5);
    assert_int_equal(c->capabilities[0].cap, CAP_NET_RAW);
    assert_true(c->capabilities[0].add);
    assert_int_equal(c->capabilities[1].cap, CAP_SYS_ADMIN);
    assert_false(c->capabilities[1].add);
    assert_string_equal(c->capabilities[1].info, "no admin");
    assert_string_equal(c->capabilities[1].warn, "really");
    assert_pos(c->capabilities[1].pos, 7, 7);
    assert_int_equal(c->capabilities[2].cap, CAP_NET_BIND_SERVICE);
    assert_true(c->capabilities[2].add);
    assert_int_equal(c->capabilities[3].cap, CAPABILITY_ALL);
    assert_false(c->capabilities[3].add);
    assert_pos(c->capabilities[3].pos, 13, 7);
    assert_int_equal(c->capabilities[4].cap, CAPABILITY_ALL);
    assert_true(c->capabilities[4].add);

    load_fails(state, HEADER "config:\n  capabilities:\n    - cap: cap_fly\n"
                             "      add: 1\n",
               "5:12: unknown capability 'cap_fly'");
    load_fails(state, HEADER "config:\n  capabilities:\n    - cap: ''\n"
                             "      add: 1\n",
               "5:12: unknown capability ''");
    load_fails(state, HEADER "config:\n  capabilities:\n    - add: 1\n",
               "5:7: missing key 'cap' in capabilities entry");
    load_fails(state, HEADER "config:\n  capabilities:\n    - cap: kill\n",
               "5:7: missing key 'add' in capabilities entry");
    load_fails(state, HEADER "config:\n  capabilities:\n    - cap: kill\n"
                             "      add: 2\n",
               "6:12: 'add': invalid value '2' (expected a boolean: true or "
               "false)");
    load_fails(state, HEADER "config:\n  capabilities: cap_kill\n",
               "4:17: 'capabilities': expected a list, found a scalar");
    load_fails(state, HEADER "config:\n  capabilities:\n    - cap_kill\n",
               "5:7: capabilities entry: expected a mapping, found a scalar");
    load_fails(state, HEADER "config:\n  capabilities:\n    -\n",
               "5:6: missing key 'cap' in capabilities entry");
}

static void cgroups(void **state)
{
    config_t *c = load(state, HEADER "config:\n"
                                     "  cgroups:\n"
                                     "    cpuset: {cpus: 0-1, mems: 0, "
                                     "cpus_partition: member}\n"
                                     "    mem:\n"
                                     "      min: 1M\n"
                                     "      low: 2M\n"
                                     "      high: 3M\n"
                                     "      max: 4M\n"
                                     "      swap_high: 5M\n"
                                     "      swap_max: max\n"
                                     "      oom_group: 1\n"
                                     "    CPU: {weight: 100, weight_nice: -5,"
                                     " max: \"50000 100000\"}\n"
                                     "    io: {weight: default 100, max: "
                                     "\"8:0 rbps=1048576\"}\n"
                                     "    pids: {Max: 64}\n");
    const char *expected[CGROUP_KEY_COUNT] = {
        [CGROUP_CPUSET_CPUS] = "0-1",       [CGROUP_CPUSET_MEMS] = "0",
        [CGROUP_CPUSET_CPUS_PARTITION] = "member",
        [CGROUP_MEM_MIN] = "1M",            [CGROUP_MEM_LOW] = "2M",
        [CGROUP_MEM_HIGH] = "3M",           [CGROUP_MEM_MAX] = "4M",
        [CGROUP_MEM_SWAP_HIGH] = "5M",      [CGROUP_MEM_SWAP_MAX] = "max",
        [CGROUP_MEM_OOM_GROUP] = "1",       [CGROUP_CPU_WEIGHT] = "100",
        [CGROUP_CPU_WEIGHT_NICE] = "-5",    [CGROUP_CPU_MAX] = "50000 100000",
        [CGROUP_IO_WEIGHT] = "default 100", [CGROUP_IO_MAX] = "8:0 rbps=1048576",
        [CGROUP_PIDS_MAX] = "64",
    };
    for (int i = 0; i < CGROUP_KEY_COUNT; i++) {
        assert_non_null(c->cgroups[i].value);
        assert_string_equal(c->cgroups[i].value, expected[i]);
        assert_ptr_equal(c->cgroups[i].from, c);
    }
    assert_pos(c->cgroups[CGROUP_MEM_SWAP_MAX].pos, 12, 17);
    assert_pos(c->cgroups[CGROUP_CPUSET_CPUS].pos, 5, 20);

    load_fails(state, HEADER "config:\n  cgroups:\n    memory: {max: 1}\n",
               "5:5: unknown key 'memory' in cgroups");
    load_fails(state, HEADER "config:\n  cgroups:\n    mem: {weight: 1}\n",
               "5:11: unknown key 'weight' in cgroups.mem");
    load_fails(state, HEADER "config:\n  cgroups:\n    pids: {max: [1]}\n",
               "5:17: 'max': expected a scalar, found a list");
    load_fails(state, HEADER "config:\n  cgroups:\n    pids: 5\n",
               "5:11: cgroups.pids: expected a mapping, found a scalar");
    load_fails(state, HEADER "config:\n  cgroups:\n    pids: {max: 1}\n"
                             "    PIDS: {max: 2}\n",
               "6:5: duplicate key 'pids' in cgroups (first at line 5)");
}

static void rlimits(void **state)
{
    config_t *c = load(state, HEADER "config:\n"
                                     "  rlimits:\n"
                                     "    nofile: 1024\n"
                                     "    nproc: unlimited\n"
                                     "    core: 0\n"
                                     "    as: UNLIMITED\n"
                                     "    fsize: 1048576\n"
                                     "    stack: 8388608\n"
                                     "    memlock: 65536\n"
                                     "    cpu: 18446744073709551614\n");
    const uint64_t expected[CONFIG_RLIMIT_COUNT] = {
        [CONFIG_RLIMIT_NOFILE] = 1024,
        [CONFIG_RLIMIT_NPROC] = CONFIG_RLIMIT_UNLIMITED,
        [CONFIG_RLIMIT_CORE] = 0,
        [CONFIG_RLIMIT_AS] = CONFIG_RLIMIT_UNLIMITED,
        [CONFIG_RLIMIT_FSIZE] = 1048576,
        [CONFIG_RLIMIT_STACK] = 8388608,
        [CONFIG_RLIMIT_MEMLOCK] = 65536,
        [CONFIG_RLIMIT_CPU] = UINT64_MAX - 1,
    };
    for (int i = 0; i < CONFIG_RLIMIT_COUNT; i++) {
        assert_true(c->rlimits[i].set);
        assert_true(c->rlimits[i].value == expected[i]);
        assert_int_equal(c->rlimits[i].pos.line, 5 + i);
        assert_ptr_equal(c->rlimits[i].from, c);
    }
    c = load(state, HEADER "config:\n  rlimits: {core: }\n");
    assert_false(c->rlimits[CONFIG_RLIMIT_CORE].set);
    assert_false(c->rlimits[CONFIG_RLIMIT_NOFILE].set);

    const char *bad[] = {"-1", "1k", "18446744073709551615", "infinity"};
    for (int i = 0; i < 4; i++) {
        char text[100], expected_message[200];
        snprintf(text, sizeof text, HEADER "config:\n  rlimits:\n    nofile: %s\n",
                 bad[i]);
        snprintf(expected_message, sizeof expected_message,
                 "5:13: 'nofile': invalid value '%s' (expected a non-negative "
                 "integer or unlimited)", bad[i]);
        load_fails(state, text, expected_message);
    }
    load_fails(state, HEADER "config:\n  rlimits:\n    files: 10\n",
               "5:5: unknown key 'files' in rlimits");
    load_fails(state, HEADER "config:\n  rlimits: [nofile]\n",
               "4:12: rlimits: expected a mapping, found a list");
}

static void legacy_keys_ignored(void **state)
{
    config_t *c = load(state, HEADER "config:\n"
                                     "  maxage: 0\n"
                                     "  inherit: {a: [1, {b: 2}], c: 3}\n"
                                     "  hostname: after\n");
    assert_string_equal(c->hostname.value, "after");
    c = load(state, HEADER "config:\n  inherit: [x, y]\n  MaxAge: 12\n");
    assert_non_null(c);
}

/* ---- environ and exports ---------------------------------------------- */

static void environ_entries(void **state)
{
    config_t *c = load(state, HEADER "environ:\n"
                                     "  - {mode: Default, key: A, value: $X}\n"
                                     "  - {mode: static, key: B, value: '$X'}\n"
                                     "  - {mode: EXECFD, key: C, value: date}\n"
                                     "  - {mode: Remove, key: D}\n"
                                     "  - mode: Inherit\n"
                                     "    key: E\n"
                                     "    warn: careful\n"
                                     "  - {mode: Default, key: F, value: ''}\n");
    assert_int_equal(c->environment_count, 6);
    const environ_mode_t modes[] = {ENVIRON_DEFAULT, ENVIRON_STATIC,
                                    ENVIRON_EXECFD, ENVIRON_REMOVE,
                                    ENVIRON_INHERIT, ENVIRON_DEFAULT};
    const char *keys[] = {"A", "B", "C", "D", "E", "F"};
    const char *values[] = {"$X", "$X", "date", NULL, NULL, ""};
    for (int i = 0; i < 6; i++) {
        assert_int_equal(c->environment[i].mode, modes[i]);
        assert_string_equal(c->environment[i].key, keys[i]);
        if (values[i])
            assert_string_equal(c->environment[i].value, values[i]);
        else
            assert_null(c->environment[i].value);
        assert_ptr_equal(c->environment[i].from, c);
    }
    assert_string_equal(c->environment[4].warn, "careful");
    assert_pos(c->environment[4].pos, 8, 5);
    assert_pos(c->environment[0].pos, 4, 5);

    load_fails(state, HEADER "environ:\n  - {mode: Default, key: A}\n",
               "4:5: missing key 'value' in environ entry (mode Default "
               "needs one)");
    load_fails(state, HEADER "environ:\n  - {mode: Static, key: A, value: }\n",
               "4:5: missing key 'value' in environ entry (mode Static "
               "needs one)");
    load_fails(state, HEADER "environ:\n  - mode: Remove\n    key: A\n"
                             "    value: x\n",
               "6:5: 'value' is not allowed with mode Remove");
    load_fails(state, HEADER "environ:\n  - {mode: Inherit, key: A, value: x}\n",
               "4:29: 'value' is not allowed with mode Inherit");
    load_fails(state, HEADER "environ:\n  - {mode: Default, value: x}\n",
               "4:5: missing key 'key' in environ entry");
    load_fails(state, HEADER "environ:\n  - {key: A, value: x}\n",
               "4:5: missing key 'mode' in environ entry");
    load_fails(state, HEADER "environ:\n  - {mode: Default, key: '', value: x}\n",
               "4:26: 'key': empty value");
    load_fails(state, HEADER "environ:\n  - {mode: Expanded, key: A, value: x}\n",
               "4:12: 'mode': invalid value 'Expanded' (expected Default, "
               "Static, Execfd, Remove or Inherit)");
    load_fails(state, HEADER "environ:\n  - {mode: Default, key: A, value: x, "
                             "valeur: y}\n",
               "4:39: unknown key 'valeur' in environ entry");
    load_fails(state, HEADER "environ:\n  mode: Default\n",
               "4:3: 'environ': expected a list, found a mapping");
}

static void many_entries_grow_arrays(void **state)
{
    size_t size = 64 * 200 + 100;
    char *text = malloc(size);
    int used = snprintf(text, size, HEADER "environ:\n");
    for (int i = 0; i < 200; i++)
        used += snprintf(text + used, size - (size_t)used,
                         "  - {mode: Static, key: K%d, value: v%d}\n", i, i);
    config_t *c = load(state, text);
    free(text);
    assert_int_equal(c->environment_count, 200);
    for (int i = 0; i < 200; i++) {
        char key[16];
        snprintf(key, sizeof key, "K%d", i);
        assert_string_equal(c->environment[i].key, key);
        assert_int_equal(c->environment[i].pos.line, 4 + i);
    }
}

static void export_entries(void **state)
{
    config_t *c = load(state, HEADER "exports:\n"
                                     "  - {mode: Public, mount: /a}\n"
                                     "  - {mode: restricted, mount: /b, path: /src/b}\n"
                                     "  - {mode: Private, mount: /c}\n"
                                     "  - {mode: PrivateRestricted, mount: /d}\n"
                                     "  - {mode: PublicFile, mount: /e}\n"
                                     "  - {mode: RestrictedFile, mount: /f}\n"
                                     "  - {mode: PrivateFile, mount: /g}\n"
                                     "  - {mode: Anonymous, mount: /h}\n"
                                     "  - {mode: Tmpfs, mount: /tmp}\n"
                                     "  - {mode: Procfs, mount: /proc}\n"
                                     "  - {mode: Devfs, mount: /dev}\n"
                                     "  - {mode: Mqueue, mount: /dev/mqueue}\n"
                                     "  - {mode: Symlink, mount: /lib, path: usr/lib}\n"
                                     "  - {mode: ExecFd, mount: /etc/passwd, "
                                     "path: 'getent passwd $USER'}\n"
                                     "  - {mode: Internal, mount: /run/x}\n"
                                     "  - mode: LOCK\n"
                                     "    mount: /run/lock/app\n"
                                     "    info: held while running\n"
                                     "    warn: w\n");
    assert_int_equal(c->export_count, EXPORT_MODE_COUNT);
    for (int i = 0; i < EXPORT_MODE_COUNT; i++) {
        assert_int_equal(c->exports[i].mode, i);
        assert_ptr_equal(c->exports[i].from, c);
        assert_int_equal(c->exports[i].pos.line, 4 + i);
    }
    /* path defaults to mount for the modes that take a source */
    assert_string_equal(c->exports[EXPORT_PUBLIC].path, "/a");
    assert_string_equal(c->exports[EXPORT_RESTRICTED].path, "/src/b");
    assert_string_equal(c->exports[EXPORT_PRIVATE].path, "/c");
    assert_string_equal(c->exports[EXPORT_PRIVATE_RESTRICTED].path, "/d");
    assert_string_equal(c->exports[EXPORT_PUBLIC_FILE].path, "/e");
    assert_string_equal(c->exports[EXPORT_RESTRICTED_FILE].path, "/f");
    assert_string_equal(c->exports[EXPORT_PRIVATE_FILE].path, "/g");
    assert_null(c->exports[EXPORT_ANONYMOUS].path);
    assert_null(c->exports[EXPORT_TMPFS].path);
    assert_string_equal(c->exports[EXPORT_SYMLINK].path, "usr/lib");
    assert_string_equal(c->exports[EXPORT_EXECFD].path, "getent passwd $USER");
    assert_string_equal(c->exports[EXPORT_LOCK].mount, "/run/lock/app");
    assert_string_equal(c->exports[EXPORT_LOCK].info, "held while running");
    assert_string_equal(c->exports[EXPORT_LOCK].warn, "w");

    load_fails(state, HEADER "exports:\n  - {mode: Symlink, mount: /lib}\n",
               "4:5: missing key 'path' in exports entry (mode Symlink needs "
               "one)");
    load_fails(state, HEADER "exports:\n  - {mode: Execfd, mount: /x, path: }\n",
               "4:5: missing key 'path' in exports entry (mode Execfd needs "
               "one)");
    load_fails(state, HEADER "exports:\n  - {mode: Public, path: /a}\n",
               "4:5: missing key 'mount' in exports entry");
    load_fails(state, HEADER "exports:\n  - {mode: Public, mount: ''}\n",
               "4:27: 'mount': empty value");
    load_fails(state, HEADER "exports:\n  - mode: Public\n    mount:\n",
               "5:11: 'mount': empty value");
    load_fails(state, HEADER "exports:\n  - {mode: Shared, mount: /a}\n",
               "4:12: 'mode': invalid value 'Shared' (expected Public, "
               "Restricted, Private, PrivateRestricted, PublicFile, "
               "RestrictedFile, PrivateFile, Anonymous, Tmpfs, Procfs, Devfs, "
               "Mqueue, Symlink, Execfd, Internal or Lock)");
    load_fails(state, HEADER "exports:\n  - {mode: Public, mount: {a: 1}}\n",
               "4:27: 'mount': expected a scalar, found a mapping");
}

/* ---- headers ---------------------------------------------------------- */

static void headers_and_alias(void **state)
{
    const char *good[] = {"a", "App-1_x@host:2+", "0", "UPPER"};
    for (int i = 0; i < 4; i++) {
        char text[100];
        snprintf(text, sizeof text, "headers:\n  alias: '%s'\n", good[i]);
        assert_string_equal(load(state, text)->alias.value, good[i]);
    }
    const char *bad[] = {"a/b", "a b", "..", "é", "$NODE_ALIAS", "a;b"};
    for (int i = 0; i < 6; i++) {
        char text[100], expected[200];
        snprintf(text, sizeof text, "headers:\n  alias: \"%s\"\n", bad[i]);
        snprintf(expected, sizeof expected,
                 "2:10: bad alias '%s': only letters, digits and +-_@: are "
                 "allowed", bad[i]);
        load_fails(state, text, expected);
    }
    load_fails(state, "headers:\n  alias: ''\n",
               "2:10: bad alias '': only letters, digits and +-_@: are "
               "allowed");
    /* Mandatory in a node's own file only. */
    load_fails(state, "config:\n  path: /x\n",
               "1:1: missing key 'alias' in headers");
    load_fails(state, "headers:\n  name: x\n",
               "1:1: missing key 'alias' in headers");
    load_fails(state, "headers:\n  alias:\n", "2:9: 'alias': empty value");
    config_t *c = load_as(state, "config:\n  path: /x\n", "/n", true);
    assert_null(c->alias.value);
    assert_true(c->admin);
    c = load_as(state, "config:\n  path: /x\n", NULL, false);
    assert_null(c->alias.value);
    assert_null(c->node_path);
    c = load_as(state, "headers:\n  alias: main\n  name: n\n  info: i\n",
                NULL, false);
    assert_string_equal(c->alias.value, "main");
    assert_string_equal(c->name.value, "n");
    assert_string_equal(c->info.value, "i");
    load_fails(state, "headers:\n  alias: a\n  uuid: x\n",
               "3:3: unknown key 'uuid' in headers");
}

/* ---- case, structure and error classes -------------------------------- */

static void keys_and_values_case_insensitive(void **state)
{
    config_t *c = load(state, "HEADERS:\n  Alias: app\n"
                              "Config:\n"
                              "  PATH: /a\n"
                              "  Share_Net: ENABLED\n"
                              "  Die-With-Parent: disabled\n"
                              "  UMASK: 077\n"
                              "Environ:\n  - {MODE: default, KEY: k, Value: v}\n"
                              "EXPORTS:\n  - {Mode: PUBLIC, Mount: /m}\n");
    assert_string_equal(c->alias.value, "app");
    assert_string_equal(c->path.value, "/a");
    assert_int_equal(c->share[SHARE_NET].mode, SHARE_ENABLED);
    assert_int_equal(c->die_with_parent.value, TRISTATE_DISABLED);
    assert_int_equal(c->umask.value, 077);
    assert_int_equal(c->environment[0].mode, ENVIRON_DEFAULT);
    /* Values other than enums keep their case. */
    assert_string_equal(c->environment[0].key, "k");
    assert_int_equal(c->exports[0].mode, EXPORT_PUBLIC);
}

static void unknown_and_duplicate_keys(void **state)
{
    load_fails(state, HEADER "settings:\n  path: /x\n",
               "3:1: unknown key 'settings' in the file");
    load_fails(state, HEADER "config:\n  pathh: /x\n",
               "4:3: unknown key 'pathh' in config");
    load_fails(state, HEADER "config:\n  seccomp: {defaults: kill}\n",
               "4:13: unknown key 'defaults' in seccomp");
    load_fails(state, HEADER "config:\n  path: /x\n  PATH: /y\n",
               "5:3: duplicate key 'path' in config (first at line 4)");
    load_fails(state, HEADER "config: {}\nconfig: {}\n",
               "4:1: duplicate key 'config' in the file (first at line 3)");
    load_fails(state, HEADER "headers:\n  alias: b\n",
               "3:1: duplicate key 'headers' in the file (first at line 1)");
    load_fails(state, HEADER "environ:\n  - {mode: Remove, key: A, KEY: B}\n",
               "4:28: duplicate key 'key' in environ entry (first at line 4)");
    load_fails(state, HEADER "config:\n  ? [a, b]\n  : x\n",
               "4:5: config: expected a key, found a list");
}

static void wrong_types(void **state)
{
    load_fails(state, HEADER "config:\n  path: {a: b}\n",
               "4:9: 'path': expected a scalar, found a mapping");
    load_fails(state, HEADER "config:\n  path:\n    - /a\n",
               "5:5: 'path': expected a scalar, found a list");
    load_fails(state, HEADER "config: [a]\n",
               "3:9: config: expected a mapping, found a list");
    load_fails(state, HEADER "config: yes\n",
               "3:9: config: expected a mapping, found a scalar");
    load_fails(state, "headers: app\n",
               "1:10: headers: expected a mapping, found a scalar");
    load_fails(state, HEADER "exports: /a\n",
               "3:10: 'exports': expected a list, found a scalar");
    load_fails(state, HEADER "environ:\n  - [a]\n",
               "4:5: environ entry: expected a mapping, found a list");
}

static void limits_and_encoding(void **state)
{
    /* 4096 bytes load, 4097 do not. */
    size_t size = 5000;
    char *text = malloc(size);
    char *value = malloc(4098);
    memset(value, 'x', 4097);
    value[4096] = '\0';
    snprintf(text, size, HEADER "config:\n  hostname: %s\n", value);
    assert_int_equal(strlen(load(state, text)->hostname.value), 4096);
    value[4096] = 'x';
    value[4097] = '\0';
    snprintf(text, size, HEADER "config:\n  hostname: %s\n", value);
    load_fails(state, text, "4:13: value longer than 4096 bytes");
    snprintf(text, size, HEADER "config:\n  %s: x\n", value);
    load_fails(state, text, "4:3: value longer than 4096 bytes");
    free(value);
    free(text);

    load_fails(state, HEADER "config:\n  hostname: caf\xe9\n",
               "4:16: invalid input: incomplete UTF-8 octet sequence");
    load_fails(state, HEADER "config:\n  hostname: \"a\\0b\"\n",
               "4:13: NUL character in a scalar");
    const char with_nul[] = HEADER "config:\n  hostname: a\0b\n";
    load_fails_as(state, with_nul, sizeof with_nul - 1, "/n", false,
                  "4:14: invalid input: control characters are not allowed");
    /* UTF-8 is read, as UTF-8. */
    assert_string_equal(load(state, HEADER "config:\n  hostname: café\n")
                            ->hostname.value,
                        "café");
}

static void empty_and_odd_documents(void **state)
{
    load_fails(state, "", "1:1: empty file");
    load_fails(state, "# only a comment\n", "2:1: empty file");
    load_fails(state, "---\n", "2:1: empty file");
    load_fails(state, "~\n", "1:1: empty file");
    load_fails(state, "- a\n- b\n",
               "1:1: expected a mapping at the top level, found a list");
    load_fails(state, "just text\n",
               "1:1: expected a mapping at the top level, found a scalar");
    load_fails(state, HEADER "---\n" HEADER,
               "3:1: only one YAML document is allowed");
    load_fails(state, HEADER "config:\n  path: &p /a\n  ldpath: *p\n",
               "4:9: YAML anchors are not allowed (&p)");
    load_fails(state, HEADER "config:\n  path: !!str /a\n",
               "4:9: YAML tags are not allowed (tag:yaml.org,2002:str)");
    load_fails(state, HEADER "config:\n  path: /a\n ldpath: /b\n",
               "5:2: invalid YAML: did not find expected key while "
               "parsing a block mapping");
    /* A syntax error is reported before the missing alias. */
    load_fails(state, "config:\n  path: 'x\n",
               "3:1: invalid YAML: found unexpected end of stream while "
               "scanning a quoted scalar");
}

/* Inputs meant to hurt: nesting hidden in an ignored legacy key, an
 * alias inside it, a buffer that is not NUL-terminated, input past the
 * size limit. */
static void hostile_inputs(void **state)
{
    char text[200] = HEADER "config:\n  inherit: ";
    for (int i = 0; i < 40; i++)
        strcat(text, "[");
    load_fails(state, text, "4:42: nesting deeper than 32 levels");
    load_fails(state, HEADER "config:\n  inherit: {a: &x 1, b: *x}\n",
               "4:16: YAML anchors are not allowed (&x)");

    const char unterminated[] = HEADER "config:\n  hostname: abcXYZ";
    config_t *c = NULL;
    rp_error_t err = {0};
    assert_int_equal(config_load_buffer(*state, FILE_NAME, unterminated,
                                        sizeof unterminated - 4, "/n", false,
                                        &c, &err), 0);
    assert_string_equal(c->hostname.value, "abc");

    size_t size = 1024 * 1024 + 1;
    char *big = malloc(size);
    memset(big, '#', size);
    load_fails_as(state, big, size, "/n", false,
                  ": file larger than 1048576 bytes");
    free(big);
}

/* ---- name tables ------------------------------------------------------ */

static void name_tables(void **state)
{
    (void)state;
    assert_int_equal(config_name_lookup(config_share_names, SHARE_COUNT,
                                        "SHARE_NET"), SHARE_NET);
    assert_int_equal(config_name_lookup(config_export_mode_names,
                                        EXPORT_MODE_COUNT, "privatefile"),
                     EXPORT_PRIVATE_FILE);
    assert_int_equal(config_name_lookup(config_environ_mode_names,
                                        ENVIRON_MODE_COUNT, "inherit"),
                     ENVIRON_INHERIT);
    assert_int_equal(config_name_lookup(config_rlimit_names,
                                        CONFIG_RLIMIT_COUNT, "MemLock"),
                     CONFIG_RLIMIT_MEMLOCK);
    assert_int_equal(config_name_lookup(config_rlimit_names,
                                        CONFIG_RLIMIT_COUNT, "memlocks"), -1);
    assert_string_equal(config_export_mode_names[EXPORT_PRIVATE_RESTRICTED],
                        "PrivateRestricted");
    for (int i = 0; i < CGROUP_KEY_COUNT; i++) {
        assert_non_null(config_cgroup_keys[i].section);
        assert_non_null(config_cgroup_keys[i].key);
        assert_non_null(config_cgroup_keys[i].file);
    }
    assert_string_equal(config_cgroup_keys[CGROUP_MEM_SWAP_MAX].file,
                        "memory.swap.max");
    assert_string_equal(config_cgroup_keys[CGROUP_CPUSET_CPUS_PARTITION].file,
                        "cpuset.cpus.partition");
    assert_string_equal(config_cgroup_keys[CGROUP_CPU_WEIGHT_NICE].file,
                        "cpu.weight.nice");
}

static void capability_names(void **state)
{
    (void)state;
    assert_int_equal(capability_last(), CAP_LAST_CAP);
    assert_int_equal(capability_from_name("net_admin"), CAP_NET_ADMIN);
    assert_int_equal(capability_from_name("CAP_NET_ADMIN"), CAP_NET_ADMIN);
    assert_int_equal(capability_from_name("Cap_Sys_Admin"), CAP_SYS_ADMIN);
    assert_int_equal(capability_from_name("chown"), 0);
    assert_int_equal(capability_from_name("setfcap"), CAP_SETFCAP);
    assert_int_equal(capability_from_name("CAP_"), -1);
    assert_int_equal(capability_from_name(""), -1);
    assert_int_equal(capability_from_name("cap_cap_kill"), -1);
    assert_int_equal(capability_from_name("ALL"), -1);
    assert_string_equal(capability_name(CAP_NET_ADMIN), "CAP_NET_ADMIN");
    assert_string_equal(capability_name(CAPABILITY_ALL), "ALL");
    assert_null(capability_name(CAP_LAST_CAP + 1));
    assert_null(capability_name(-2));
    /* Every number up to the last has a name that maps back to it. */
    for (int cap = 0; cap <= capability_last(); cap++) {
        const char *name = capability_name(cap);
        assert_non_null(name);
        assert_int_equal(capability_from_name(name), cap);
        assert_int_equal(capability_from_name(name + 4), cap);
    }
}

#define TEST(name) \
    cmocka_unit_test_setup_teardown(name, arena_setup, arena_teardown)

int main(void)
{
    cmocka_set_message_output(CM_OUTPUT_TAP);
    const struct CMUnitTest tests[] = {
        TEST(loads_red_pak_sample),
        TEST(loads_files),
        TEST(string_keys),
        TEST(null_values_are_unset),
        TEST(umask_values),
        TEST(verbose_values),
        TEST(share_values),
        TEST(tristate_values),
        TEST(boolean_values),
        TEST(capabilities),
        TEST(cgroups),
        TEST(rlimits),
        TEST(legacy_keys_ignored),
        TEST(environ_entries),
        TEST(many_entries_grow_arrays),
        TEST(export_entries),
        TEST(headers_and_alias),
        TEST(keys_and_values_case_insensitive),
        TEST(unknown_and_duplicate_keys),
        TEST(wrong_types),
        TEST(limits_and_encoding),
        TEST(empty_and_odd_documents),
        TEST(hostile_inputs),
        TEST(name_tables),
        TEST(capability_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
