/* Unit tests of the cgroup v2 value validators (core/cgroup_value.c) and
 * of the pure parts of core/cgroup.c (names, mount and cgroup lookups). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

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
    };
    cmocka_set_message_output(CM_OUTPUT_TAP);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
