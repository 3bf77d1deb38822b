/* Unit tests of core/arena: zeroed aligned blocks, big blocks, growth,
 * string copies and the byte count. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdbool.h>
#include <string.h>

#include "core/arena.h"

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

static bool all_zero(const unsigned char *block, size_t size)
{
    for (size_t i = 0; i < size; i++)
        if (block[i])
            return false;
    return true;
}

static void blocks_are_zeroed_and_aligned(void **state)
{
    arena_t *arena = *state;
    const size_t sizes[] = {1, 3, 7, 16, 100, 1000, 2047, 2049, 8192, 100000};
    for (size_t i = 0; i < sizeof sizes / sizeof *sizes; i++) {
        unsigned char *block = arena_alloc(arena, sizes[i]);
        assert_non_null(block);
        assert_int_equal((uintptr_t)block % _Alignof(max_align_t), 0);
        assert_true(all_zero(block, sizes[i]));
        memset(block, 0xff, sizes[i]); /* ASan checks the whole block */
    }
}

static void blocks_do_not_overlap(void **state)
{
    arena_t *arena = *state;
    unsigned char *blocks[500];
    for (int i = 0; i < 500; i++) {
        /* Small and big blocks mixed, so both chunk kinds interleave. */
        size_t size = i % 50 == 0 ? 5000 : 24;
        blocks[i] = arena_alloc(arena, size);
        memset(blocks[i], i & 0xff, size);
    }
    for (int i = 0; i < 500; i++)
        assert_int_equal(blocks[i][0], i & 0xff);
}

static void grow_keeps_content(void **state)
{
    arena_t *arena = *state;
    int *numbers = NULL;
    size_t room = 0;
    for (int i = 0; i < 1000; i++) {
        if ((size_t)i == room) {
            size_t bigger = room ? room * 2 : 4;
            numbers = arena_grow(arena, numbers, room * sizeof *numbers,
                                 bigger * sizeof *numbers);
            assert_true(all_zero((unsigned char *)(numbers + room),
                                 (bigger - room) * sizeof *numbers));
            room = bigger;
        }
        numbers[i] = i * 7;
    }
    for (int i = 0; i < 1000; i++)
        assert_int_equal(numbers[i], i * 7);
    /* Shrinking copies only what fits. */
    int *small = arena_grow(arena, numbers, room * sizeof *numbers,
                            2 * sizeof *numbers);
    assert_int_equal(small[1], 7);
}

/* Room for one more item, the capacity doubling: few copies. */
static void reserve_doubles(void **state)
{
    arena_t *arena = *state;
    int *numbers = NULL;
    size_t capacity = 0, moves = 0;
    for (size_t i = 0; i < 1000; i++) {
        int *before = numbers;
        numbers = arena_reserve(arena, numbers, i, &capacity, sizeof *numbers);
        moves += numbers != before;
        assert_true(capacity > i);
        numbers[i] = (int)i * 3;
    }
    for (int i = 0; i < 1000; i++)
        assert_int_equal(numbers[i], i * 3);
    assert_int_equal(capacity, 1024);
    assert_int_equal(moves, 7); /* 16, 32, ..., 1024 */
}

static void strings(void **state)
{
    arena_t *arena = *state;
    assert_null(arena_strdup(arena, NULL));
    char *copy = arena_strdup(arena, "node");
    assert_string_equal(copy, "node");
    assert_string_equal(arena_strndup(arena, "abcdef", 3), "abc");
    assert_string_equal(arena_strndup(arena, "", 0), "");
    assert_string_equal(arena_printf(arena, "%s:%d:%d", "f.yaml", 3, 12),
                        "f.yaml:3:12");
    char big[10000];
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    char *printed = arena_printf(arena, "<%s>", big);
    assert_int_equal(strlen(printed), sizeof big + 1);
    assert_int_equal(printed[0], '<');
    assert_int_equal(printed[sizeof big], '>');
}

static void counts_bytes(void **state)
{
    arena_t *arena = *state;
    assert_int_equal(arena_used(arena), 0);
    arena_alloc(arena, 1);
    size_t one = arena_used(arena);
    assert_true(one >= 1 && one <= _Alignof(max_align_t));
    arena_alloc(arena, 100000);
    assert_true(arena_used(arena) >= one + 100000);
}

static void free_accepts_null(void **state)
{
    (void)state;
    arena_free(NULL);
    arena_t *empty = arena_new();
    arena_free(empty);
}

int main(void)
{
    cmocka_set_message_output(CM_OUTPUT_TAP);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(blocks_are_zeroed_and_aligned,
                                        arena_setup, arena_teardown),
        cmocka_unit_test_setup_teardown(blocks_do_not_overlap, arena_setup,
                                        arena_teardown),
        cmocka_unit_test_setup_teardown(grow_keeps_content, arena_setup,
                                        arena_teardown),
        cmocka_unit_test_setup_teardown(reserve_doubles, arena_setup,
                                        arena_teardown),
        cmocka_unit_test_setup_teardown(strings, arena_setup, arena_teardown),
        cmocka_unit_test_setup_teardown(counts_bytes, arena_setup,
                                        arena_teardown),
        cmocka_unit_test(free_accepts_null),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
