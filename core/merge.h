/* merge: the effective configuration of a redpath's leaf (SPEC §4, "Merge
 * across a redpath"). Files are applied as layers: main.yaml, the nodes'
 * normal files root-most first, then (admin mode) their admin files
 * root-most first, so an admin file outranks every normal file.
 * Restrictions only tighten: a file is checked against the earlier files
 * of its own kind (normal/admin; main.yaml gives defaults only; gpgcheck
 * binds admin files to normal ones too), and a
 * child that tries to loosen one is an error naming both nodes:
 *   FILE:L:C: node 'b' (/n/a/b) cannot re-share net: ancestor 'a' (/n/a)
 *   disabled it at /n/a/etc/redpak.yaml:5:14
 * With `expand`, each file is expanded with its own node as NODE_* (the
 * leaf for main.yaml) and the leaf as LEAF_*. */
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
    bool keep_commands; /* with expand: $(...) stays as written, not run */
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
