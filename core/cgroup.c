/* Plan and creation of the per-node cgroups (see cgroup.h), and the start
 * of the contained program inside its leaf. */
#include "cgroup.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdnoreturn.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cgroup_value.h"
#include "mounts.h"

#ifndef SYS_clone3
#define SYS_clone3 435
#endif
#define CGROUP_CLONE_INTO_CGROUP 0x200000000ULL

/* struct clone_args of <linux/sched.h> up to `cgroup` (kernel 5.7), spelt
 * out because musl's headers do not carry it. */
struct cgroup_clone_args {
    uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack,
        stack_size, tls, set_tid, set_tid_size, cgroup;
};

static const char *const cgroup_controller_names[CGROUP_CONTROLLER_COUNT] = {
    "cpuset", "cpu", "io", "memory", "pids",
};

/* The controller of a key is the prefix of its interface file. */
static unsigned cgroup_key_controller(cgroup_key_t key)
{
    const char *file = config_cgroup_keys[key].file;
    size_t length = strcspn(file, ".");
    for (unsigned i = 0; i < CGROUP_CONTROLLER_COUNT; i++)
        if (strlen(cgroup_controller_names[i]) == length &&
            strncmp(cgroup_controller_names[i], file, length) == 0)
            return 1u << i;
    return 0;
}

static uint32_t cgroup_hash(const char *text)
{
    uint32_t hash = 2166136261u;
    for (; *text; text++)
        hash = (hash ^ (unsigned char)*text) * 16777619u;
    return hash;
}

/* Admin file over normal file; main.yaml under the root-most node. */
static int cgroup_node_values(cgroup_node_t *target, const node_chain_t *chain,
                              size_t index, rp_error_t *err)
{
    const node_t *node = &chain->nodes[index];
    const config_t *sources[] = {node->admin, node->config,
                                 index == 0 ? chain->main : NULL};
    for (int key = 0; key < CGROUP_KEY_COUNT; key++) {
        for (size_t i = 0; i < sizeof sources / sizeof sources[0]; i++) {
            if (!sources[i] || !sources[i]->cgroups[key].value)
                continue;
            target->values[key] = sources[i]->cgroups[key];
            break;
        }
        if (!target->values[key].value)
            continue;
        if (cgroup_value_validate(&target->values[key], (cgroup_key_t)key, err))
            return -1;
        target->controllers |= cgroup_key_controller((cgroup_key_t)key);
    }
    return 0;
}

int cgroup_plan_build(arena_t *arena, const node_chain_t *chain,
                      cgroup_plan_t *plan, rp_error_t *err)
{
    *plan = (cgroup_plan_t){0};
    plan->count = chain->count;
    plan->nodes = arena_alloc(arena, chain->count * sizeof *plan->nodes);
    for (size_t i = 0; i < chain->count; i++) {
        cgroup_node_t *target = &plan->nodes[i];
        target->node = &chain->nodes[i];
        if (cgroup_node_values(target, chain, i, err))
            return -1;
        const char *alias = target->node->config->alias.value;
        target->name = arena_printf(arena, CGROUP_NAME_PREFIX "%s-%08x", alias,
                                    cgroup_hash(target->node->path));
        if (strlen(target->name) > NAME_MAX)
            return error_at(err, &target->node->config->alias.pos,
                            "alias too long for a cgroup name");
        plan->limited |= target->controllers != 0; /* every key has one */
    }
    return 0;
}

static char *path_trim_slashes(char *path)
{
    for (size_t end = strlen(path); end > 1 && path[end - 1] == '/'; end--)
        path[end - 1] = '\0';
    return path;
}

char *cgroup_mount_point(arena_t *arena, rp_error_t *err)
{
    const char *forced = getenv("CGROUPS_MOUNT_POINT");
    if (forced && *forced)
        return path_trim_slashes(arena_strdup(arena, forced));
    FILE *mounts = fopen("/proc/self/mounts", "re");
    if (!mounts)
        return error_set_errno(err, errno, "cannot read /proc/self/mounts"),
               NULL;
    char line[4096], *found = NULL;
    while (!found && fgets(line, sizeof line, mounts)) {
        char *save, *device = strtok_r(line, " ", &save);
        char *dir = device ? strtok_r(NULL, " ", &save) : NULL;
        char *type = dir ? strtok_r(NULL, " ", &save) : NULL;
        if (type && strcmp(type, "cgroup2") == 0) {
            mounts_unescape(dir);
            found = arena_strdup(arena, dir);
        }
    }
    fclose(mounts);
    if (!found)
        error_set(err, "no cgroup v2 hierarchy is mounted: boot with "
                       "systemd.unified_cgroup_hierarchy=1 or mount cgroup2");
    return found;
}

/* The caller's cgroup: the "0::PATH" line of /proc/self/cgroup. */
static char *cgroup_own_path(arena_t *arena, rp_error_t *err)
{
    FILE *file = fopen("/proc/self/cgroup", "re");
    if (!file)
        return error_set_errno(err, errno, "cannot read /proc/self/cgroup"),
               NULL;
    char line[4096], *found = NULL;
    while (!found && fgets(line, sizeof line, file))
        if (strncmp(line, "0::", 3) == 0)
            found = arena_strndup(arena, line + 3, strcspn(line + 3, "\n"));
    fclose(file);
    if (!found)
        error_set(err, "no cgroup v2 entry in /proc/self/cgroup: boot with "
                       "systemd.unified_cgroup_hierarchy=1");
    return found;
}

static bool path_has_dot_dot(const char *path)
{
    for (const char *p = path; (p = strstr(p, "..")); p += 2)
        if ((p == path || p[-1] == '/') && (p[2] == '/' || p[2] == '\0'))
            return true;
    return false;
}

/* A directory under the mount point (which has no trailing slash), or
 * a cgroup path relative to it. */
static char *cgroup_root_dir(arena_t *arena, const char *mount,
                             const char *path)
{
    size_t length = strlen(mount);
    bool under_mount = strncmp(path, mount, length) == 0 &&
                       (path[length] == '/' || path[length] == '\0');
    return path_trim_slashes(under_mount ? arena_strdup(arena, path)
                                         : arena_printf(arena, "%s%s", mount, path));
}

int cgroup_plan_locate(arena_t *arena, cgroup_plan_t *plan,
                       const config_string_t *cgrouproot, rp_error_t *err)
{
    plan->mount = cgroup_mount_point(arena, err);
    if (!plan->mount)
        return -1;
    const char *path = cgrouproot && cgrouproot->value
                           ? cgrouproot->value
                           : cgroup_own_path(arena, err);
    if (!path)
        return -1;
    if (path[0] != '/' || path_has_dot_dot(path))
        return error_at(err, cgrouproot ? &cgrouproot->pos : NULL,
                        "cgrouproot '%s' must be an absolute path without '..'",
                        path);
    plan->root = cgroup_root_dir(arena, plan->mount, path);
    const char *parent = plan->root;
    for (size_t i = 0; i < plan->count; i++) {
        plan->nodes[i].dir = arena_printf(arena, "%s/%s", parent,
                                          plan->nodes[i].name);
        parent = plan->nodes[i].dir;
    }
    plan->run = arena_printf(arena, "%s/" CGROUP_RUN_NAME, parent);
    return 0;
}

int cgroup_write(const char *dir, const char *name, const char *text,
                 bool create)
{
    char path[PATH_MAX];
    if ((size_t)snprintf(path, sizeof path, "%s/%s", dir, name) >= sizeof path)
        return errno = ENAMETOOLONG, -1;
    int fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC | (create ? O_CREAT : 0),
                  0644);
    if (fd < 0)
        return -1;
    size_t length = strlen(text);
    ssize_t written = write(fd, text, length);
    int saved = errno;
    if (close(fd) < 0 && written >= 0)
        return -1;
    errno = saved;
    return written == (ssize_t)length ? 0 : -1;
}

/* "CONTEXT: strerror", plus what to do when permission is the cause
 * (delegate `root`, the cgroup under which the node cgroups live). */
static int cgroup_error(rp_error_t *err, const source_pos_t *pos, int errnum,
                        const char *root, const char *context)
{
    bool denied = errnum == EACCES || errnum == EPERM || errnum == EROFS;
    if (errnum == EBUSY)
        return error_at(err, pos, "%s: %s: the cgroup holds processes; set "
                        "config.cgrouproot to an empty delegated cgroup",
                        context, strerror(errnum));
    return error_at(err, pos, "%s: %s%s%s%s", context, strerror(errnum),
                    denied ? ": delegate the subtree (chown -R USER " : "",
                    denied ? root : "",
                    denied ? ", or systemd-run --user -p Delegate=yes ...)" : "");
}

static unsigned cgroup_controllers_from(const cgroup_plan_t *plan, size_t first)
{
    unsigned controllers = 0;
    for (size_t i = first; i < plan->count; i++)
        controllers |= plan->nodes[i].controllers;
    return controllers;
}

static unsigned cgroup_available(const char *dir)
{
    char path[PATH_MAX], words[1024];
    snprintf(path, sizeof path, "%s/cgroup.controllers", dir);
    FILE *file = fopen(path, "re");
    if (!file)
        return 0;
    unsigned available = 0;
    while (fscanf(file, "%1023s", words) == 1)
        for (unsigned i = 0; i < CGROUP_CONTROLLER_COUNT; i++)
            if (strcmp(words, cgroup_controller_names[i]) == 0)
                available |= 1u << i;
    fclose(file);
    return available;
}

static const config_string_t *cgroup_first_user(const cgroup_plan_t *plan,
                                                unsigned controller)
{
    for (size_t i = 0; i < plan->count; i++)
        for (int key = 0; key < CGROUP_KEY_COUNT; key++)
            if (plan->nodes[i].values[key].value &&
                cgroup_key_controller((cgroup_key_t)key) == controller)
                return &plan->nodes[i].values[key];
    return NULL;
}

/* Processes in DIR itself (its cgroup.procs is not empty). */
static bool cgroup_has_processes(const char *dir)
{
    char path[PATH_MAX], first;
    snprintf(path, sizeof path, "%s/cgroup.procs", dir);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return false;
    bool found = read(fd, &first, 1) == 1;
    close(fd);
    return found;
}

/* Fail closed before writing anything: the root must exist, hold no
 * process (the kernel's no-internal-process rule; the hierarchy's root
 * is exempt) and offer every controller the chain's values need. */
static int cgroup_check_root(const cgroup_plan_t *plan, rp_error_t *err)
{
    struct stat info;
    if (stat(plan->root, &info) < 0 || !S_ISDIR(info.st_mode))
        return error_set(err, "cgroup root %s does not exist: create it and "
                         "delegate it (or set config.cgrouproot)", plan->root);
    unsigned missing = cgroup_controllers_from(plan, 0) &
                       ~cgroup_available(plan->root);
    for (unsigned i = 0; i < CGROUP_CONTROLLER_COUNT; i++) {
        if (!(missing & (1u << i)))
            continue;
        const config_string_t *user = cgroup_first_user(plan, 1u << i);
        const char *name = cgroup_controller_names[i];
        if (strcmp(plan->root, plan->mount) == 0)
            return error_at(err, &user->pos, "the %s controller is not "
                            "available in the cgroup v2 hierarchy %s (bound "
                            "to cgroup v1? boot with "
                            "systemd.unified_cgroup_hierarchy=1)", name,
                            plan->mount);
        return error_at(err, &user->pos, "the %s controller is not available "
                        "in %s: delegate it (echo +%s > PARENT/"
                        "cgroup.subtree_control at each level above)", name,
                        plan->root, name);
    }
    if (strcmp(plan->root, plan->mount) != 0 && cgroup_has_processes(plan->root))
        return error_set(err, "cgroup root %s holds processes (only leaf "
                         "cgroups may): set config.cgrouproot to an empty "
                         "delegated cgroup", plan->root);
    return 0;
}

static int cgroup_enable(const cgroup_plan_t *plan, const char *dir,
                         unsigned controllers, rp_error_t *err)
{
    char text[128] = "", context[PATH_MAX + 160];
    for (unsigned i = 0; i < CGROUP_CONTROLLER_COUNT; i++)
        if (controllers & (1u << i))
            snprintf(text + strlen(text), sizeof text - strlen(text), "%s+%s",
                     *text ? " " : "", cgroup_controller_names[i]);
    if (!*text || cgroup_write(dir, "cgroup.subtree_control", text, true) == 0)
        return 0;
    snprintf(context, sizeof context,
             "cannot enable %s in %s/cgroup.subtree_control", text, dir);
    return cgroup_error(err, NULL, errno, plan->root, context);
}

/* 0: created, 1: it was there already, -1: error. */
static int cgroup_create(const cgroup_plan_t *plan, const char *dir,
                         rp_error_t *err)
{
    char context[PATH_MAX + 32];
    if (mkdir(dir, 0755) == 0)
        return 0;
    if (errno == EEXIST)
        return 1;
    snprintf(context, sizeof context, "cannot create cgroup %s", dir);
    return cgroup_error(err, NULL, errno, plan->root, context);
}

/* What a new cgroup holds. A value dropped from a configuration goes back
 * to it in a cgroup made by an earlier run. cpu.weight.nice is another
 * view of cpu.weight; io.* hold a line per device (cgroup_reset_devices). */
static const char *const cgroup_key_defaults[CGROUP_KEY_COUNT] = {
    [CGROUP_CPUSET_CPUS] = "\n", [CGROUP_CPUSET_MEMS] = "\n",
    [CGROUP_CPUSET_CPUS_PARTITION] = "member", [CGROUP_MEM_MIN] = "0",
    [CGROUP_MEM_LOW] = "0", [CGROUP_MEM_HIGH] = "max",
    [CGROUP_MEM_MAX] = "max", [CGROUP_MEM_SWAP_HIGH] = "max",
    [CGROUP_MEM_SWAP_MAX] = "max", [CGROUP_MEM_OOM_GROUP] = "0",
    [CGROUP_CPU_WEIGHT] = "100", [CGROUP_CPU_MAX] = "max",
    [CGROUP_PIDS_MAX] = "max",
};

/* Every device line of io.max / io.weight but the configured one back to
 * the default ("MAJ:MIN ..." lines; io.weight's "default N" line too). */
static void cgroup_reset_devices(const char *dir, cgroup_key_t key,
                                 const char *configured)
{
    char path[PATH_MAX], line[256], reset[64];
    snprintf(path, sizeof path, "%s/%s", dir, config_cgroup_keys[key].file);
    FILE *file = fopen(path, "re");
    if (!file)
        return;
    size_t kept = configured ? strcspn(configured, " ") : 0;
    while (fgets(line, sizeof line, file)) {
        size_t device = strcspn(line, " \n");
        bool is_default = device == 7 && strncmp(line, "default", 7) == 0;
        if (device == 0)
            continue;
        if (configured && ((is_default && !strchr(configured, ':')) ||
                           (device == kept && !strncmp(line, configured, kept))))
            continue;
        if (is_default)
            snprintf(reset, sizeof reset, "default 100");
        else
            snprintf(reset, sizeof reset, "%.*s %s", (int)device, line,
                     key == CGROUP_IO_MAX
                         ? "rbps=max wbps=max riops=max wiops=max" : "default");
        cgroup_write(dir, config_cgroup_keys[key].file, reset, false);
    }
    fclose(file);
}

/* Before the configured values are written, so none of them is lifted
 * even for a moment. Only the controllers enabled in the cgroup have
 * files: one read of cgroup.controllers spares opening the others. */
static void cgroup_reset_dropped(const cgroup_node_t *node)
{
    const config_string_t *values = node->values;
    unsigned enabled = cgroup_available(node->dir);
    for (int key = 0; key < CGROUP_KEY_COUNT; key++) {
        const char *reset = cgroup_key_defaults[key];
        if (values[key].value || !reset ||
            !(enabled & cgroup_key_controller((cgroup_key_t)key)) ||
            (key == CGROUP_CPU_WEIGHT && values[CGROUP_CPU_WEIGHT_NICE].value))
            continue;
        cgroup_write(node->dir, config_cgroup_keys[key].file, reset, false);
    }
    if (!(enabled & (1u << CGROUP_CONTROLLER_IO)))
        return;
    cgroup_reset_devices(node->dir, CGROUP_IO_MAX, values[CGROUP_IO_MAX].value);
    cgroup_reset_devices(node->dir, CGROUP_IO_WEIGHT,
                         values[CGROUP_IO_WEIGHT].value);
}

static int cgroup_write_values(const cgroup_plan_t *plan,
                               const cgroup_node_t *node, rp_error_t *err)
{
    for (int key = 0; key < CGROUP_KEY_COUNT; key++) {
        const config_string_t *value = &node->values[key];
        const char *file = config_cgroup_keys[key].file;
        if (!value->value || cgroup_write(node->dir, file, value->value, true) == 0)
            continue;
        char context[PATH_MAX + 160];
        snprintf(context, sizeof context, "cannot write '%s' to %s/%s",
                 value->value, node->dir, file);
        return cgroup_error(err, &value->pos, errno, plan->root, context);
    }
    return 0;
}

int cgroup_plan_apply(const cgroup_plan_t *plan, rp_error_t *err)
{
    if (!plan->limited)
        return 0;
    if (cgroup_check_root(plan, err))
        return -1;
    const char *parent = plan->root;
    for (size_t i = 0; i < plan->count; i++) {
        if (cgroup_enable(plan, parent, cgroup_controllers_from(plan, i), err))
            return -1;
        int existed = cgroup_create(plan, plan->nodes[i].dir, err);
        if (existed < 0)
            return -1;
        if (existed)
            cgroup_reset_dropped(&plan->nodes[i]);
        if (cgroup_write_values(plan, &plan->nodes[i], err))
            return -1;
        parent = plan->nodes[i].dir;
    }
    return cgroup_create(plan, plan->run, err) < 0 ? -1 : 0;
}

int cgroup_run_path(arena_t *arena, const node_chain_t *chain,
                    const config_string_t *cgrouproot, bool apply,
                    const char **run, rp_error_t *err)
{
    cgroup_plan_t cgroups;
    if (cgroup_plan_build(arena, chain, &cgroups, err) < 0 ||
        (cgroups.limited && cgroup_plan_locate(arena, &cgroups, cgrouproot, err) < 0) ||
        (apply && cgroup_plan_apply(&cgroups, err) < 0))
        return -1;
    *run = cgroups.limited ? cgroups.run : NULL;
    return 0;
}

int cgroup_open(const char *dir, rp_error_t *err)
{
    int fd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
    return fd >= 0 ? fd : error_set_errno(err, errno, "cannot open cgroup %s", dir);
}

/* Kernels without clone3 or CLONE_INTO_CGROUP, and directories that are
 * not cgroup2 (tests), answer with one of these. */
static bool cgroup_clone3_unsupported(int errnum)
{
    return errnum == ENOSYS || errnum == E2BIG || errnum == EINVAL ||
           errnum == EBADF || errnum == EOPNOTSUPP;
}

static noreturn void cgroup_enter_failed(int errnum)
{
    rp_error_t err;
    error_set_errno(&err, errnum, "cannot enter the node's cgroup");
    error_print(&err);
    _exit(EXIT_SETUP);
}

/* The child writes "0" (itself) to cgroup.procs. */
static void cgroup_enter(int cgroup_fd)
{
    int fd = openat(cgroup_fd, "cgroup.procs", O_WRONLY | O_CREAT | O_CLOEXEC,
                    0644);
    if (fd < 0 || write(fd, "0", 1) != 1)
        cgroup_enter_failed(errno);
    if (close(fd) < 0)
        cgroup_enter_failed(errno);
}

pid_t cgroup_spawn(int cgroup_fd, uint64_t clone_flags, rp_error_t *err)
{
    pid_t pid = -1;
    if (cgroup_fd >= 0) {
        struct cgroup_clone_args args = {
            .flags = clone_flags | CGROUP_CLONE_INTO_CGROUP,
            .exit_signal = SIGCHLD,
            .cgroup = (uint64_t)cgroup_fd,
        };
        pid = (pid_t)syscall(SYS_clone3, &args, sizeof args);
        if (pid >= 0)
            return pid;
        if (!cgroup_clone3_unsupported(errno))
            return error_set_errno(err, errno, "cannot start the program in "
                                   "its cgroup");
    }
    /* No stack, tls or tid pointers: the child goes on like after fork(). */
    pid = (pid_t)syscall(SYS_clone, (unsigned long)clone_flags | SIGCHLD, 0, 0,
                         0, 0);
    if (pid < 0)
        return error_set_errno(err, errno, "cannot clone");
    if (pid == 0 && cgroup_fd >= 0)
        cgroup_enter(cgroup_fd);
    return pid;
}
