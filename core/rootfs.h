/* rootfs: assembles the container's root file system from a plan's
 * mounts, inside a fresh mount namespace (used by core/container.c).
 *
 * Sequence (bubblewrap's, written as a straight line): a staging tmpfs
 * becomes the root with the host root under /oldroot; a tmpfs /newroot is
 * filled mount by mount; then /newroot becomes the root and the host root
 * is detached, so nothing of it stays reachable. */
#ifndef REDPAK_ROOTFS_H
#define REDPAK_ROOTFS_H

#include <stdbool.h>
#include <stddef.h>

#include "log.h"
#include "plan.h"

/* What the host side prepared for one mount before the namespaces were
 * entered (host paths stop being reachable afterwards). */
typedef struct rootfs_source {
    const char *path;    /* canonical host path of a bind/lock source */
    const char *data;    /* content of a data file */
    size_t data_length;
    bool skip;           /* optional source missing: warned, not mounted */
} rootfs_source_t;

/* Build the new root and make it the process root (pivot_root). The host
 * root is detached on success. */
int rootfs_build(const plan_t *plan, const rootfs_source_t *sources,
                 rp_error_t *err);

#endif
