/* expand: `$NAME`, `${NAME}`, `$(command)` and `\$` in configuration
 * strings (SPEC §4, "Expansion"). Bounded: at most EXPAND_MAX_LENGTH
 * bytes of output and EXPAND_MAX_DEPTH levels of nested `${...}`/`$(...)`. */
#ifndef REDPAK_EXPAND_H
#define REDPAK_EXPAND_H

#include <stdbool.h>

#include "arena.h"
#include "log.h"
#include "node.h"

#define EXPAND_MAX_LENGTH 4096
#define EXPAND_MAX_DEPTH 8

typedef struct expand_context {
    const node_t *node;       /* node whose file is being expanded (NODE_*) */
    const node_t *leaf;       /* the redpath's leaf (LEAF_*) */
    bool allow_commands;      /* $(...) runs /bin/sh -c; false refuses it */
    bool keep_commands;       /* with allow_commands: $(...) is copied as
                                 written instead of run (--dump-only) */
} expand_context_t;

/* Expand `input` (read at `pos`, used in messages) into a new arena
 * string. */
int expand_string(arena_t *arena, const expand_context_t *context,
                  const char *input, const source_pos_t *pos, char **out,
                  rp_error_t *err);

/* Value of a predefined name (NODE_ALIAS, UID, ...), NULL if `name` is
 * not predefined. */
const char *expand_predefined(arena_t *arena, const expand_context_t *context,
                              const char *name);

/* A copy of `config` with its expandable strings expanded: export mounts
 * and paths (not the command of an Execfd export), Default environ values,
 * the config strings and share_* join paths. Headers, Static and Execfd
 * values stay verbatim. Entries keep their `from`. */
int expand_config(arena_t *arena, const expand_context_t *context,
                  const config_t *config, config_t **out, rp_error_t *err);

#endif
