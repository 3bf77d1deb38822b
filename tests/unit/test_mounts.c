/* Unit tests of core/mounts: the kernel's \ooo escapes in mount tables. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/mounts.h"

static void unescape(void **state)
{
    (void)state;
    char field[] = "/srv/my\\040dir\\011x\\012y\\134z";
    mounts_unescape(field);
    assert_string_equal(field, "/srv/my dir\tx\ny\\z");
    char plain[] = "/a\\b\\9\\0";
    mounts_unescape(plain); /* not an escape: kept as is */
    assert_string_equal(plain, "/a\\b\\9\\0");
}

int main(void)
{
    cmocka_set_message_output(CM_OUTPUT_TAP);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(unescape),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
