/* libyaml event cursor: copies what the caller needs into the arena and
 * deletes every libyaml event before returning. */
#include "yaml_reader.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yaml.h>

struct yaml_reader {
    arena_t *arena;
    const char *name;
    const char *data;
    size_t length;
    yaml_parser_t parser;
    int depth;
    bool finished; /* STREAM_END seen */
};

static const char *const event_names[] = {
    [YAML_READER_STREAM_START] = "the start of the stream",
    [YAML_READER_STREAM_END] = "the end of the stream",
    [YAML_READER_DOCUMENT_START] = "a document",
    [YAML_READER_DOCUMENT_END] = "the end of the document",
    [YAML_READER_MAPPING_START] = "a mapping",
    [YAML_READER_MAPPING_END] = "the end of a mapping",
    [YAML_READER_SEQUENCE_START] = "a list",
    [YAML_READER_SEQUENCE_END] = "the end of a list",
    [YAML_READER_SCALAR] = "a scalar",
};

const char *yaml_reader_event_name(yaml_reader_event_type_t type)
{
    return event_names[type];
}

static int read_whole_file(arena_t *arena, const char *file, char **data,
                           size_t *length, rp_error_t *err)
{
    int fd = open(file, O_RDONLY | O_CLOEXEC | O_NOCTTY);
    if (fd < 0)
        return error_set_errno(err, errno, "cannot open %s", file);
    /* One byte more than the limit tells "too large" from "just fits".
     * The buffer starts at the file's size: a maximal buffer per file
     * would cost every redwrap start a megabyte per configuration file. */
    size_t capacity = YAML_READER_MAX_SIZE + 1;
    struct stat info;
    if (fstat(fd, &info) == 0 && S_ISREG(info.st_mode) &&
        info.st_size < YAML_READER_MAX_SIZE)
        capacity = (size_t)info.st_size + 1;
    char *buffer = arena_alloc(arena, capacity + 1);
    size_t used = 0;
    while (used < capacity) {
        ssize_t got = read(fd, buffer + used, capacity - used);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0) {
            int saved = errno;
            close(fd);
            return error_set_errno(err, saved, "cannot read %s", file);
        }
        if (got == 0)
            break;
        used += (size_t)got;
        if (used == capacity && capacity <= YAML_READER_MAX_SIZE) { /* grew */
            buffer = arena_grow(arena, buffer, capacity + 1, YAML_READER_MAX_SIZE + 2);
            capacity = YAML_READER_MAX_SIZE + 1;
        }
    }
    close(fd);
    if (used > YAML_READER_MAX_SIZE)
        return error_set(err, "%s: file larger than %d bytes", file,
                         YAML_READER_MAX_SIZE);
    *data = buffer;
    *length = used;
    return 0;
}

int yaml_reader_open_file(arena_t *arena, const char *file,
                          yaml_reader_t **out, rp_error_t *err)
{
    char *data = NULL;
    size_t length = 0;
    if (read_whole_file(arena, file, &data, &length, err) < 0)
        return -1;
    return yaml_reader_open_buffer(arena, file, data, length, out, err);
}

int yaml_reader_open_buffer(arena_t *arena, const char *name, const char *data,
                            size_t length, yaml_reader_t **out,
                            rp_error_t *err)
{
    if (length > YAML_READER_MAX_SIZE)
        return error_set(err, "%s: file larger than %d bytes", name,
                         YAML_READER_MAX_SIZE);
    yaml_reader_t *reader = arena_alloc(arena, sizeof *reader);
    reader->arena = arena;
    reader->name = arena_strdup(arena, name);
    reader->data = data;
    reader->length = length;
    if (!yaml_parser_initialize(&reader->parser))
        fatal(EXIT_SETUP, "out of memory");
    /* UTF-8 only: a UTF-16 file is refused rather than guessed. */
    yaml_parser_set_encoding(&reader->parser, YAML_UTF8_ENCODING);
    yaml_parser_set_input_string(&reader->parser, (const unsigned char *)data,
                                 length);
    *out = reader;
    return 0;
}

void yaml_reader_close(yaml_reader_t *reader)
{
    if (reader)
        yaml_parser_delete(&reader->parser);
}

static source_pos_t position_of_mark(const yaml_reader_t *reader,
                                     yaml_mark_t mark)
{
    return (source_pos_t){reader->name, (int)mark.line + 1,
                          (int)mark.column + 1};
}

/* libyaml's reader errors (bad UTF-8, control characters) carry a byte
 * offset only; count lines and characters up to it. */
static source_pos_t position_of_offset(const yaml_reader_t *reader,
                                       size_t offset)
{
    source_pos_t pos = {reader->name, 1, 1};
    for (size_t i = 0; i < offset && i < reader->length; i++) {
        unsigned char byte = (unsigned char)reader->data[i];
        if (byte == '\n') {
            pos.line++;
            pos.column = 1;
        } else if ((byte & 0xC0) != 0x80) {
            pos.column++;
        }
    }
    return pos;
}

static int parser_error(yaml_reader_t *reader, rp_error_t *err)
{
    yaml_parser_t *parser = &reader->parser;
    if (parser->error == YAML_MEMORY_ERROR)
        fatal(EXIT_SETUP, "out of memory");
    if (parser->error == YAML_READER_ERROR) {
        source_pos_t pos = position_of_offset(reader, parser->problem_offset);
        return error_at(err, &pos, "invalid input: %s", parser->problem);
    }
    source_pos_t pos = position_of_mark(reader, parser->problem_mark);
    if (parser->context)
        return error_at(err, &pos, "invalid YAML: %s %s", parser->problem,
                        parser->context);
    return error_at(err, &pos, "invalid YAML: %s", parser->problem);
}

static bool scalar_is_null(const yaml_event_t *event)
{
    if (event->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
        return false;
    const char *text = (const char *)event->data.scalar.value;
    return !*text || !strcmp(text, "~") || !strcmp(text, "null") ||
           !strcmp(text, "Null") || !strcmp(text, "NULL");
}

/* Anchors, aliases and tags have no meaning in a configuration; refusing
 * them keeps every value where it is written (no billion laughs). */
static int refuse_decorations(const yaml_event_t *event,
                              const source_pos_t *pos, rp_error_t *err)
{
    const yaml_char_t *anchor = NULL, *tag = NULL;
    switch (event->type) {
    case YAML_ALIAS_EVENT:
        return error_at(err, pos, "YAML aliases are not allowed (*%s)",
                        event->data.alias.anchor);
    case YAML_SCALAR_EVENT:
        anchor = event->data.scalar.anchor;
        tag = event->data.scalar.tag;
        break;
    case YAML_SEQUENCE_START_EVENT:
        anchor = event->data.sequence_start.anchor;
        tag = event->data.sequence_start.tag;
        break;
    case YAML_MAPPING_START_EVENT:
        anchor = event->data.mapping_start.anchor;
        tag = event->data.mapping_start.tag;
        break;
    default:
        break;
    }
    if (anchor)
        return error_at(err, pos, "YAML anchors are not allowed (&%s)", anchor);
    if (tag)
        return error_at(err, pos, "YAML tags are not allowed (%s)", tag);
    return 0;
}

static int copy_scalar(yaml_reader_t *reader, const yaml_event_t *event,
                       yaml_reader_event_t *out, rp_error_t *err)
{
    const char *text = (const char *)event->data.scalar.value;
    size_t length = event->data.scalar.length;
    if (memchr(text, '\0', length))
        return error_at(err, &out->pos, "NUL character in a scalar");
    out->scalar = arena_strndup(reader->arena, text, length);
    out->length = length;
    out->null = scalar_is_null(event);
    return 0;
}

static int track_depth(yaml_reader_t *reader, yaml_reader_event_type_t type,
                       const source_pos_t *pos, rp_error_t *err)
{
    if (type == YAML_READER_MAPPING_START || type == YAML_READER_SEQUENCE_START) {
        if (++reader->depth > YAML_READER_MAX_DEPTH)
            return error_at(err, pos, "nesting deeper than %d levels",
                            YAML_READER_MAX_DEPTH);
    } else if (type == YAML_READER_MAPPING_END ||
               type == YAML_READER_SEQUENCE_END) {
        reader->depth--;
    }
    return 0;
}

static const yaml_reader_event_type_t event_types[] = {
    [YAML_STREAM_START_EVENT] = YAML_READER_STREAM_START,
    [YAML_STREAM_END_EVENT] = YAML_READER_STREAM_END,
    [YAML_DOCUMENT_START_EVENT] = YAML_READER_DOCUMENT_START,
    [YAML_DOCUMENT_END_EVENT] = YAML_READER_DOCUMENT_END,
    [YAML_SCALAR_EVENT] = YAML_READER_SCALAR,
    [YAML_SEQUENCE_START_EVENT] = YAML_READER_SEQUENCE_START,
    [YAML_SEQUENCE_END_EVENT] = YAML_READER_SEQUENCE_END,
    [YAML_MAPPING_START_EVENT] = YAML_READER_MAPPING_START,
    [YAML_MAPPING_END_EVENT] = YAML_READER_MAPPING_END,
};

static int convert_event(yaml_reader_t *reader, const yaml_event_t *event,
                         yaml_reader_event_t *out, rp_error_t *err)
{
    *out = (yaml_reader_event_t){0};
    out->pos = position_of_mark(reader, event->start_mark);
    if (refuse_decorations(event, &out->pos, err) < 0)
        return -1;
    out->type = event_types[event->type];
    if (track_depth(reader, out->type, &out->pos, err) < 0)
        return -1;
    if (out->type == YAML_READER_SCALAR)
        return copy_scalar(reader, event, out, err);
    return 0;
}

int yaml_reader_next(yaml_reader_t *reader, yaml_reader_event_t *out,
                     rp_error_t *err)
{
    if (reader->finished) {
        *out = (yaml_reader_event_t){.type = YAML_READER_STREAM_END,
                                     .pos = {reader->name, 0, 0}};
        return 0;
    }
    yaml_event_t event;
    if (!yaml_parser_parse(&reader->parser, &event))
        return parser_error(reader, err);
    int rc = convert_event(reader, &event, out, err);
    yaml_event_delete(&event);
    if (rc == 0 && out->type == YAML_READER_STREAM_END)
        reader->finished = true;
    return rc;
}
