/* container: the executor of a plan (SPEC §5). Follows core/plan.h step
 * by step, decides nothing.
 *
 * Processes: redwrap itself (the monitor: holds Lock files, forwards
 * SIGTERM/SIGINT/SIGHUP, returns the status) and one child that builds
 * the root. With a new pid namespace that child is pid 1: it forks the
 * program, reaps zombies and forwards signals; otherwise it becomes the
 * program. Never more than two redwrap processes.
 *
 * Order on the host: prepare (resolve sources, run Execfd commands, take
 * locks, open namespace files), join namespaces, unshare, uid/gid maps.
 * In the child: mounts, pivot_root, hostname, loopback. Before exec:
 * session, ids, rlimits, umask, chdir, capabilities, no-new-privs, then
 * seccomp last. */
#ifndef REDPAK_CONTAINER_H
#define REDPAK_CONTAINER_H

#include <sys/types.h>

#include "arena.h"
#include "plan.h"

/* Most bytes of an Execfd output or an Internal content the executor
 * reads (beyond it the content is cut). */
#define CONTAINER_OUTPUT_MAX (1 << 20)

/* The started container, as redwrap (the monitor) waits for it. */
typedef struct container_process {
    pid_t child;
    int report_fd; /* pid 1 writes the program's status here */
} container_process_t;

/* Start the plan's program: 0, or EXIT_SETUP (a message was printed).
 * The monitor needs nothing of `arena` afterwards: redwrap frees it while
 * the child builds the container. */
int container_start(arena_t *arena, const plan_t *plan, container_process_t *process);

/* Wait for the program; returns redwrap's exit status: the program's,
 * 128+N when it was killed by signal N, EXIT_SETUP, EXIT_CANNOT_EXEC or
 * EXIT_NOT_FOUND. */
int container_wait(container_process_t *process);

/* container_start(), then container_wait(). */
int container_run(arena_t *arena, const plan_t *plan);

#endif
