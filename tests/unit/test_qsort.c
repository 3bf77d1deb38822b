/* Unit tests of musl/qsort.c (the static binary's qsort), compiled in
 * here: arrays in order, reversed and shuffled, of every length around
 * the insertion sort's limit, elements of 4, 3 and 32 bytes and wider
 * than the insertion sort takes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "musl/qsort.c"

#define TEST_MAX_COUNT 300

/* An element of WIDTH bytes whose key is its first byte pair; the rest
 * carries the original position so that losses and duplicates show. */
static int compare_key(const void *a, const void *b)
{
    const unsigned char *x = a, *y = b;
    return (x[0] << 8 | x[1]) - (y[0] << 8 | y[1]);
}

static void fill(unsigned char *array, size_t count, size_t width, int order)
{
    for (size_t i = 0; i < count; i++) {
        unsigned key = order == 0 ? i : order == 1 ? count - i : (unsigned)rand() % 50;
        unsigned char *element = array + i * width;
        memset(element, 0, width);
        element[0] = (unsigned char)(key >> 8);
        element[1] = (unsigned char)key;
        if (width > 2)
            element[2] = (unsigned char)i;
    }
}

static void check_sorted(const unsigned char *array, size_t count, size_t width,
                         unsigned expected_sum)
{
    unsigned sum = 0;
    for (size_t i = 0; i < count; i++) {
        if (i > 0)
            assert_true(compare_key(array + (i - 1) * width, array + i * width) <= 0);
        for (size_t byte = 0; byte < width; byte++)
            sum += array[i * width + byte] * (unsigned)(byte + 1);
    }
    assert_int_equal(sum, expected_sum);
}

static void widths_orders_counts(void **state)
{
    (void)state;
    static const size_t widths[] = {3, 4, 32, QSORT_WIDTH_MAX + 8};
    static unsigned char array[TEST_MAX_COUNT * (QSORT_WIDTH_MAX + 8)];
    srand(1);
    for (size_t w = 0; w < sizeof widths / sizeof widths[0]; w++)
        for (int order = 0; order < 3; order++)
            for (size_t count = 0; count <= TEST_MAX_COUNT; count += count < 140 ? 1 : 40) {
                size_t width = widths[w];
                fill(array, count, width, order);
                unsigned sum = 0;
                for (size_t i = 0; i < count * width; i++)
                    sum += array[i] * (unsigned)(i % width + 1);
                qsort(array, count, width, compare_key);
                check_sorted(array, count, width, sum);
            }
}

int main(void)
{
    cmocka_set_message_output(CM_OUTPUT_TAP);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(widths_orders_counts),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
