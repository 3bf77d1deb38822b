#include "container.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <net/if.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cgroup.h"
#include "credentials.h"
#include "rootfs.h"
#include "seccomp.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

extern char **environ;

#define CONTAINER_CLOSE_RANGE_CLOEXEC 4 /* linux/close_range.h */
#define CONTAINER_NS_GET_PARENT _IO(0xb7, 0x2) /* linux/nsfs.h */

static const int container_ns_flags[PLAN_NS_COUNT] = {
    CLONE_NEWUSER, CLONE_NEWNS, CLONE_NEWPID, CLONE_NEWIPC, CLONE_NEWUTS,
    CLONE_NEWNET, CLONE_NEWCGROUP, CLONE_NEWTIME,
};


/* What the host side prepares; lives in the arena. */
typedef struct container {
    const plan_t *plan;
    rootfs_source_t *sources; /* one per plan mount */
    char **envp;
    int ns_fds[PLAN_NS_COUNT]; /* joined namespaces, -1 otherwise */
    int cgroup_fd;
    seccomp_program_t seccomp; /* compiled on the host, loaded last */
    int report_fd; /* pid 1 writes the program's status here */
    uid_t uid; /* the plan's, or the caller's in a joined user namespace */
    gid_t gid;
    char **node_real; /* plan->node_paths with symlinks resolved */
} container_t;

/* ---- host side: everything that needs host paths ---- */

/* Output of `/bin/sh -c command`, run on the host as the caller. */
static char *container_capture(arena_t *arena, const char *command,
                               size_t *length, rp_error_t *err)
{
    int pipes[2];
    if (pipe2(pipes, O_CLOEXEC) < 0)
        return error_set_errno(err, errno, "cannot run '%s'", command), NULL;
    pid_t pid = fork();
    if (pid == 0) {
        dup2(pipes[1], STDOUT_FILENO);
        execl("/bin/sh", "sh", "-c", command, (char *)NULL);
        _exit(EXIT_NOT_FOUND);
    }
    close(pipes[1]);
    size_t size = 4096, used = 0;
    char *output = arena_alloc(arena, size + 1);
    ssize_t got;
    while (pid > 0 && (got = read(pipes[0], output + used, size - used)) > 0) {
        used += (size_t)got;
        if (used == size && size < CONTAINER_OUTPUT_MAX) {
            output = arena_grow(arena, output, size + 1, size * 2 + 1);
            size *= 2;
        }
    }
    close(pipes[0]);
    int status = 0;
    if (pid < 0 || waitpid(pid, &status, 0) < 0)
        return error_set_errno(err, errno, "cannot run '%s'", command), NULL;
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        return error_set(err, "command '%s' failed (status %d)", command,
                         WIFEXITED(status) ? WEXITSTATUS(status)
                                           : 128 + WTERMSIG(status)), NULL;
    output[used] = '\0';
    *length = used;
    return output;
}

static int container_read_fd(arena_t *arena, const plan_mount_t *mount,
                             rootfs_source_t *source, rp_error_t *err)
{
    int fd = atoi(mount->source);
    char *data = arena_alloc(arena, CONTAINER_OUTPUT_MAX);
    size_t used = 0;
    ssize_t got;
    while (used < CONTAINER_OUTPUT_MAX &&
           (got = pread(fd, data + used, CONTAINER_OUTPUT_MAX - used,
                        (off_t)used)) > 0)
        used += (size_t)got;
    if (used == 0 && (got = read(fd, data, CONTAINER_OUTPUT_MAX)) > 0)
        used = (size_t)got; /* pipes cannot pread */
    if (got < 0 && used == 0)
        return error_set_errno(err, errno, "cannot read file descriptor %d for %s",
                               fd, mount->target);
    source->data = data;
    source->data_length = used;
    return 0;
}

static int container_mkdirs(char *path)
{
    for (char *slash = strchr(path + 1, '/');; slash = strchr(slash + 1, '/')) {
        if (slash)
            *slash = '\0';
        int result = mkdir(path, 0755);
        if (slash)
            *slash = '/';
        if (result < 0 && errno != EEXIST)
            return -1;
        if (!slash)
            return 0;
    }
}

static bool container_below(const char *path, const char *dir)
{
    size_t length = strlen(dir);
    return strncmp(path, dir, length) == 0 &&
           (path[length] == '\0' || path[length] == '/' || strcmp(dir, "/") == 0);
}

/* A node's files must not lead out of the node: a hostile symlink in a
 * node directory (`usr -> /`) would otherwise export the host. */
static int container_check_inside_node(const container_t *container,
                                       const plan_mount_t *mount,
                                       const char *resolved, rp_error_t *err)
{
    const plan_t *plan = container->plan;
    for (size_t i = 0; i < plan->node_count; i++)
        if (container_below(mount->source, plan->node_paths[i]) &&
            !container_below(resolved, container->node_real[i]))
            return error_set(err, "cannot bind %s onto %s: it leads out of node "
                             "%s (to %s)", mount->source, mount->target,
                             plan->node_paths[i], resolved);
    return 0;
}

/* Missing directory sources are created, missing files skipped with a
 * warning (both errors with --strict); symlinks are resolved here, on the
 * host, where they mean what their author meant. */
static int container_resolve_source(arena_t *arena, const container_t *container,
                                    const plan_mount_t *mount,
                                    rootfs_source_t *source, rp_error_t *err)
{
    char resolved[PATH_MAX];
    if (!realpath(mount->source, resolved)) {
        if (errno == ENOENT && (mount->flags & PLAN_MOUNT_OPTIONAL)) {
            if (!(mount->flags & PLAN_MOUNT_GUARD)) /* nothing to guard */
                warn("skipping %s: %s does not exist", mount->target, mount->source);
            source->skip = true;
            return 0;
        }
        if (errno != ENOENT || !(mount->flags & PLAN_MOUNT_CREATE))
            return error_set_errno(err, errno, "cannot bind %s onto %s",
                                   mount->source, mount->target);
        if (container_mkdirs(arena_strdup(arena, mount->source)) < 0 ||
            !realpath(mount->source, resolved))
            return error_set_errno(err, errno, "cannot create %s", mount->source);
    }
    source->path = arena_strdup(arena, resolved);
    return container_check_inside_node(container, mount, source->path, err);
}

/* A shared lock: concurrent containers of a node coexist, a node manager
 * taking an exclusive lock sees the node in use. Held by the monitor. */
static int container_lock(const plan_mount_t *mount, rp_error_t *err)
{
    int fd = open(mount->source, O_RDONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0644);
    if (fd < 0)
        return error_set_errno(err, errno, "cannot open lock %s", mount->source);
    if (flock(fd, LOCK_SH | LOCK_NB) < 0)
        return error_set_errno(err, errno, "cannot lock %s", mount->source);
    return 0; /* fd kept open on purpose until redwrap exits */
}

static int container_prepare_mount(arena_t *arena, const container_t *container,
                                   const plan_mount_t *mount,
                                   rootfs_source_t *source, rp_error_t *err)
{
    switch (mount->kind) {
    case PLAN_MOUNT_LOCK:
        if (container_lock(mount, err) < 0)
            return -1;
        /* the lock file is bound like a RestrictedFile */
        return container_resolve_source(arena, container, mount, source, err);
    case PLAN_MOUNT_BIND:
        return container_resolve_source(arena, container, mount, source, err);
    case PLAN_MOUNT_DATA:
        if (mount->mode == EXPORT_INTERNAL)
            return container_read_fd(arena, mount, source, err);
        source->data = container_capture(arena, mount->source,
                                         &source->data_length, err);
        return source->data ? 0 : -1;
    default:
        return 0;
    }
}

static void container_env_put(char **envp, size_t *count, char *entry)
{
    size_t key = strcspn(entry, "=");
    for (size_t i = 0; i < *count; i++)
        if (strncmp(envp[i], entry, key + 1) == 0) {
            envp[i] = entry;
            return;
        }
    envp[(*count)++] = entry;
}

static void container_env_remove(char **envp, size_t *count, const char *key)
{
    size_t length = strlen(key);
    for (size_t i = 0; i < *count; i++)
        if (strncmp(envp[i], key, length) == 0 && envp[i][length] == '=') {
            envp[i] = envp[--*count];
            return;
        }
}

static int container_prepare_env(arena_t *arena, container_t *container,
                                 char *const *caller_env, rp_error_t *err)
{
    const plan_t *plan = container->plan;
    size_t inherited = 0, count = 0;
    while (plan->inherit_env && caller_env && caller_env[inherited])
        inherited++;
    char **envp = arena_alloc(arena, (inherited + plan->env_count + 1) * sizeof *envp);
    for (size_t i = 0; i < inherited; i++)
        envp[count++] = caller_env[i];
    for (size_t i = 0; i < plan->env_count; i++) {
        const plan_env_t *env = &plan->env[i];
        size_t length;
        const char *value = env->value;
        if (env->action == PLAN_ENV_UNSET) {
            container_env_remove(envp, &count, env->key);
            continue;
        }
        if (env->action == PLAN_ENV_EXECFD) {
            char *output = container_capture(arena, env->value, &length, err);
            if (!output)
                return -1;
            if (length && output[length - 1] == '\n')
                output[length - 1] = '\0';
            value = output;
        }
        container_env_put(envp, &count, arena_printf(arena, "%s=%s", env->key, value));
    }
    envp[count] = NULL;
    container->envp = envp;
    return 0;
}

static int container_prepare(arena_t *arena, container_t *container,
                             char *const *caller_env, rp_error_t *err)
{
    const plan_t *plan = container->plan;
    container->sources = arena_alloc(arena, (plan->mount_count + 1) *
                                            sizeof *container->sources);
    container->node_real = arena_alloc(arena, (plan->node_count + 1) * sizeof (char *));
    for (size_t i = 0; i < plan->node_count; i++) {
        char real[PATH_MAX];
        if (!realpath(plan->node_paths[i], real))
            return error_set_errno(err, errno, "cannot resolve node %s",
                                   plan->node_paths[i]);
        container->node_real[i] = arena_strdup(arena, real);
    }
    for (size_t i = 0; i < plan->mount_count; i++)
        if (container_prepare_mount(arena, container, &plan->mounts[i],
                                    &container->sources[i], err) < 0)
            return -1;
    for (int k = 0; k < PLAN_NS_COUNT; k++) {
        container->ns_fds[k] = -1;
        const plan_namespace_t *ns = &plan->namespaces[k];
        if (ns->action == PLAN_NS_JOIN &&
            (container->ns_fds[k] = open(ns->path, O_RDONLY | O_CLOEXEC)) < 0)
            return error_set_errno(err, errno, "cannot open %s namespace %s",
                                   plan_namespace_names[k], ns->path);
    }
    container->cgroup_fd = -1;
    if (plan->cgroup_path &&
        (container->cgroup_fd = cgroup_open(plan->cgroup_path, err)) < 0)
        return -1;
    if (seccomp_compile(arena, plan->seccomp, &container->seccomp, err) < 0)
        return -1;
    return container_prepare_env(arena, container, caller_env, err);
}

/* ---- namespaces ---- */

static int container_write_file(const char *path, const char *text, rp_error_t *err)
{
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0)
        return error_set_errno(err, errno, "cannot open %s", path);
    ssize_t written = write(fd, text, strlen(text));
    int saved = errno;
    close(fd);
    if (written != (ssize_t)strlen(text))
        return error_set_errno(err, saved, "cannot write %s", path);
    return 0;
}

static int container_id_maps(const plan_t *plan, pid_t pid, rp_error_t *err)
{
    char line[64], path[64];
    snprintf(path, sizeof path, "/proc/%d/setgroups", (int)pid);
    if (plan->deny_setgroups && container_write_file(path, "deny", err) < 0)
        return -1;
    snprintf(line, sizeof line, "%u %u %u\n", plan->uid_map.inside,
             plan->uid_map.outside, plan->uid_map.count);
    snprintf(path, sizeof path, "/proc/%d/uid_map", (int)pid);
    if (container_write_file(path, line, err) < 0)
        return -1;
    snprintf(line, sizeof line, "%u %u %u\n", plan->gid_map.inside,
             plan->gid_map.outside, plan->gid_map.count);
    snprintf(path, sizeof path, "/proc/%d/gid_map", (int)pid);
    return container_write_file(path, line, err);
}

/* Maps of more than one id must be written from the parent user
 * namespace: a short-lived helper forked before unshare() does it. */
static pid_t container_map_helper(const plan_t *plan, int *wake)
{
    int pipes[2];
    if (pipe2(pipes, O_CLOEXEC) < 0)
        return -1;
    pid_t pid = fork();
    if (pid == 0) {
        rp_error_t err;
        char byte;
        close(pipes[1]);
        if (read(pipes[0], &byte, 1) != 1)
            _exit(EXIT_SETUP);
        if (container_id_maps(plan, getppid(), &err) < 0) {
            error_print(&err);
            _exit(EXIT_SETUP);
        }
        _exit(EXIT_OK);
    }
    close(pipes[0]);
    *wake = pipes[1];
    return pid;
}

static int container_user_namespace(const plan_t *plan, pid_t helper, int wake,
                                    rp_error_t *err)
{
    if (helper < 0)
        return container_id_maps(plan, getpid(), err);
    int status;
    if (write(wake, "m", 1) != 1 || waitpid(helper, &status, 0) < 0 ||
        !WIFEXITED(status) || WEXITSTATUS(status) != 0)
        return error_set(err, "cannot write the uid/gid maps");
    close(wake);
    return 0;
}

/* Whether a range of a map file (INSIDE OUTSIDE COUNT lines) holds
 * inside id `id`, with outside id `outside` unless that is -1. */
static bool container_id_mapped(const char *map, unsigned long id, int64_t outside)
{
    FILE *file = fopen(map, "re");
    unsigned long first, base, count;
    bool mapped = false;
    while (file && !mapped &&
           fscanf(file, "%lu %lu %lu", &first, &base, &count) == 3)
        mapped = id >= first && id - first < count &&
                 (outside < 0 || (int64_t)(base + (id - first)) == outside);
    if (file)
        fclose(file);
    return mapped;
}

/* Whether our user namespace is the parent of namespace `fd`: then the
 * outside ids of its maps are our ids. */
static bool container_parent_of(int fd)
{
    struct stat ours, theirs;
    int parent = ioctl(fd, CONTAINER_NS_GET_PARENT);
    bool same = parent >= 0 && fstat(parent, &theirs) == 0 &&
                stat("/proc/self/ns/user", &ours) == 0 &&
                ours.st_ino == theirs.st_ino && ours.st_dev == theirs.st_dev;
    if (parent >= 0)
        close(parent);
    return same;
}

/* A joined user namespace has maps of its own. The caller must be mapped
 * there (it builds the root; an unmapped id shows as the overflow id,
 * which the map may well contain: its outside id tells). The program's
 * ids are the caller's as mapped there unless the plan names others;
 * those must be mapped too. */
static int container_join_user(container_t *container, rp_error_t *err)
{
    const plan_t *plan = container->plan;
    const char *path = plan->namespaces[PLAN_NS_USER].path;
    int fd = container->ns_fds[PLAN_NS_USER];
    int64_t uid = getuid(), gid = getgid();
    if (!container_parent_of(fd))
        uid = gid = -1; /* outside ids of another namespace: the kernel's
                           own refusal of unmapped ids remains */
    if (setns(fd, CLONE_NEWUSER) < 0)
        return error_set_errno(err, errno, "cannot join user namespace %s", path);
    if (!container_id_mapped("/proc/self/uid_map", getuid(), uid) ||
        !container_id_mapped("/proc/self/gid_map", getgid(), gid))
        return error_set(err, "cannot run in user namespace %s: the caller's "
                         "ids are not mapped there", path);
    if (plan->keep_caller_uid)
        container->uid = getuid();
    if (plan->keep_caller_gid)
        container->gid = getgid();
    if (!container_id_mapped("/proc/self/uid_map", container->uid, -1))
        return error_set(err, "cannot run as uid %u in user namespace %s: it "
                         "is not mapped there", (unsigned)container->uid, path);
    if (!container_id_mapped("/proc/self/gid_map", container->gid, -1))
        return error_set(err, "cannot run as gid %u in user namespace %s: it "
                         "is not mapped there", (unsigned)container->gid, path);
    return 0;
}

/* Joins first (while the caller's privileges still count), then every
 * new namespace at once so they all belong to the new user namespace. */
static int container_enter_namespaces(container_t *container, rp_error_t *err)
{
    const plan_t *plan = container->plan;
    bool new_user = plan->namespaces[PLAN_NS_USER].action == PLAN_NS_NEW;
    int flags = 0, wake = -1;
    if (plan->drop_groups && getuid() == 0 && setgroups(0, NULL) < 0)
        return error_set_errno(err, errno, "cannot drop supplementary groups");
    for (int k = 0; k < PLAN_NS_COUNT; k++) {
        if (k == PLAN_NS_USER && container->ns_fds[k] >= 0) {
            if (container_join_user(container, err) < 0)
                return -1;
        } else if (container->ns_fds[k] >= 0 && setns(container->ns_fds[k], 0) < 0)
            return error_set_errno(err, errno, "cannot join %s namespace %s",
                                   plan_namespace_names[k],
                                   plan->namespaces[k].path);
        /* mount and pid namespaces are the child's own: redwrap keeps the
           host's view and can still fork after pid 1 is gone */
        if (plan->namespaces[k].action == PLAN_NS_NEW && k != PLAN_NS_MOUNT &&
            k != PLAN_NS_PID)
            flags |= container_ns_flags[k];
    }
    pid_t helper = new_user && plan->uid_map.count > 1
                       ? container_map_helper(plan, &wake) : -1;
    if (unshare(flags) < 0)
        return error_set_errno(err, errno, "cannot create namespaces (unshare %#x)",
                               (unsigned)flags);
    return new_user ? container_user_namespace(plan, helper, wake, err) : 0;
}

static int container_loopback_up(rp_error_t *err)
{
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    struct ifreq request = {0};
    strcpy(request.ifr_name, "lo");
    int result = fd < 0 ? -1 : ioctl(fd, SIOCGIFFLAGS, &request);
    if (result == 0) {
        request.ifr_flags |= IFF_UP;
        result = ioctl(fd, SIOCSIFFLAGS, &request);
    }
    int saved = errno;
    if (fd >= 0)
        close(fd);
    return result < 0 ? error_set_errno(err, saved, "cannot bring up loopback") : 0;
}

/* ---- processes ---- */

static volatile pid_t container_forward_to;

static void container_forward(int sig)
{
    if (container_forward_to > 0)
        kill(container_forward_to, sig);
}

static const int container_forwarded[] = {SIGTERM, SIGINT, SIGHUP};

static void container_signals(bool forward, sigset_t *saved)
{
    sigset_t set;
    sigemptyset(&set);
    for (size_t i = 0; i < 3; i++)
        sigaddset(&set, container_forwarded[i]);
    if (!saved) { /* in a new child: defaults, then unblock */
        for (size_t i = 0; i < 3; i++)
            signal(container_forwarded[i], SIG_DFL);
        sigprocmask(SIG_UNBLOCK, &set, NULL);
        return;
    }
    if (forward) {
        struct sigaction action = {.sa_handler = container_forward};
        for (size_t i = 0; i < 3; i++)
            sigaction(container_forwarded[i], &action, NULL);
        sigprocmask(SIG_SETMASK, saved, NULL);
    } else
        sigprocmask(SIG_BLOCK, &set, saved);
}

static int container_status(int status)
{
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* The container's first process: a new pid namespace is made here, not
 * by unshare() in redwrap, so redwrap can still fork once pid 1 is gone;
 * clone3() places it into the plan's cgroup (the cgroup module's hook). */
static pid_t container_spawn(const container_t *container)
{
    uint64_t flags = container->plan->namespaces[PLAN_NS_PID].action == PLAN_NS_NEW
                         ? CLONE_NEWPID : 0;
    rp_error_t ignored; /* callers report errno */
    return cgroup_spawn(container->cgroup_fd, flags, &ignored);
}

/* Children are created with the forwarded signals blocked; the parent
 * installs the forwarding handler once it knows the child's pid. */
static pid_t container_fork_forwarding(const container_t *container, bool first)
{
    sigset_t saved;
    container_signals(false, &saved);
    pid_t pid = first ? container_spawn(container) : fork();
    if (pid == 0) {
        container_signals(false, NULL);
        return 0;
    }
    container_forward_to = pid;
    container_signals(true, &saved);
    return pid;
}

/* Descriptors the caller left open (a directory of the host, a socket)
 * would be ways out: only stdin, stdout and stderr reach the program. */
static void container_close_inherited(void)
{
    if (syscall(SYS_close_range, 3U, ~0U, CONTAINER_CLOSE_RANGE_CLOEXEC) == 0)
        return;
    long last = sysconf(_SC_OPEN_MAX);
    for (int fd = 3; fd < (last > 0 && last < 65536 ? last : 65536); fd++)
        fcntl(fd, F_SETFD, FD_CLOEXEC);
}

static noreturn void container_exec(const container_t *container)
{
    const plan_t *plan = container->plan;
    rp_error_t err;
    if ((plan->new_session && setsid() < 0 &&
         error_set_errno(&err, errno, "cannot create a new session")) ||
        credentials_apply(plan, container->uid, container->gid, &err) < 0 ||
        (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 &&
         error_set_errno(&err, errno, "cannot set no-new-privs")) ||
        (plan->namespaces[PLAN_NS_PID].action != PLAN_NS_NEW &&
         prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0 &&
         error_set_errno(&err, errno, "cannot set the parent-death signal")) ||
        seccomp_load(&container->seccomp, &err) < 0) {
        error_print(&err);
        _exit(EXIT_SETUP);
    }
    environ = container->envp;
    container_close_inherited();
    execvp(plan->argv[0], plan->argv);
    int code = errno == ENOENT ? EXIT_NOT_FOUND : EXIT_CANNOT_EXEC;
    fprintf(stderr, "%s: cannot execute %s: %s\n", log_program(), plan->argv[0],
            strerror(errno));
    _exit(code);
}

/* pid 1 of the new pid namespace: reap everything, exit like the program. */
static noreturn void container_init(const container_t *container)
{
    pid_t program = container_fork_forwarding(container, false);
    if (program < 0) {
        fprintf(stderr, "%s: cannot fork: %s\n", log_program(), strerror(errno));
        _exit(EXIT_SETUP);
    }
    if (program == 0)
        container_exec(container);
    for (;;) {
        int status;
        pid_t pid = wait(&status);
        if (pid == program) {
            int code = container_status(status);
            /* redwrap returns on this report (as bwrap does): the kernel
               tearing down the mounts and the pid namespace after pid 1
               exits need not keep the caller waiting */
            ssize_t sent = write(container->report_fd, &code, sizeof code);
            _exit(sent == sizeof code ? code : EXIT_SETUP);
        }
        if (pid < 0 && errno != EINTR)
            _exit(EXIT_SETUP);
    }
}

static noreturn void container_child(const container_t *container)
{
    const plan_t *plan = container->plan;
    rp_error_t err;
    if ((prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0 &&
         error_set_errno(&err, errno, "cannot set the parent-death signal")) ||
        (unshare(CLONE_NEWNS) < 0 &&
         error_set_errno(&err, errno, "cannot create the mount namespace")) ||
        rootfs_build(plan, container->sources, &err) < 0 ||
        (plan->hostname && sethostname(plan->hostname, strlen(plan->hostname)) < 0 &&
         error_set_errno(&err, errno, "cannot set hostname %s", plan->hostname)) ||
        (plan->namespaces[PLAN_NS_NET].action == PLAN_NS_NEW &&
         container_loopback_up(&err) < 0)) {
        error_print(&err);
        _exit(EXIT_SETUP);
    }
    if (plan->namespaces[PLAN_NS_PID].action == PLAN_NS_NEW)
        container_init(container);
    container_exec(container);
}

int container_start(arena_t *arena, const plan_t *plan, container_process_t *process)
{
    container_t container = {.plan = plan, .uid = plan->uid, .gid = plan->gid};
    rp_error_t err;
    pid_t parent = getppid();
    int report[2];
    if (container_prepare(arena, &container, environ, &err) < 0 ||
        (plan->die_with_parent && (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0 ||
                                   getppid() != parent) &&
         error_set(&err, "cannot follow the parent process")) ||
        container_enter_namespaces(&container, &err) < 0 ||
        (pipe2(report, O_CLOEXEC) < 0 &&
         error_set_errno(&err, errno, "cannot create the status pipe"))) {
        error_print(&err);
        return EXIT_SETUP;
    }
    container.report_fd = report[1];
    pid_t child = container_fork_forwarding(&container, true);
    if (child < 0) {
        error_set_errno(&err, errno, "cannot fork");
        error_print(&err);
        return EXIT_SETUP;
    }
    if (child == 0) {
        close(report[0]);
        container_child(&container);
    }
    close(report[1]);
    *process = (container_process_t){.child = child, .report_fd = report[0]};
    return 0;
}

/* The status pid 1 reports, else (no pid namespace: the pipe closed when
 * the child became the program; or pid 1 failed) the child's own. */
int container_wait(container_process_t *process)
{
    int status;
    ssize_t got;
    while ((got = read(process->report_fd, &status, sizeof status)) < 0 &&
           errno == EINTR)
        continue;
    close(process->report_fd);
    if (got == sizeof status)
        return status;
    while (waitpid(process->child, &status, 0) < 0)
        if (errno != EINTR)
            return EXIT_SETUP;
    return container_status(status);
}

int container_run(arena_t *arena, const plan_t *plan)
{
    container_process_t process;
    int result = container_start(arena, plan, &process);
    return result ? result : container_wait(&process);
}
