/* rpmdb: librpm's run-time setup for redpak and the aggregated view of
 * the rpm databases of a chain of nodes.
 *
 * librpm is configured from a built-in rpmrc and a few pushed macros
 * (sqlite backend, /var/lib/rpm inside each node), so the static binary
 * needs no file on the target and both flavours behave alike. Each node's
 * database is N/var/lib/rpm, opened with the node as rpm root. */
#ifndef REDPAK_RPMDB_H
#define REDPAK_RPMDB_H

#include <stdbool.h>
#include <stddef.h>

#include <rpm/rpmds.h>
#include <rpm/rpmts.h>

#include "arena.h"
#include "log.h"

#define RPMDB_DIR "var/lib/rpm"
#define RPMDB_FILE "var/lib/rpm/rpmdb.sqlite"
/* rpm's %_tmppath inside the node: scriptlet files are written there. */
#define RPMDB_TMP_DIR "/var/tmp"

/* Read the configuration once per process (later calls do nothing). */
int rpmdb_setup(rp_error_t *err);

/* A transaction set rooted at `node_path` (its database not opened yet).
 * With `gpgcheck`, packages must carry a valid signature. */
rpmts rpmdb_ts_new(const char *node_path, bool gpgcheck);

/* True when the node has a database (a node without one has no
 * packages). */
bool rpmdb_exists(const char *node_path);

/* The databases of some nodes, each opened read-only with its node as
 * root (`ts[i]` is NULL when node i has no database yet). */
typedef struct rpmdb_view {
    const char *const *nodes;
    size_t count;
    rpmts *ts;
} rpmdb_view_t;

int rpmdb_view_open(arena_t *arena, const char *const *nodes, size_t count,
                    rpmdb_view_t *view, rp_error_t *err);
void rpmdb_view_close(rpmdb_view_t *view);

/* Iterator over every installed package of `ts` (NULL when none). */
rpmdbMatchIterator rpmdb_all(rpmts ts);

/* Whether a package of `ts` other than those whose record numbers are in
 * `skip` (sorted or not, may be NULL) satisfies `dep` (a capability, a
 * versioned capability or a file path). */
bool rpmdb_provides(rpmts ts, rpmds dep, const unsigned *skip,
                    size_t skip_count);
/* Same for a single header (a package about to be installed). */
bool rpmdb_header_provides(Header header, rpmds dep);

/* Whether `dep` holds when each plain dependency is answered by `leaf`: a
 * rich dependency ("(a or b)", rpm 4.13's boolean operators) is evaluated
 * as rpm does; WITH and WITHOUT, which need one package for both sides,
 * count as unsatisfied. */
typedef bool rpmdb_leaf_t(void *context, rpmds dep);
bool rpmdb_satisfied(rpmds dep, rpmdb_leaf_t *leaf, void *context);

/* Index of the first node in [begin, end) of the view whose database
 * satisfies `dep` (for a rich one: provides a leaf that decides it, else
 * `begin`), or -1. */
int rpmdb_view_provider(const rpmdb_view_t *view, size_t begin, size_t end,
                        rpmds dep);
/* Index of the first node in [begin, end) holding a package named
 * `name`, or -1. */
int rpmdb_view_find_name(const rpmdb_view_t *view, size_t begin, size_t end,
                         const char *name);

/* "NAME-VERSION-RELEASE.ARCH" of the first package of `ts` installing
 * `path` as something other than a directory, or NULL. */
char *rpmdb_file_owner(arena_t *arena, rpmts ts, const char *path);

/* "NAME-VERSION-RELEASE.ARCH" of a header, in `arena`. */
char *rpmdb_nevra(arena_t *arena, Header header);

#endif
