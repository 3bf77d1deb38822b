/* repo: package repositories of a node (N/etc/yum.repos.d/ID.repo, the
 * standard ini syntax: [id], name=, baseurl=, enabled=, gpgcheck=) and
 * the index of the packages they offer.
 *
 * Only local repositories are reachable offline: baseurl is file:///DIR
 * or a plain absolute directory of .rpm files. Others are skipped with a
 * warning. */
#ifndef REDPAK_REPO_H
#define REDPAK_REPO_H

#include <stdbool.h>
#include <stddef.h>

#include <rpm/rpmds.h>
#include <rpm/rpmts.h>

#include "arena.h"
#include "log.h"

#define REPO_DIR "etc/yum.repos.d"

typedef struct repo {
    const char *id, *name, *baseurl;
    const char *file;      /* the .repo file declaring it */
    const char *directory; /* local directory, NULL when not local */
    bool enabled, gpgcheck;
} repo_t;

/* Every repository declared by the node (files sorted by name). Parse
 * errors name FILE:LINE. */
int repo_load_node(arena_t *arena, const char *node_path, repo_t **repos,
                   size_t *count, rp_error_t *err);

/* Declare repository `id` in N/etc/yum.repos.d/ID.repo (atomic write);
 * refused when a repository of that id already exists in the node. */
int repo_add(arena_t *arena, const char *node_path, const repo_t *repo,
             rp_error_t *err);
/* Remove the declaration of `id` (its whole file when it declares only
 * that repository). */
int repo_remove(arena_t *arena, const char *node_path, const char *id,
                rp_error_t *err);

/* The packages of a set of local directories, read once. */
typedef struct repo_package {
    const char *file;
    Header header;
    bool gpgcheck; /* its repository demands a signature */
} repo_package_t;

typedef struct repo_index {
    repo_package_t *packages;
    size_t count;
} repo_index_t;

/* Index the enabled local repositories of every node of `nodes` and the
 * extra directories `extra`. */
int repo_index_load(arena_t *arena, const char *const *nodes, size_t count,
                    const char *const *extra, size_t extra_count,
                    repo_index_t *index, rp_error_t *err);
void repo_index_free(repo_index_t *index);

/* The newest package satisfying `dep` / named `name`, or NULL. */
const repo_package_t *repo_index_best(const repo_index_t *index, rpmds dep);
const repo_package_t *repo_index_newest(const repo_index_t *index,
                                        const char *name);

#endif
