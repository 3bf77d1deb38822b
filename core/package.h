/* package: install, update and remove rpm packages in a node through
 * librpm transactions, with the node's ancestors counted as installed
 * (SPEC §7), and the offline proof of a chain's package coherence.
 *
 * Dependencies: rpmtsCheck runs on the node's own database; a
 * requirement the node does not satisfy is offered to rpm's solve
 * callback, which answers "satisfied" when an ancestor's database
 * provides it, else adds the newest satisfying package of the enabled
 * local repositories (node and ancestors) and lets rpm retry. Problems
 * rpm reports for packages already installed in the node (which bypass
 * the callback) are dropped when an ancestor satisfies them.
 *
 * Every operation takes NODE/.rednode.lock (flock, exclusive), refuses
 * before touching anything (rpmtsCheck, chain rules, rpmtsOrder, then a
 * test run of the whole transaction), and only then runs it for real. */
#ifndef REDPAK_PACKAGE_H
#define REDPAK_PACKAGE_H

#include <stdbool.h>
#include <stddef.h>

#include "arena.h"
#include "log.h"
#include "node.h"

#define PACKAGE_LOCK_FILE ".rednode.lock"
#define PACKAGE_KEY_DIR "etc/pki/rpm-gpg"

typedef enum {
    PACKAGE_INSTALL, /* add packages (files or names from repositories) */
    PACKAGE_UPDATE,  /* upgrade them; no target: everything upgradable */
    PACKAGE_REMOVE,  /* erase packages by name (or NEVRA) */
} package_action_t;

typedef struct package_request {
    package_action_t action;
    const char *const *targets; /* .rpm files or package names */
    size_t target_count;
    const char *const *repos;   /* extra repository directories */
    size_t repo_count;
    bool gpgcheck;  /* signatures mandatory (merged config of the chain) */
    bool test;      /* stop after the test run */
    bool noscripts; /* do not run scriptlets (nor triggers) */
} package_request_t;

/* Load the chain of `redpath` in admin mode and merge it: `*gpgcheck`
 * tells whether signatures are mandatory (gpgcheck anywhere above). */
int package_chain_open(arena_t *arena, const char *redpath,
                       node_chain_t *chain, bool *gpgcheck, rp_error_t *err);

/* Apply `request` to the leaf of `chain`. Nothing changes when it fails
 * or is refused; `err` says why. */
int package_run(arena_t *arena, const node_chain_t *chain,
                const package_request_t *request, rp_error_t *err);

/* Print the node's own packages (NAME-VERSION-RELEASE.ARCH), sorted. */
int package_list(arena_t *arena, const char *node_path, rp_error_t *err);

/* Take the node's operation lock (blocks while another operation holds
 * it). Returns the descriptor to close, or -1. */
int package_lock(const char *node_path, rp_error_t *err);

/* Prove the package coherence of `chain` offline: every requirement of a
 * package satisfied by its node or an ancestor, no package installed in
 * both a node and one of its ancestors, no file (other than a directory)
 * installed by two nodes of the chain. Checks every node of the chain
 * against its ancestors, or only the leaf with `leaf_only` (to check a
 * tree, call it with `leaf_only` for each node). Each problem is passed
 * to `report` (NULL: printed with warn()). Returns the number of
 * problems, or -1 when a database cannot be read. */
typedef void package_report_t(void *context, const char *problem);
int package_check_chain(arena_t *arena, const node_chain_t *chain,
                        bool leaf_only, package_report_t *report,
                        void *context, rp_error_t *err);

#endif
