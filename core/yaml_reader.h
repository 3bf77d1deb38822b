/* yaml_reader: a small cursor over libyaml's event stream, shared by the
 * configuration loader and the node status file.
 *
 * Scalars are copied into the caller's arena and libyaml's events are
 * released at once. Anchors, aliases and tags are refused (a
 * configuration is plain data), and so are nesting deeper than
 * YAML_READER_MAX_DEPTH and input larger than YAML_READER_MAX_SIZE.
 * Every error is "FILE:LINE:COLUMN: message" (or "FILE: message"). */
#ifndef REDPAK_YAML_READER_H
#define REDPAK_YAML_READER_H

#include <stdbool.h>
#include <stddef.h>

#include "arena.h"
#include "log.h"

#define YAML_READER_MAX_SIZE (1024 * 1024)
#define YAML_READER_MAX_DEPTH 32

typedef enum {
    YAML_READER_STREAM_START, YAML_READER_STREAM_END,
    YAML_READER_DOCUMENT_START, YAML_READER_DOCUMENT_END,
    YAML_READER_MAPPING_START, YAML_READER_MAPPING_END,
    YAML_READER_SEQUENCE_START, YAML_READER_SEQUENCE_END,
    YAML_READER_SCALAR
} yaml_reader_event_type_t;

typedef struct yaml_reader_event {
    yaml_reader_event_type_t type;
    const char *scalar; /* SCALAR only: NUL-terminated copy in the arena */
    size_t length;      /* bytes of `scalar` (it holds no NUL) */
    bool null;          /* SCALAR only: plain empty, `~` or `null` */
    source_pos_t pos;   /* where the event starts */
} yaml_reader_event_t;

typedef struct yaml_reader yaml_reader_t;

/* Read `file` whole (at most YAML_READER_MAX_SIZE bytes) into the arena. */
int yaml_reader_open_file(arena_t *arena, const char *file,
                          yaml_reader_t **out, rp_error_t *err);
/* Parse `length` bytes of `data`, which must outlive the reader; `name`
 * is the file name used in positions and messages. */
int yaml_reader_open_buffer(arena_t *arena, const char *name, const char *data,
                            size_t length, yaml_reader_t **out,
                            rp_error_t *err);
/* The next event; after STREAM_END it keeps returning STREAM_END. */
int yaml_reader_next(yaml_reader_t *reader, yaml_reader_event_t *event,
                     rp_error_t *err);
/* Releases libyaml's memory (the reader itself lives in the arena).
 * Accepts NULL. */
void yaml_reader_close(yaml_reader_t *reader);

/* Display name of an event type ("a mapping", "a scalar"...), for
 * messages like "expected a scalar, found a mapping". */
const char *yaml_reader_event_name(yaml_reader_event_type_t type);

#endif
