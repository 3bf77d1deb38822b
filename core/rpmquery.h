/* rpmquery: rpm-style queries and verification over the aggregated
 * databases of a chain, leaf first. Output is printed by librpm's own
 * query/verify code (showQueryPackage, showVerifyPackage, headerFormat),
 * so it is what `rpm` prints for the same query.
 *
 * -V checks files (in a child chrooted into each node, as rpm --root
 * does; in a user namespace when not root) and dependencies through the
 * chain; %verifyscript is not run.
 *
 * Query formats may use %{REDNODE}: the path of the node holding the
 * package (replaced before rpm's own formatting). */
#ifndef REDPAK_RPMQUERY_H
#define REDPAK_RPMQUERY_H

#include <stdbool.h>
#include <stddef.h>

#include "arena.h"
#include "log.h"
#include "node.h"

#define RPMQUERY_NODE_TAG "%{REDNODE}"

typedef enum {
    RPMQUERY_ALL,           /* -a */
    RPMQUERY_NAME,          /* NAME or NEVRA arguments */
    RPMQUERY_FILE,          /* -f FILE */
    RPMQUERY_WHATPROVIDES,  /* --whatprovides CAP */
    RPMQUERY_WHATREQUIRES,  /* --whatrequires CAP */
} rpmquery_source_t;

typedef enum {
    RPMQUERY_FORMAT_DEFAULT, /* NAME-VERSION-RELEASE.ARCH */
    RPMQUERY_FORMAT_NONE,    /* only the file list (-l, -c, -d) */
    RPMQUERY_FORMAT_INFO,    /* -i */
    RPMQUERY_FORMAT_REQUIRES,/* -R */
    RPMQUERY_FORMAT_PROVIDES,/* --provides */
} rpmquery_format_t;

typedef struct rpmquery {
    bool verify; /* -V instead of -q */
    rpmquery_source_t source;
    rpmquery_format_t format;
    const char *user_format; /* --qf FMT (wins over `format`) */
    bool list;               /* -l */
    bool config_files, doc_files; /* -c, -d */
} rpmquery_t;

/* Run `query` for each of `args` (none for RPMQUERY_ALL). Returns the
 * number of arguments that matched nothing or failed verification (the
 * exit status rpm uses), or -1 with `err`. */
int rpmquery_run(arena_t *arena, const node_chain_t *chain,
                 const rpmquery_t *query, char *const *args, size_t count,
                 rp_error_t *err);

#endif
