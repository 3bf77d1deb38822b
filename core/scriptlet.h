/* scriptlet: rpm's external scriptlets run in the node's admin view, the
 * container `redwrap --admin` builds, so a node without a shell of its
 * own runs them with the shell and libraries its ancestors export.
 *
 * rpm runs an external scriptlet by forking; the child, chrooted into
 * the install root, calls execv(INTERPRETER, {INTERPRETER, [OPTIONS...],
 * [SCRIPT], [ARG...]}), SCRIPT being the file rpm wrote under
 * RPMDB_TMP_DIR (rpm-tmp. and a random suffix). redpak defines execv():
 * the definition of the executable interposes libc's for librpm, linked
 * statically or as a shared library alike (rpm's plugin hooks need
 * dlopen, which a static binary lacks). Unarmed it is exactly
 * execve(path, argv, environ).
 *
 * Armed by package.c for a transaction, in rpm's scriptlet child it:
 * opens the script file (still inside rpm's chroot, so it is the file
 * rpm wrote), leaves the chroot through a descriptor of the host root
 * taken when arming, and runs the executor (core/container.h) on the
 * node's admin plan computed when arming, plus the script as a
 * read-only file at SCRIPTLET_FILE and rpm's scriptlet variables. The
 * child then exits with the scriptlet's status, which rpm reads as
 * before (a failing %pre aborts its package).
 *
 * Lua scriptlets run inside rpm's own interpreter, without exec: they
 * stay chrooted in the node (see README.md, "Scriptlets"). */
#ifndef REDPAK_SCRIPTLET_H
#define REDPAK_SCRIPTLET_H

#include "arena.h"
#include "log.h"
#include "node.h"
#include "plan.h"

/* Where the script is seen inside the view: the top of the container's
 * own root tmpfs, below no export. */
#define SCRIPTLET_FILE "/.redpak-scriptlet"

/* Compute the admin plan of the chain's leaf (loaded in admin mode) and
 * route rpm's scriptlets of this process through it. Call it in the
 * transaction process, before rpm enters the chroot. */
int scriptlet_arm(arena_t *arena, const node_chain_t *chain, rp_error_t *err);

/* Back to plain execv; closes the host root descriptor. */
void scriptlet_disarm(void);

/* The plan of one scriptlet (pure; exposed for tests): `admin` with the
 * script (readable on `script_fd`) bound read-only at SCRIPTLET_FILE,
 * argv rewritten to name it, and the scriptlet variables of `envp`
 * (RPM_INSTALL_PREFIX*) set; PATH is the chain's `path` (`config_path`,
 * may be NULL) followed by rpm's scriptlet PATH found in `envp`. */
plan_t *scriptlet_plan(arena_t *arena, const plan_t *admin, const char *config_path,
                       const char *path, char *const *argv, char *const *envp,
                       int script_fd);

#endif
