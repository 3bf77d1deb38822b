/* credentials: who the contained program is and what it may do, applied
 * by the executor (core/container.c) just before exec: supplementary
 * groups dropped, gid and uid, rlimits (soft = hard), umask, chdir, then
 * the bounding, permitted, effective, inheritable and ambient capability
 * sets, all exactly plan->capabilities (raw capset/prctl, no libcap). */
#ifndef REDPAK_CREDENTIALS_H
#define REDPAK_CREDENTIALS_H

#include "log.h"
#include "plan.h"

/* `uid` and `gid`: plan->uid and plan->gid, or the caller's ids as a
 * joined user namespace maps them (plan->keep_caller_uid/gid). */
int credentials_apply(const plan_t *plan, uid_t uid, gid_t gid, rp_error_t *err);

/* A user or group name of the host's databases as a number (the
 * plan_options_t resolver of redwrap and of scriptlets). */
int credentials_resolve_id(const char *name, bool group, unsigned long *id);

#endif
