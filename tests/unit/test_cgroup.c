/* Unit tests of the cgroup v2 value validators (core/cgroup_value.c) and
 * of core/cgroup.c on in-memory chains and a cgroup2 look-alike
 * directory (names, values, nesting, fail-closed checks, spawn). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/cgroup.h"
#include "core/cgroup_value.h"

static void assert_valid(cgroup_key_t key, const char *value)
{
    const char *expected = NULL;
    if (cgroup_value_check(key, value, &expected) != 0)
        fail_msg("'%s' refused for key %d (expected %s)", value, key, expected);
}

static void assert_invalid(cgroup_key_t key, const char *value)
{
    const char *expected = NULL;
    if (cgroup_value_check(key, value, &expected) == 0)
        fail_msg("'%s' accepted for key %d", value, key);
    assert_non_null(expected);
}

static void test_cpuset_lists(void **state)
{
    (void)state;
    const char *good[] = {"0", "0-2", "0-2,4", "1,3,5-7", "0-0", "65535"};
    const char *bad[] = {"", "-1", "2-1", "0,", ",0", "0-", "a", "0 1",
                         "65536", "0-2,,4", "1-2-3", " 0"};
    for (size_t i = 0; i < sizeof good / sizeof *good; i++) {
        assert_valid(CGROUP_CPUSET_CPUS, good[i]);
        assert_valid(CGROUP_CPUSET_MEMS, good[i]);
    }
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        assert_invalid(CGROUP_CPUSET_CPUS, bad[i]);
        assert_invalid(CGROUP_CPUSET_MEMS, bad[i]);
    }
}

static void test_cpuset_partition(void **state)
{
    (void)state;
    assert_valid(CGROUP_CPUSET_CPUS_PARTITION, "member");
    assert_valid(CGROUP_CPUSET_CPUS_PARTITION, "root");
    assert_valid(CGROUP_CPUSET_CPUS_PARTITION, "isolated");
    assert_invalid(CGROUP_CPUSET_CPUS_PARTITION, "Root ");
    assert_invalid(CGROUP_CPUSET_CPUS_PARTITION, "");
    assert_invalid(CGROUP_CPUSET_CPUS_PARTITION, "leaf");
}

static void test_memory_sizes(void **state)
{
    (void)state;
    const char *good[] = {"0", "max", "10M", "512m", "1G", "4096", "3k", "2T",
                          "16777215T"};
    const char *bad[] = {"", "-1", "10MB", "1.5G", "M", "0x10", "max ",
                         "10 M", "18446744073709551616", "16777216T", "1P",
                         "MAX"};
    for (cgroup_key_t key = CGROUP_MEM_MIN; key <= CGROUP_MEM_SWAP_MAX; key++) {
        for (size_t i = 0; i < sizeof good / sizeof *good; i++)
            assert_valid(key, good[i]);
        for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
            assert_invalid(key, bad[i]);
    }
}

static void test_oom_group(void **state)
{
    (void)state;
    assert_valid(CGROUP_MEM_OOM_GROUP, "0");
    assert_valid(CGROUP_MEM_OOM_GROUP, "1");
    assert_invalid(CGROUP_MEM_OOM_GROUP, "10"); /* the seed's example */
    assert_invalid(CGROUP_MEM_OOM_GROUP, "true");
}

static void test_cpu_weights(void **state)
{
    (void)state;
    assert_valid(CGROUP_CPU_WEIGHT, "1");
    assert_valid(CGROUP_CPU_WEIGHT, "10000");
    assert_valid(CGROUP_CPU_WEIGHT, "200");
    assert_invalid(CGROUP_CPU_WEIGHT, "0");
    assert_invalid(CGROUP_CPU_WEIGHT, "10001");
    assert_invalid(CGROUP_CPU_WEIGHT, "-5");
    assert_invalid(CGROUP_CPU_WEIGHT, "99999999999999999999999");
    assert_valid(CGROUP_CPU_WEIGHT_NICE, "-20");
    assert_valid(CGROUP_CPU_WEIGHT_NICE, "19");
    assert_valid(CGROUP_CPU_WEIGHT_NICE, "0");
    assert_invalid(CGROUP_CPU_WEIGHT_NICE, "-21");
    assert_invalid(CGROUP_CPU_WEIGHT_NICE, "20");
    assert_invalid(CGROUP_CPU_WEIGHT_NICE, "-");
    assert_invalid(CGROUP_CPU_WEIGHT_NICE, "+1");
}

static void test_cpu_max(void **state)
{
    (void)state;
    const char *good[] = {"max", "max 100000", "50000 100000", "1000 1000",
                          "1000", "200000 1000000"};
    const char *bad[] = {"", "100 100000", "50000 999", "50000 1000001",
                         "max  100000", "50000 100000 ", "unlimited",
                         "50000,100000", "max max"};
    for (size_t i = 0; i < sizeof good / sizeof *good; i++)
        assert_valid(CGROUP_CPU_MAX, good[i]);
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        assert_invalid(CGROUP_CPU_MAX, bad[i]);
}

static void test_io(void **state)
{
    (void)state;
    assert_valid(CGROUP_IO_WEIGHT, "200");
    assert_valid(CGROUP_IO_WEIGHT, "default 100");
    assert_valid(CGROUP_IO_WEIGHT, "8:16 300");
    assert_invalid(CGROUP_IO_WEIGHT, "0");
    assert_invalid(CGROUP_IO_WEIGHT, "8:16");
    assert_invalid(CGROUP_IO_WEIGHT, "default");
    assert_invalid(CGROUP_IO_WEIGHT, "8:16 20000");
    assert_valid(CGROUP_IO_MAX, "8:0 rbps=2097152 wiops=120");
    assert_valid(CGROUP_IO_MAX, "8:16 wbps=max");
    assert_valid(CGROUP_IO_MAX, "253:0 rbps=1 wbps=2 riops=3 wiops=4");
    assert_invalid(CGROUP_IO_MAX, "8:0");
    assert_invalid(CGROUP_IO_MAX, "8:0 ");
    assert_invalid(CGROUP_IO_MAX, "rbps=1");
    assert_invalid(CGROUP_IO_MAX, "8:0 rbps=");
    assert_invalid(CGROUP_IO_MAX, "8:0 xbps=1");
    assert_invalid(CGROUP_IO_MAX, "8:0 rbps=1;");
    assert_invalid(CGROUP_IO_MAX, "8 rbps=1");
}

static void test_pids_max(void **state)
{
    (void)state;
    assert_valid(CGROUP_PIDS_MAX, "max");
    assert_valid(CGROUP_PIDS_MAX, "0");
    assert_valid(CGROUP_PIDS_MAX, "50");
    assert_invalid(CGROUP_PIDS_MAX, "-1");
    assert_invalid(CGROUP_PIDS_MAX, "50 ");
    assert_invalid(CGROUP_PIDS_MAX, "4294967296");
    assert_invalid(CGROUP_PIDS_MAX, "unlimited");
}

/* A two-node chain built in memory: /n/a (pids.max 50) and /n/a/b. */
typedef struct fixture {
    arena_t *arena;
    config_t main, a, b;
    node_t nodes[2];
    node_chain_t chain;
    char tree[64];
} fixture_t;

static int fixture_setup(void **state)
{
    fixture_t *f = calloc(1, sizeof *f);
    f->arena = arena_new();
    f->a.alias.value = "a";
    f->b.alias.value = "b";
    f->a.file = "/n/a/etc/redpak.yaml";
    f->a.cgroups[CGROUP_PIDS_MAX] =
        (config_string_t){"50", {"/n/a/etc/redpak.yaml", 4, 12}, &f->a};
    f->nodes[0] = (node_t){.path = "/n/a", .config = &f->a};
    f->nodes[1] = (node_t){.path = "/n/a/b", .config = &f->b};
    f->chain = (node_chain_t){f->nodes, 2, &f->main};
    strcpy(f->tree, "/tmp/test_cgroup.XXXXXX");
    assert_non_null(mkdtemp(f->tree));
    setenv("CGROUPS_MOUNT_POINT", f->tree, 1);
    *state = f;
    return 0;
}

static int fixture_teardown(void **state)
{
    fixture_t *f = *state;
    char command[128];
    snprintf(command, sizeof command, "rm -rf '%s'", f->tree);
    assert_int_equal(system(command), 0);
    arena_free(f->arena);
    free(f);
    return 0;
}

static void write_text(const char *dir, const char *name, const char *text)
{
    assert_int_equal(cgroup_write(dir, name, text, true), 0);
}

static void test_plan_names_and_values(void **state)
{
    fixture_t *f = *state;
    cgroup_plan_t plan;
    rp_error_t err;
    assert_int_equal(cgroup_plan_build(f->arena, &f->chain, &plan, &err), 0);
    assert_true(plan.limited);
    /* FNV-1a 32 of "/n/a" and "/n/a/b". */
    assert_string_equal(plan.nodes[0].name, "redpak-a-adfb8524");
    assert_string_equal(plan.nodes[1].name, "redpak-b-c7a6a049");
    assert_string_equal(plan.nodes[0].values[CGROUP_PIDS_MAX].value, "50");
    assert_null(plan.nodes[1].values[CGROUP_PIDS_MAX].value);
}

static void test_plan_defaults_and_admin(void **state)
{
    fixture_t *f = *state;
    config_t admin = {0};
    cgroup_plan_t plan;
    rp_error_t err;
    f->main.cgroups[CGROUP_MEM_MAX].value = "1G";
    f->main.cgroups[CGROUP_PIDS_MAX].value = "99";
    admin.cgroups[CGROUP_CPU_WEIGHT].value = "300";
    f->nodes[1].admin = &admin;
    assert_int_equal(cgroup_plan_build(f->arena, &f->chain, &plan, &err), 0);
    assert_string_equal(plan.nodes[0].values[CGROUP_MEM_MAX].value, "1G");
    assert_string_equal(plan.nodes[0].values[CGROUP_PIDS_MAX].value, "50");
    assert_null(plan.nodes[1].values[CGROUP_MEM_MAX].value);
    assert_string_equal(plan.nodes[1].values[CGROUP_CPU_WEIGHT].value, "300");
}

static void test_plan_refuses_bad_value(void **state)
{
    fixture_t *f = *state;
    cgroup_plan_t plan;
    rp_error_t err;
    f->a.cgroups[CGROUP_PIDS_MAX].value = "-3";
    assert_int_equal(cgroup_plan_build(f->arena, &f->chain, &plan, &err), -1);
    assert_string_equal(err.message, "/n/a/etc/redpak.yaml:4:12: invalid "
                        "cgroups.pids.max '-3': expected a number of "
                        "processes or max");
}

static void test_plan_without_limits(void **state)
{
    fixture_t *f = *state;
    cgroup_plan_t plan;
    rp_error_t err;
    f->a.cgroups[CGROUP_PIDS_MAX].value = NULL;
    assert_int_equal(cgroup_plan_build(f->arena, &f->chain, &plan, &err), 0);
    assert_false(plan.limited);
    assert_int_equal(cgroup_plan_apply(&plan, &err), 0);
}

static void test_locate_and_apply(void **state)
{
    fixture_t *f = *state;
    cgroup_plan_t plan;
    rp_error_t err;
    config_string_t root = {.value = "/delegated"};
    char *dir = arena_printf(f->arena, "%s/delegated", f->tree);
    assert_int_equal(mkdir(dir, 0755), 0);
    write_text(dir, "cgroup.controllers", "cpu memory pids\n");
    assert_int_equal(cgroup_plan_build(f->arena, &f->chain, &plan, &err), 0);
    assert_int_equal(cgroup_plan_locate(f->arena, &plan, &root, &err), 0);
    assert_string_equal(plan.mount, f->tree);
    assert_string_equal(plan.root, dir);
    assert_string_equal(plan.run, arena_printf(f->arena, "%s/redpak-a-adfb8524"
                                               "/redpak-b-c7a6a049/run", dir));
    assert_int_equal(cgroup_plan_apply(&plan, &err), 0);
    assert_string_equal(cgroup_read(f->arena, dir, "cgroup.subtree_control"),
                        "+pids");
    assert_string_equal(cgroup_read(f->arena, plan.nodes[0].dir, "pids.max"),
                        "50");
    assert_null(cgroup_read(f->arena, plan.nodes[0].dir,
                            "cgroup.subtree_control"));
}

static void test_apply_fails_closed(void **state)
{
    fixture_t *f = *state;
    cgroup_plan_t plan;
    rp_error_t err;
    config_string_t root = {.value = "/"};
    write_text(f->tree, "cgroup.controllers", "cpu memory\n");
    assert_int_equal(cgroup_plan_build(f->arena, &f->chain, &plan, &err), 0);
    assert_int_equal(cgroup_plan_locate(f->arena, &plan, &root, &err), 0);
    assert_string_equal(plan.root, f->tree);
    assert_int_equal(cgroup_plan_apply(&plan, &err), -1);
    assert_non_null(strstr(err.message, "/n/a/etc/redpak.yaml:4:12: the pids "
                           "controller is not available in the cgroup v2 "
                           "hierarchy"));
    assert_null(cgroup_read(f->arena, f->tree, "cgroup.subtree_control"));
}

static void assert_child_exits(pid_t pid, int code)
{
    int status;
    assert_true(pid > 0);
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), code);
}

/* Not a real cgroup: clone3 refuses the directory, so the child writes
 * itself ("0", as the kernel expects) into cgroup.procs. */
static void test_spawn_fallback(void **state)
{
    fixture_t *f = *state;
    rp_error_t err;
    int fd = cgroup_open(f->tree, &err);
    assert_true(fd >= 0);
    pid_t pid = cgroup_spawn(fd, 0, &err);
    if (pid == 0)
        _exit(7);
    close(fd);
    assert_child_exits(pid, 7);
    assert_string_equal(cgroup_read(f->arena, f->tree, "cgroup.procs"), "0");
}

static void test_spawn_without_cgroup(void **state)
{
    fixture_t *f = *state;
    rp_error_t err;
    pid_t pid = cgroup_spawn(-1, 0, &err);
    if (pid == 0)
        _exit(3);
    assert_child_exits(pid, 3);
    assert_null(cgroup_read(f->arena, f->tree, "cgroup.procs"));
}

static void test_spawn_refused(void **state)
{
    fixture_t *f = *state;
    rp_error_t err;
    char *missing = arena_printf(f->arena, "%s/missing", f->tree);
    assert_int_equal(cgroup_open(missing, &err), -1);
    assert_non_null(strstr(err.message, "cannot open cgroup"));
    /* A cgroup.procs that cannot be written (a directory, so even root
     * fails): the child says why and exits EXIT_SETUP. */
    char *procs = arena_printf(f->arena, "%s/cgroup.procs", f->tree);
    assert_int_equal(mkdir(procs, 0755), 0);
    int fd = cgroup_open(f->tree, &err);
    pid_t pid = cgroup_spawn(fd, 0, &err);
    if (pid == 0)
        _exit(0);
    close(fd);
    assert_child_exits(pid, 125);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cpuset_lists),
        cmocka_unit_test(test_cpuset_partition),
        cmocka_unit_test(test_memory_sizes),
        cmocka_unit_test(test_oom_group),
        cmocka_unit_test(test_cpu_weights),
        cmocka_unit_test(test_cpu_max),
        cmocka_unit_test(test_io),
        cmocka_unit_test(test_pids_max),
        cmocka_unit_test_setup_teardown(test_plan_names_and_values,
                                        fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_plan_defaults_and_admin,
                                        fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_plan_refuses_bad_value,
                                        fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_plan_without_limits,
                                        fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_locate_and_apply,
                                        fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_apply_fails_closed,
                                        fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_spawn_fallback,
                                        fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_spawn_without_cgroup,
                                        fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_spawn_refused,
                                        fixture_setup, fixture_teardown),
    };
    cmocka_set_message_output(CM_OUTPUT_TAP);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
