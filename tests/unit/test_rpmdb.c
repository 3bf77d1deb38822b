/* Unit tests of core/rpmdb's evaluation of rich dependencies: rpm's
 * boolean operators over leaves answered by a callback (here: a fixed set
 * of provided capabilities). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include <rpm/rpmds.h>
#include <rpm/rpmtag.h>

#include "core/rpmdb.h"

/* Capabilities "a" and "b" are provided, "x" and "y" are not. */
static bool provided(void *context, rpmds dep)
{
    (void)context;
    return strcmp(rpmdsN(dep), "a") == 0 || strcmp(rpmdsN(dep), "b") == 0;
}

static bool holds(const char *text)
{
    rpmds dep = rpmdsSingle(RPMTAG_REQUIRENAME, text, NULL, 0);
    bool result = rpmdb_satisfied(dep, provided, NULL);
    rpmdsFree(dep);
    return result;
}

static void test_plain(void **state)
{
    (void)state;
    assert_true(holds("a"));
    assert_false(holds("x"));
}

static void test_and_or(void **state)
{
    (void)state;
    assert_true(holds("(a and b)"));
    assert_false(holds("(a and x)"));
    assert_true(holds("(x or b)"));
    assert_false(holds("(x or y)"));
    assert_true(holds("((x or a) and (b or y))"));
    assert_true(holds("(x or y or a)"));
}

/* A if B: A or not B; A unless B: A and not B; ELSE gives the other way. */
static void test_conditions(void **state)
{
    (void)state;
    assert_true(holds("(x if y)"));
    assert_false(holds("(x if a)"));
    assert_true(holds("(b if a)"));
    assert_true(holds("(a if x else b)"));
    assert_false(holds("(a if x else y)"));
    assert_true(holds("(a unless x)"));
    assert_false(holds("(a unless b)"));
    assert_true(holds("(x unless a else b)"));
    assert_false(holds("(x unless a else y)"));
}

/* One package for both sides cannot be told from leaves: unsatisfied. */
static void test_with_without_fail_closed(void **state)
{
    (void)state;
    assert_false(holds("(a with b)"));
    assert_false(holds("(a without x)"));
    assert_false(holds("(a and"));
}

int main(void)
{
    cmocka_set_message_output(CM_OUTPUT_TAP);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plain),
        cmocka_unit_test(test_and_or),
        cmocka_unit_test(test_conditions),
        cmocka_unit_test(test_with_without_fail_closed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
