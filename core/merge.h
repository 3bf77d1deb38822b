/* merge: the effective configuration of a redpath's leaf (SPEC §4, "Merge
 * across a redpath"): main.yaml, then each node root-most first, admin
 * files too in admin mode. Restrictions only tighten: a child that tries
 * to loosen one is an error naming both nodes. */
#ifndef REDPAK_MERGE_H
#define REDPAK_MERGE_H

#include <stdbool.h>
#include <stdint.h>

#include "arena.h"
#include "config.h"
#include "node.h"

typedef struct merge_options {
    bool admin;  /* merge admin files too */
    bool expand; /* expand strings (runs $(...) commands) */
} merge_options_t;

/* The result has the shape of one config_t; every entry keeps its `from`
 * (the file that defined it) for provenance. */
int merge_chain(arena_t *arena, const node_chain_t *chain,
                const merge_options_t *options, config_t **merged,
                rp_error_t *err);

/* The capabilities a merged configuration grants: its entries applied in
 * order from nothing (`add: 0` drops, ALL covers every capability). Bit N
 * is CAP_N. */
uint64_t merge_capability_mask(const config_t *merged);

#endif
