/* plan: what redwrap will do, computed from a merged configuration and
 * the command line without touching anything (SPEC §5). The executor
 * (core/container.c) follows the plan step by step and decides nothing;
 * `redwrap --dump-only` prints it with plan_dump().
 *
 * Decisions taken here (documented in docs/redwrap.md):
 * - mount namespace: always new; user namespace: new when the caller is
 *   not root or share_user is disabled, joined when it names a file;
 * - uts namespace: new when a hostname is set or share_all is not
 *   explicitly enabled (there is no share_uts key);
 * - the program never gets more capabilities than
 *   merge_capability_mask(), and no-new-privs is always set. */
#ifndef REDPAK_PLAN_H
#define REDPAK_PLAN_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "arena.h"
#include "config.h"
#include "log.h"

/* The namespaces redwrap handles, in the order it enters them. */
typedef enum {
    PLAN_NS_USER, PLAN_NS_MOUNT, PLAN_NS_PID, PLAN_NS_IPC, PLAN_NS_UTS,
    PLAN_NS_NET, PLAN_NS_CGROUP, PLAN_NS_TIME, PLAN_NS_COUNT
} plan_namespace_kind_t;

typedef enum { PLAN_NS_HOST, PLAN_NS_NEW, PLAN_NS_JOIN } plan_namespace_action_t;

typedef struct plan_namespace {
    plan_namespace_action_t action;
    const char *path; /* namespace file when action == PLAN_NS_JOIN */
} plan_namespace_t;

/* One step of building the new root, in execution order. */
typedef enum {
    PLAN_MOUNT_BIND,    /* bind a host directory or file */
    PLAN_MOUNT_TMPFS,   /* empty tmpfs (Tmpfs, Anonymous) */
    PLAN_MOUNT_PROC,    /* new proc, sensitive parts read-only */
    PLAN_MOUNT_DEV,     /* minimal /dev */
    PLAN_MOUNT_MQUEUE,
    PLAN_MOUNT_SYMLINK, /* source is the link's content */
    PLAN_MOUNT_DATA,    /* file holding data read on the host (Execfd
                           output, Internal fd content) */
    PLAN_MOUNT_LOCK,    /* host file locked while the container runs,
                           bound read-only */
} plan_mount_kind_t;

enum {
    PLAN_MOUNT_READONLY = 1 << 0, /* recursively read-only */
    PLAN_MOUNT_FILE = 1 << 1,     /* target is a file, not a directory */
    PLAN_MOUNT_CREATE = 1 << 2,   /* create a missing source directory */
    PLAN_MOUNT_OPTIONAL = 1 << 3, /* missing source: warn and skip */
    PLAN_MOUNT_GUARD = 1 << 4,    /* read-only guard over a node's files,
                                     added by the plan; skipped silently
                                     when the path does not exist */
};

typedef struct plan_mount {
    plan_mount_kind_t kind;
    export_mode_t mode; /* the export it comes from */
    unsigned flags;
    const char *target; /* absolute path inside the container */
    const char *source; /* host path, link content, shell command or fd */
    unsigned tmpfs_mode; /* permissions of a tmpfs root */
    source_pos_t pos;
} plan_mount_t;

typedef enum { PLAN_ENV_SET, PLAN_ENV_EXECFD, PLAN_ENV_UNSET } plan_env_action_t;

/* Environment operations applied in order to the initial environment
 * (the caller's with inherit-env, empty otherwise). */
typedef struct plan_env {
    plan_env_action_t action;
    const char *key;
    const char *value; /* value, or shell command for PLAN_ENV_EXECFD */
} plan_env_t;

typedef struct plan_rlimit {
    bool set;
    uint64_t value; /* soft and hard; CONFIG_RLIMIT_UNLIMITED for none */
} plan_rlimit_t;

typedef struct plan_id_map {
    uint32_t inside, outside, count; /* count 0: no map */
} plan_id_map_t;

typedef struct plan {
    const char *redpath;
    plan_namespace_t namespaces[PLAN_NS_COUNT];
    plan_id_map_t uid_map, gid_map;
    bool deny_setgroups; /* needed for an unprivileged gid map */

    plan_mount_t *mounts;
    size_t mount_count;

    bool inherit_env;
    plan_env_t *env;
    size_t env_count;

    uint64_t capabilities; /* bit N = capability N */
    plan_rlimit_t rlimits[CONFIG_RLIMIT_COUNT];
    uid_t uid; /* inside the container */
    gid_t gid;
    /* Joined user namespace and no set-user / set-group: the program
     * keeps the caller's uid / gid as that namespace maps them (known
     * once joined; uid / gid unused). The executor checks that every id
     * it sets is mapped there. */
    bool keep_caller_uid, keep_caller_gid;
    bool drop_groups; /* supplementary groups dropped */
    const char *hostname, *chdir;
    mode_t umask;
    bool umask_set;
    bool die_with_parent, new_session;

    /* The chain's node directories: a bind source below one of them
     * must still be below it once its symlinks are resolved. */
    const char *const *node_paths;
    size_t node_count;

    /* Hooks filled by later modules; the executor has one step each. */
    const char *cgroup_path;         /* cgroup the program starts in */
    const config_seccomp_t *seccomp; /* policy installed last */

    char *const *argv; /* program and arguments */
} plan_t;

typedef struct plan_options {
    uid_t uid;          /* caller's real ids */
    gid_t gid;
    const char *user;   /* --user, overrides set-user */
    const char *group;  /* --group, overrides set-group */
    bool strict;        /* missing sources are errors */
    /* Node directories of the chain, root-most first: their etc/ and
     * status file stay read-only under any writable bind. */
    const char *const *node_paths;
    size_t node_count;
    /* Turns a user or group name into a number; NULL accepts numbers
     * only (keeps plan_build pure for tests). */
    int (*resolve_id)(const char *name, bool group, unsigned long *id);
    char *const *environ; /* caller's environment (for Inherit) */
    char *const *argv;
} plan_options_t;

/* Build the plan of `merged` (the merged configuration of `redpath`).
 * Pure: reads nothing but its arguments. */
int plan_build(arena_t *arena, const config_t *merged, const char *redpath,
               const plan_options_t *options, plan_t **out, rp_error_t *err);

/* The value of `key` in an environment array (KEY=VALUE strings), or
 * NULL. */
const char *plan_env_lookup(char *const *environ, const char *key);

/* The stable text form printed by `redwrap --dump-only` (documented in
 * docs/redwrap.md); one line per fact, `KEY VALUE...`. */
void plan_dump(const plan_t *plan, FILE *out);

extern const char *const plan_namespace_names[PLAN_NS_COUNT];

#endif
