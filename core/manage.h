/* manage: the node lifecycle behind `redmanager` (create, enable/disable,
 * delete, check). Everything is validated before the disk is touched;
 * files are written atomically, a new node appears at once (built in a
 * temporary directory, then renamed into place). */
#ifndef REDPAK_MANAGE_H
#define REDPAK_MANAGE_H

#include <stdbool.h>

#include "arena.h"
#include "log.h"
#include "node.h"

typedef struct manage_create_options {
    const char *alias;          /* NULL: kept on --update, else the base name */
    const char *template_spec;  /* NULL: "default" below a node, else "system" */
    const char *admin_template; /* NULL: TEMPLATE-admin when it exists */
    const char *info;           /* NULL: kept on --update, else generated */
    bool update;                /* rewrite the files of an existing node */
} manage_create_options_t;

/* `redpath` is canonical. Prints nothing. */
int manage_create(arena_t *arena, const char *redpath,
                  const manage_create_options_t *options, rp_error_t *err);

/* The node must exist and its directory must not be a symlink. */
int manage_require_node(const char *redpath, rp_error_t *err);

/* Enabling first checks that the node's chain loads and merges. */
int manage_set_state(arena_t *arena, const char *redpath, node_state_t state,
                     rp_error_t *err);

/* Refuses a node with child nodes unless `recursive`. Never follows a
 * symlink nor crosses a mount point. */
int manage_delete(arena_t *arena, const char *redpath, bool recursive,
                  rp_error_t *err);

/* Loads every node at or below `path` (a node or a plain directory) and
 * merges the chain of each (normal and admin mode); symlinks on the way
 * that lead to a node are problems too. Each distinct problem is passed
 * to `report`; returns the number of problems. */
size_t manage_check(arena_t *arena, const char *path, size_t *checked,
                    void (*report)(const char *problem));

#endif
