/* Unit tests of core/yaml_reader: the event stream, positions, the
 * refusals (anchors, aliases, tags, depth, size, NUL) and libyaml's own
 * errors, with their exact FILE:LINE:COLUMN. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/yaml_reader.h"

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

static yaml_reader_t *open_text(arena_t *arena, const char *text)
{
    rp_error_t err = {0};
    yaml_reader_t *reader = NULL;
    if (yaml_reader_open_buffer(arena, "t.yaml", text, strlen(text), &reader,
                                &err) < 0)
        fail_msg("open: %s", err.message);
    return reader;
}

/* Reads events until the first error and returns its message; fails the
 * test if the stream ends cleanly. */
static void expect_error(arena_t *arena, const char *text, const char *message)
{
    yaml_reader_t *reader = open_text(arena, text);
    rp_error_t err = {0};
    yaml_reader_event_t event;
    for (int i = 0; i < 1000; i++) {
        if (yaml_reader_next(reader, &event, &err) < 0) {
            yaml_reader_close(reader);
            assert_string_equal(err.message, message);
            return;
        }
        if (event.type == YAML_READER_STREAM_END)
            break;
    }
    yaml_reader_close(reader);
    fail_msg("no error for: %s", text);
}

static void next_ok(yaml_reader_t *reader, yaml_reader_event_t *event)
{
    rp_error_t err = {0};
    if (yaml_reader_next(reader, event, &err) < 0)
        fail_msg("next: %s", err.message);
}

static void expect_event(yaml_reader_t *reader, yaml_reader_event_type_t type,
                         int line, int column)
{
    yaml_reader_event_t event;
    next_ok(reader, &event);
    assert_int_equal(event.type, type);
    assert_int_equal(event.pos.line, line);
    assert_int_equal(event.pos.column, column);
    assert_string_equal(event.pos.file, "t.yaml");
}

static void expect_scalar(yaml_reader_t *reader, const char *text, bool null,
                          int line, int column)
{
    yaml_reader_event_t event;
    next_ok(reader, &event);
    assert_int_equal(event.type, YAML_READER_SCALAR);
    assert_string_equal(event.scalar, text);
    assert_int_equal(event.length, strlen(text));
    assert_int_equal(event.null, null);
    assert_int_equal(event.pos.line, line);
    assert_int_equal(event.pos.column, column);
}

static void events_and_positions(void **state)
{
    yaml_reader_t *reader = open_text(*state,
                                      "top:\n"
                                      "  key: value\n"
                                      "  list:\n"
                                      "    - 'one'\n"
                                      "    - \"\"\n"
                                      "    -\n"
                                      "    - ~\n"
                                      "    - null\n"
                                      "    - 'null'\n");
    expect_event(reader, YAML_READER_STREAM_START, 1, 1);
    expect_event(reader, YAML_READER_DOCUMENT_START, 1, 1);
    expect_event(reader, YAML_READER_MAPPING_START, 1, 1);
    expect_scalar(reader, "top", false, 1, 1);
    expect_event(reader, YAML_READER_MAPPING_START, 2, 3);
    expect_scalar(reader, "key", false, 2, 3);
    expect_scalar(reader, "value", false, 2, 8);
    expect_scalar(reader, "list", false, 3, 3);
    expect_event(reader, YAML_READER_SEQUENCE_START, 4, 5);
    expect_scalar(reader, "one", false, 4, 7);
    expect_scalar(reader, "", false, 5, 7);
    yaml_reader_event_t event;
    next_ok(reader, &event); /* an absent value is a null plain scalar */
    assert_int_equal(event.type, YAML_READER_SCALAR);
    assert_true(event.null);
    expect_scalar(reader, "~", true, 7, 7);
    expect_scalar(reader, "null", true, 8, 7);
    expect_scalar(reader, "null", false, 9, 7);
    next_ok(reader, &event);
    assert_int_equal(event.type, YAML_READER_SEQUENCE_END);
    next_ok(reader, &event);
    assert_int_equal(event.type, YAML_READER_MAPPING_END);
    next_ok(reader, &event);
    assert_int_equal(event.type, YAML_READER_MAPPING_END);
    next_ok(reader, &event);
    assert_int_equal(event.type, YAML_READER_DOCUMENT_END);
    next_ok(reader, &event);
    assert_int_equal(event.type, YAML_READER_STREAM_END);
    next_ok(reader, &event); /* stays at the end */
    assert_int_equal(event.type, YAML_READER_STREAM_END);
    yaml_reader_close(reader);
}

static void flow_style_and_utf8(void **state)
{
    yaml_reader_t *reader = open_text(*state, "{a: [1, 2], b: \"é\\u00e9\"}\n");
    expect_event(reader, YAML_READER_STREAM_START, 1, 1);
    expect_event(reader, YAML_READER_DOCUMENT_START, 1, 1);
    expect_event(reader, YAML_READER_MAPPING_START, 1, 1);
    expect_scalar(reader, "a", false, 1, 2);
    expect_event(reader, YAML_READER_SEQUENCE_START, 1, 5);
    expect_scalar(reader, "1", false, 1, 6);
    expect_scalar(reader, "2", false, 1, 9);
    expect_event(reader, YAML_READER_SEQUENCE_END, 1, 10);
    expect_scalar(reader, "b", false, 1, 13);
    expect_scalar(reader, "éé", false, 1, 16);
    yaml_reader_close(reader);
}

static void refuses_anchors_aliases_tags(void **state)
{
    expect_error(*state, "a: &x 1\nb: *x\n",
                 "t.yaml:1:4: YAML anchors are not allowed (&x)");
    expect_error(*state, "a: &m {x: 1}\n",
                 "t.yaml:1:4: YAML anchors are not allowed (&m)");
    expect_error(*state, "a:\n  b: *x\n",
                 "t.yaml:2:6: YAML aliases are not allowed (*x)");
    expect_error(*state, "a: !!str 1\n",
                 "t.yaml:1:4: YAML tags are not allowed "
                 "(tag:yaml.org,2002:str)");
    expect_error(*state, "a: !custom [1]\n",
                 "t.yaml:1:4: YAML tags are not allowed (!custom)");
}

static void refuses_deep_nesting(void **state)
{
    char text[200] = "";
    for (int i = 0; i < YAML_READER_MAX_DEPTH; i++)
        strcat(text, "[");
    for (int i = 0; i < YAML_READER_MAX_DEPTH; i++)
        strcat(text, "]");
    yaml_reader_t *reader = open_text(*state, text);
    yaml_reader_event_t event;
    do
        next_ok(reader, &event);
    while (event.type != YAML_READER_STREAM_END);
    yaml_reader_close(reader);

    char deeper[200] = "";
    for (int i = 0; i <= YAML_READER_MAX_DEPTH; i++)
        strcat(deeper, "[");
    expect_error(*state, deeper, "t.yaml:1:33: nesting deeper than 32 levels");
}

static void reports_syntax_errors(void **state)
{
    expect_error(*state, "a: b\n c: d\n- e\n",
                 "t.yaml:2:3: invalid YAML: mapping values are not allowed "
                 "in this context");
    expect_error(*state, "a: [1, 2\n",
                 "t.yaml:2:1: invalid YAML: did not find expected ',' or ']' "
                 "while parsing a flow sequence");
    expect_error(*state, "a: 'unterminated\n",
                 "t.yaml:2:1: invalid YAML: found unexpected end of stream "
                 "while scanning a quoted scalar");
}

static void reports_bad_bytes(void **state)
{
    expect_error(*state, "a: 1\nb: x\xff\n",
                 "t.yaml:2:5: invalid input: invalid leading UTF-8 octet");
    expect_error(*state, "a: 1\nbé: \x01\n",
                 "t.yaml:2:5: invalid input: control characters are not "
                 "allowed");
    expect_error(*state, "a: \"x\\0y\"\n", "t.yaml:1:4: NUL character in a scalar");
}

static void reads_files(void **state)
{
    char path[] = "/tmp/test_yaml_reader.XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    const char *text = "state: Enable\n";
    assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);

    rp_error_t err = {0};
    yaml_reader_t *reader = NULL;
    assert_int_equal(yaml_reader_open_file(*state, path, &reader, &err), 0);
    yaml_reader_event_t event;
    for (int i = 0; i < 4; i++)
        next_ok(reader, &event);
    assert_int_equal(event.type, YAML_READER_SCALAR);
    assert_string_equal(event.scalar, "state");
    assert_string_equal(event.pos.file, path);
    yaml_reader_close(reader);

    /* One byte over the limit is refused, exactly the limit is read. */
    FILE *file = fopen(path, "w");
    for (int i = 0; i < YAML_READER_MAX_SIZE; i++)
        fputc(i % 64 == 63 ? '\n' : '#', file);
    fclose(file);
    assert_int_equal(yaml_reader_open_file(*state, path, &reader, &err), 0);
    do
        next_ok(reader, &event);
    while (event.type != YAML_READER_STREAM_END);
    yaml_reader_close(reader);
    file = fopen(path, "a");
    fputc('\n', file);
    fclose(file);
    assert_int_equal(yaml_reader_open_file(*state, path, &reader, &err), -1);
    char expected[300];
    snprintf(expected, sizeof expected, "%s: file larger than 1048576 bytes",
             path);
    assert_string_equal(err.message, expected);

    unlink(path);
    assert_int_equal(yaml_reader_open_file(*state, path, &reader, &err), -1);
    snprintf(expected, sizeof expected,
             "cannot open %s: No such file or directory", path);
    assert_string_equal(err.message, expected);
    assert_int_equal(yaml_reader_open_file(*state, "/", &reader, &err), -1);
    assert_string_equal(err.message, "cannot read /: Is a directory");
}

static void event_names(void **state)
{
    (void)state;
    assert_string_equal(yaml_reader_event_name(YAML_READER_MAPPING_START),
                        "a mapping");
    assert_string_equal(yaml_reader_event_name(YAML_READER_SEQUENCE_START),
                        "a list");
    assert_string_equal(yaml_reader_event_name(YAML_READER_SCALAR), "a scalar");
}

int main(void)
{
    cmocka_set_message_output(CM_OUTPUT_TAP);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(events_and_positions, arena_setup,
                                        arena_teardown),
        cmocka_unit_test_setup_teardown(flow_style_and_utf8, arena_setup,
                                        arena_teardown),
        cmocka_unit_test_setup_teardown(refuses_anchors_aliases_tags,
                                        arena_setup, arena_teardown),
        cmocka_unit_test_setup_teardown(refuses_deep_nesting, arena_setup,
                                        arena_teardown),
        cmocka_unit_test_setup_teardown(reports_syntax_errors, arena_setup,
                                        arena_teardown),
        cmocka_unit_test_setup_teardown(reports_bad_bytes, arena_setup,
                                        arena_teardown),
        cmocka_unit_test_setup_teardown(reads_files, arena_setup,
                                        arena_teardown),
        cmocka_unit_test(event_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
