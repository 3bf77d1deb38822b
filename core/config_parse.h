/* config_parse: the machinery of the table-driven configuration loader
 * (core/config_load.c): sections as tables of keys, the walk of mappings
 * and lists, and the parsers of scalar values. Internal to the loader and
 * to modules that add a key to its tables (one table line plus, for a new
 * kind of value, one parse function built from these helpers).
 *
 * A parse function receives the first event of its value and consumes
 * the rest of it; every error is "FILE:LINE:COLUMN: message" in
 * loader->err and stops the load. */
#ifndef REDPAK_CONFIG_PARSE_H
#define REDPAK_CONFIG_PARSE_H

#include <stdbool.h>
#include <stddef.h>

#include "config.h"
#include "yaml_reader.h"

#define CONFIG_MAX_STRING 4096 /* bytes of any one scalar */

typedef struct config_loader {
    arena_t *arena;
    yaml_reader_t *reader;
    config_t *config; /* being built: every value's `from` */
    rp_error_t *err;
} config_loader_t;

typedef struct config_key config_key_t;
typedef int config_parse_fn(config_loader_t *loader, const config_key_t *key,
                            void *target, const yaml_reader_event_t *value);

struct config_key {
    const char *name; /* YAML spelling, matched case-insensitively */
    config_parse_fn *parse;
    size_t offset;  /* of the field in the structure being filled */
    int arg;        /* rlimit kind... as the parse function needs */
    bool mandatory; /* the key must be present */
};

typedef struct config_section {
    const char *name; /* for messages: "unknown key 'x' in NAME" */
    const config_key_t *keys;
    int count;
} config_section_t;

#define KEY_COUNT(keys) ((int)(sizeof(keys) / sizeof *(keys)))

/* The field of `target` that `key` fills. */
#define KEY_FIELD(target, key, type) \
    ((type *)((char *)(target) + (key)->offset))

/* The next event; scalars longer than CONFIG_MAX_STRING are errors. */
int config_parse_next(config_loader_t *loader, yaml_reader_event_t *event);

/* Errors: "'KEY': expected EXPECTED, found a mapping" and
 * "'KEY': invalid value 'VALUE' (expected EXPECTED)". Return -1. */
int config_parse_wrong_type(config_loader_t *loader, const config_key_t *key,
                            const char *expected,
                            const yaml_reader_event_t *value);
int config_parse_bad_value(config_loader_t *loader, const config_key_t *key,
                           const yaml_reader_event_t *value,
                           const char *expected);
int config_parse_expect_scalar(config_loader_t *loader, const config_key_t *key,
                               const yaml_reader_event_t *value);

/* Index of the value in `names` (case-insensitive), or -1 after an error
 * listing the accepted names. */
int config_parse_enum(config_loader_t *loader, const config_key_t *key,
                      const yaml_reader_event_t *value,
                      const char *const *names, int count);
/* true/false/yes/no/on/off/1/0/enabled/disabled. */
int config_parse_boolean(config_loader_t *loader, const config_key_t *key,
                         const yaml_reader_event_t *value, bool *out);
/* Digits only in `base` (8 or 10), no sign or blank, at most `max`. */
bool config_parse_unsigned(const char *text, int base, unsigned long long max,
                           unsigned long long *out);

/* A mapping (a null scalar counts as an empty one) whose first event is
 * `start`, each key dispatched through `section`; unknown, duplicate and
 * missing mandatory keys are errors. `seen` (section->count zeroed
 * entries) receives where each key was found. */
int config_parse_mapping(config_loader_t *loader,
                         const config_section_t *section, void *target,
                         const yaml_reader_event_t *start, source_pos_t *seen);
/* The same when the caller has no use for `seen`. */
int config_parse_section(config_loader_t *loader,
                         const config_section_t *section, void *target,
                         const yaml_reader_event_t *start);

typedef int config_entry_fn(config_loader_t *loader,
                            const yaml_reader_event_t *start);
/* A list (a null scalar counts as an empty one); each entry's first
 * event goes to `entry`. */
int config_parse_list(config_loader_t *loader, const config_key_t *key,
                      const yaml_reader_event_t *start, config_entry_fn *entry);
/* Room for one more element in the arena array `array` of `count`
 * elements of `size` bytes; returns the array, which may have moved. The
 * new element is zeroed. */
void *config_parse_grow(config_loader_t *loader, void *array, size_t count,
                        size_t size);

/* Parse functions for the tables. Null scalars leave optional values
 * unset. */
config_parse_fn config_parse_text;    /* const char * (entries' fields) */
config_parse_fn config_parse_string;  /* config_string_t */
config_parse_fn config_parse_umask;   /* config_number_t, octal 0..0777 */
config_parse_fn config_parse_integer; /* config_number_t, 0..INT_MAX */
config_parse_fn config_parse_tristate;     /* config_flag_t */
config_parse_fn config_parse_boolean_flag; /* config_flag_t, unset too */
config_parse_fn config_parse_share;        /* config_share_t */
config_parse_fn config_parse_ignored;      /* legacy keys: any value */
config_parse_fn config_parse_seccomp; /* config.seccomp (core/config_seccomp.c) */

#endif
