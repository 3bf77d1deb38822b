/* node: discovery of a redpath's chain of nodes, their status files and
 * configuration files, and main.yaml.
 *
 * A node is a directory N holding N/.rednode.yaml (status) and
 * N/etc/redpak.yaml (config; legacy N/etc/redpack.yaml), optionally
 * N/etc/redpak-admin.yaml (legacy redpack-admin.yaml). */
#ifndef REDPAK_NODE_H
#define REDPAK_NODE_H

#include <stdbool.h>

#include "arena.h"
#include "config.h"
#include "log.h"

#define NODE_STATUS_FILE ".rednode.yaml"
#define NODE_CONFIG_FILE "etc/redpak.yaml"
#define NODE_ADMIN_FILE "etc/redpak-admin.yaml"
#define NODE_LEGACY_CONFIG_FILE "etc/redpack.yaml"
#define NODE_LEGACY_ADMIN_FILE "etc/redpack-admin.yaml"
#define NODE_PREFIX "/nodes" /* where node directories appear inside */

typedef enum {
    NODE_STATE_UNKNOWN = 0, NODE_STATE_ENABLE, NODE_STATE_DISABLE,
    NODE_STATE_ERROR
} node_state_t;

extern const char *const node_state_names[]; /* "Unknown", "Enable"... */

typedef struct node_status {
    const char *realpath;
    node_state_t state;
    long long timestamp; /* milliseconds since the epoch */
    const char *info;
} node_status_t;

typedef struct node {
    const char *path;        /* canonical absolute node directory */
    const char *config_file; /* existing etc/redpak.yaml (or legacy) */
    const char *admin_file;  /* existing admin file, or NULL */
    node_status_t status;
    config_t *config;
    config_t *admin; /* loaded only in admin mode, NULL otherwise */
} node_t;

typedef struct node_chain {
    node_t *nodes; /* root-most first; the leaf is nodes[count - 1] */
    size_t count;
    config_t *main; /* main.yaml (file or built-in default) */
} node_chain_t;

/* Canonical absolute form of a user-given redpath: relative paths are
 * resolved against the cwd, `..` components are refused, `.` and
 * repeated or trailing slashes removed. Does not touch the disk. */
int node_redpath_canonical(arena_t *arena, const char *input, char **out,
                           rp_error_t *err);

/* True when `dir` holds a status file. */
bool node_exists(const char *dir);

/* Load the chain of `redpath` (which must be a node whose directory is
 * not a symlink): status files, configs (admin files too when `admin`),
 * main.yaml. Every failure is one message naming the file. */
int node_chain_load(arena_t *arena, const char *redpath, bool admin,
                    node_chain_t *chain, rp_error_t *err);

/* Load one node (status, config, admin file too when `admin`) without its
 * ancestors; `path` must be canonical. */
int node_load(arena_t *arena, const char *path, bool admin, node_t *node,
              rp_error_t *err);

int node_status_read(arena_t *arena, const char *node_path,
                     node_status_t *status, rp_error_t *err);
/* Atomic replace (write to a temporary file, then rename). */
int node_status_write(const char *node_path, const node_status_t *status,
                      rp_error_t *err);

/* Replace DIR/RELATIVE atomically (temporary file, fsync, rename), mode
 * 0644: readers see the old file or the new one, never a mix. */
int node_file_write(const char *dir, const char *relative, const char *text,
                    size_t length, rp_error_t *err);

/* main.yaml: $REDPAK_MAIN, else SYSCONFDIR/redpak/main.yaml, else the
 * built-in default. */
const char *node_main_file(void);
int node_main_load(arena_t *arena, config_t **out, rp_error_t *err);

/* Child nodes of `node_path` (direct descendants in the node tree: the
 * nearest nodes below it, found by walking its sub-directories without
 * following symlinks), sorted by path. */
int node_children(arena_t *arena, const char *node_path, char ***paths,
                  size_t *count, rp_error_t *err);

/* node_children, plus the symlinks met on the way that lead to a node (the
 * walk does not follow them; `redmanager check` reports them). */
int node_children_links(arena_t *arena, const char *node_path, char ***paths,
                        size_t *count, char ***links, size_t *link_count,
                        rp_error_t *err);

#endif
