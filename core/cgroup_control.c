/* Runtime control of node cgroups (redcgroup): processes, freeze, kill,
 * clean-up. A node's cgroup is handled with everything below it. */
#include "cgroup.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define CGROUP_READ_MAX 65536
#define CGROUP_FREEZE_WAIT_MS 5000
#define CGROUP_DEPTH_MAX 64

char *cgroup_read(arena_t *arena, const char *dir, const char *name)
{
    char path[PATH_MAX];
    if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, name) >= sizeof path)
        return NULL;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return NULL;
    char *text = arena_alloc(arena, CGROUP_READ_MAX);
    size_t used = 0;
    ssize_t got;
    while (used < CGROUP_READ_MAX - 1 &&
           (got = read(fd, text + used, CGROUP_READ_MAX - 1 - used)) > 0)
        used += (size_t)got;
    close(fd);
    while (used > 0 && (text[used - 1] == '\n' || text[used - 1] == ' '))
        used--;
    text[used] = '\0';
    return text;
}

/* Calls `visit` on DIR and every cgroup below it, parents first. */
typedef int (*cgroup_visit_t)(arena_t *arena, const char *dir, void *data,
                              rp_error_t *err);

static int cgroup_walk(arena_t *arena, const char *dir, int depth,
                       cgroup_visit_t visit, void *data, rp_error_t *err)
{
    if (depth > CGROUP_DEPTH_MAX)
        return error_set(err, "cgroup tree too deep at %s", dir);
    if (visit(arena, dir, data, err))
        return -1;
    DIR *listing = opendir(dir);
    if (!listing)
        return errno == ENOENT ? 0
                               : error_set_errno(err, errno, "cannot list %s", dir);
    struct dirent *entry;
    int result = 0;
    while (result == 0 && (entry = readdir(listing)))
        if (entry->d_type == DT_DIR && strcmp(entry->d_name, ".") &&
            strcmp(entry->d_name, ".."))
            result = cgroup_walk(arena, arena_printf(arena, "%s/%s", dir,
                                                     entry->d_name),
                                 depth + 1, visit, data, err);
    closedir(listing);
    return result;
}

struct process_list {
    cgroup_process_t *items;
    size_t count, capacity;
};

static int cgroup_collect(arena_t *arena, const char *dir, void *data,
                          rp_error_t *err)
{
    (void)err;
    struct process_list *list = data;
    char *procs = cgroup_read(arena, dir, "cgroup.procs");
    for (char *save, *word = procs ? strtok_r(procs, "\n", &save) : NULL; word;
         word = strtok_r(NULL, "\n", &save)) {
        list->items = arena_reserve(arena, list->items, list->count,
                                    &list->capacity, sizeof *list->items);
        list->items[list->count++] =
            (cgroup_process_t){.pid = (pid_t)atoi(word), .dir = dir};
    }
    return 0;
}

int cgroup_processes(arena_t *arena, const char *dir,
                     cgroup_process_t **processes, size_t *count,
                     rp_error_t *err)
{
    struct process_list list = {0};
    if (cgroup_walk(arena, dir, 0, cgroup_collect, &list, err))
        return -1;
    *processes = list.items;
    *count = list.count;
    return 0;
}

static void sleep_ms(long ms)
{
    struct timespec delay = {ms / 1000, (ms % 1000) * 1000000};
    nanosleep(&delay, NULL);
}

int cgroup_freeze(const char *dir, bool frozen, rp_error_t *err)
{
    if (cgroup_write(dir, "cgroup.freeze", frozen ? "1" : "0", false) < 0)
        return error_set_errno(err, errno, "cannot write %s/cgroup.freeze", dir);
    /* Freezing is asynchronous: cgroup.events says when it is done. */
    const char *wanted = frozen ? "frozen 1" : "frozen 0";
    for (int waited = 0; waited < CGROUP_FREEZE_WAIT_MS; waited += 10) {
        arena_t *arena = arena_new();
        char *events = cgroup_read(arena, dir, "cgroup.events");
        bool done = !events || strstr(events, wanted);
        arena_free(arena);
        if (done)
            return 0;
        sleep_ms(10);
    }
    return error_set(err, "%s did not become %s within %d ms", dir,
                     frozen ? "frozen" : "thawed", CGROUP_FREEZE_WAIT_MS);
}

int cgroup_kill(arena_t *arena, const char *dir, rp_error_t *err)
{
    if (cgroup_write(dir, "cgroup.kill", "1", false) == 0)
        return 0;
    if (errno != ENOENT)
        return error_set_errno(err, errno, "cannot write %s/cgroup.kill", dir);
    /* Before Linux 5.14: freeze so nothing forks while we kill. */
    bool frozen = cgroup_write(dir, "cgroup.freeze", "1", false) == 0;
    cgroup_process_t *processes;
    size_t count;
    int result = cgroup_processes(arena, dir, &processes, &count, err);
    for (size_t i = 0; result == 0 && i < count; i++)
        if (processes[i].pid > 0 && kill(processes[i].pid, SIGKILL) < 0 &&
            errno != ESRCH)
            result = error_set_errno(err, errno, "cannot kill %d",
                                     (int)processes[i].pid);
    if (frozen)
        cgroup_write(dir, "cgroup.freeze", "0", false);
    return result;
}

struct dir_list {
    const char **items;
    size_t count, capacity;
};

static int cgroup_collect_dir(arena_t *arena, const char *dir, void *data,
                              rp_error_t *err)
{
    (void)err;
    struct dir_list *list = data;
    list->items = arena_reserve(arena, list->items, list->count,
                                &list->capacity, sizeof *list->items);
    list->items[list->count++] = dir;
    return 0;
}

/* rmdir succeeds on a cgroup only when it has no process and no child. */
static int cgroup_remove(const char *dir,
                         void (*removed)(const char *dir, bool kept),
                         rp_error_t *err)
{
    if (rmdir(dir) == 0) {
        removed(dir, false);
        return 0;
    }
    if (errno == EBUSY || errno == ENOTEMPTY) {
        removed(dir, true);
        return 0;
    }
    return errno == ENOENT ? 0 : error_set_errno(err, errno, "cannot remove %s", dir);
}

int cgroup_clean(arena_t *arena, const cgroup_plan_t *plan,
                 void (*removed)(const char *dir, bool kept), rp_error_t *err)
{
    struct dir_list below = {0};
    const char *leaf = plan->nodes[plan->count - 1].dir;
    if (cgroup_walk(arena, leaf, 0, cgroup_collect_dir, &below, err))
        return -1;
    /* The walk lists parents first: backwards is deepest first. */
    for (size_t i = below.count; i > 0; i--)
        if (cgroup_remove(below.items[i - 1], removed, err))
            return -1;
    for (size_t i = plan->count - 1; i > 0; i--)
        if (cgroup_remove(plan->nodes[i - 1].dir, removed, err))
            return -1;
    return 0;
}
