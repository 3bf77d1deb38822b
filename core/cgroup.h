/* cgroup: one cgroup v2 per node of a chain, nested like the nodes, so a
 * parent's limits bound all its descendants (SPEC §4).
 *
 *   CGROUPROOT/redpak-ROOTALIAS-HASH/.../redpak-LEAFALIAS-HASH/run
 *
 * HASH is 8 hex digits (FNV-1a 32) of the node's canonical path, so names
 * are deterministic and two nodes with one alias do not collide. Node
 * cgroups hold limits, never processes (the kernel's no-internal-process
 * rule): the program runs in the `run` child of its leaf's cgroup.
 * Controllers are enabled in cgroup.subtree_control only where a deeper
 * node of the chain needs them.
 *
 * A node's values: its admin file's (in admin mode), else its own file's;
 * main.yaml's values are defaults of the root-most node. Nothing is
 * written before every value is valid and every controller available. */
#ifndef REDPAK_CGROUP_H
#define REDPAK_CGROUP_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "arena.h"
#include "config.h"
#include "log.h"
#include "node.h"

#define CGROUP_RUN_NAME "run"
#define CGROUP_NAME_PREFIX "redpak-"

typedef enum {
    CGROUP_CONTROLLER_CPUSET, CGROUP_CONTROLLER_CPU, CGROUP_CONTROLLER_IO,
    CGROUP_CONTROLLER_MEMORY, CGROUP_CONTROLLER_PIDS, CGROUP_CONTROLLER_COUNT
} cgroup_controller_t;

typedef struct cgroup_node {
    const node_t *node;
    const char *name; /* redpak-ALIAS-HASH */
    const char *dir;  /* absolute directory, once located */
    config_string_t values[CGROUP_KEY_COUNT];
    unsigned controllers; /* bits (1 << cgroup_controller_t) its values need */
} cgroup_node_t;

typedef struct cgroup_plan {
    cgroup_node_t *nodes; /* root-most first */
    size_t count;
    bool limited;      /* some node sets a value: cgroups are needed */
    const char *mount; /* cgroup2 mount point, once located */
    const char *root;  /* directory holding the root-most node's cgroup */
    const char *run;   /* where the program goes: LEAFDIR/run */
} cgroup_plan_t;

/* Pure: every node's values, validated (errors name FILE:LINE:COLUMN),
 * and cgroup names. Touches nothing. */
int cgroup_plan_build(arena_t *arena, const node_chain_t *chain,
                      cgroup_plan_t *plan, rp_error_t *err);

/* $CGROUPS_MOUNT_POINT, else the first cgroup2 entry of
 * /proc/self/mounts; NULL (with what to do in `err`) when there is none. */
char *cgroup_mount_point(arena_t *arena, rp_error_t *err);

/* Find the cgroup2 mount point (cgroup_mount_point) and the root:
 * `cgrouproot` (a directory under the mount point, or a cgroup path
 * relative to it), else the caller's own cgroup (the `0::` line of
 * /proc/self/cgroup). Reads /proc only. */
int cgroup_plan_locate(arena_t *arena, cgroup_plan_t *plan,
                       const config_string_t *cgrouproot, rp_error_t *err);

/* Create the cgroups, enable controllers, write the values, create the
 * run cgroup. Fails closed, before writing anything, when a controller
 * is missing; every failure says what to do. */
int cgroup_plan_apply(const cgroup_plan_t *plan, rp_error_t *err);

/* The cgroup a node's program starts in (plan_t.cgroup_path): when a
 * node of the chain asks for limits, the leaf's run cgroup, the limits
 * written when `apply` (a real run), else NULL. Values are always
 * validated. */
int cgroup_run_path(arena_t *arena, const node_chain_t *chain,
                    const config_string_t *cgrouproot, bool apply,
                    const char **run, rp_error_t *err);

/* The cgroup directory `dir` (plan->run) as a descriptor for
 * cgroup_spawn, opened on the host before the mounts change. */
int cgroup_open(const char *dir, rp_error_t *err);

/* Like fork(2) with clone flags (CLONE_NEWPID...; SIGCHLD is added), the
 * child starting inside the cgroup `cgroup_fd` through clone3
 * CLONE_INTO_CGROUP; where that is unavailable (kernels before 5.7) the
 * child writes itself to cgroup.procs before returning, or prints why and
 * exits EXIT_SETUP. A negative `cgroup_fd` (no limits) starts no cgroup.
 * Failure: -1, errno set, `err` filled. */
pid_t cgroup_spawn(int cgroup_fd, uint64_t clone_flags, rp_error_t *err);

/* Write TEXT to DIR/NAME like the shell's `>` (O_CREAT only when
 * `create`: interface files of a real cgroup always exist). -1 + errno. */
int cgroup_write(const char *dir, const char *name, const char *text,
                 bool create);

/* Runtime control of a node cgroup and everything below it. */
typedef struct cgroup_process {
    pid_t pid;
    const char *dir; /* cgroup directory holding it */
} cgroup_process_t;

/* Trimmed content of DIR/NAME, NULL if it cannot be read. */
char *cgroup_read(arena_t *arena, const char *dir, const char *name);
int cgroup_processes(arena_t *arena, const char *dir,
                     cgroup_process_t **processes, size_t *count,
                     rp_error_t *err);
/* Freeze or thaw, waiting (bounded) until cgroup.events agrees. */
int cgroup_freeze(const char *dir, bool frozen, rp_error_t *err);
/* cgroup.kill, else (kernels before 5.14) SIGKILL each process, frozen. */
int cgroup_kill(arena_t *arena, const char *dir, rp_error_t *err);
/* Remove the plan's cgroups that are empty, deepest first (descendant
 * node cgroups below the leaf too); `removed` is called for each. */
int cgroup_clean(arena_t *arena, const cgroup_plan_t *plan,
                 void (*removed)(const char *dir, bool kept), rp_error_t *err);

#endif
