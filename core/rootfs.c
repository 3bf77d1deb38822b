#include "rootfs.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "mounts.h"

/* The new mount API (Linux 5.2/5.12); musl has no wrappers or constants. */
#ifndef MOUNT_ATTR_RDONLY
#define MOUNT_ATTR_RDONLY 0x1
#define MOUNT_ATTR_NOSUID 0x2
#define MOUNT_ATTR_NODEV 0x4
#define MOUNT_ATTR_NOEXEC 0x8
#endif
#ifndef OPEN_TREE_CLONE
#define OPEN_TREE_CLONE 1
#endif
#ifndef MOVE_MOUNT_F_EMPTY_PATH
#define MOVE_MOUNT_F_EMPTY_PATH 0x4
#define MOVE_MOUNT_T_EMPTY_PATH 0x40
#endif
#ifndef AT_RECURSIVE
#define AT_RECURSIVE 0x8000
#endif

struct rootfs_mount_attr {
    uint64_t attr_set, attr_clr, propagation, userns_fd;
};

#define NEWROOT "/newroot" /* inside the staging tmpfs */
#define OLDROOT "/oldroot"

static int rootfs_fail(rp_error_t *err, const char *step, const char *path)
{
    return error_set_errno(err, errno, "cannot %s %s", step, path);
}

/* ---- mount points, created without following symlinks ---- */

/* Open (creating if needed) the mount point `target` below NEWROOT: every
 * component must be a real directory, so a symlink in a bound tree cannot
 * redirect a mount outside the new root. Returns an O_PATH fd. */
static int rootfs_mount_point(const char *target, bool file, rp_error_t *err)
{
    int dir = open(NEWROOT, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (dir < 0)
        return rootfs_fail(err, "open", NEWROOT);
    char component[NAME_MAX + 1];
    for (const char *p = target; *p;) {
        while (*p == '/')
            p++;
        size_t length = strcspn(p, "/");
        if (length > NAME_MAX) {
            close(dir);
            errno = ENAMETOOLONG;
            return rootfs_fail(err, "create mount point", target);
        }
        memcpy(component, p, length);
        component[length] = '\0';
        p += length;
        bool last = *p == '\0' || strspn(p, "/") == strlen(p);
        if (last && file) {
            if (mknodat(dir, component, S_IFREG | 0644, 0) < 0 && errno != EEXIST)
                goto fail;
        } else if (mkdirat(dir, component, 0755) < 0 && errno != EEXIST)
            goto fail;
        int next = openat(dir, component, O_PATH | O_NOFOLLOW | O_CLOEXEC |
                          (last && file ? 0 : O_DIRECTORY));
        if (next < 0)
            goto fail;
        close(dir);
        dir = next;
        if (last)
            break;
    }
    return dir;
fail:
    close(dir);
    return rootfs_fail(err, "create mount point", target);
}

static char *rootfs_inside(char *buffer, const char *target)
{
    snprintf(buffer, PATH_MAX, NEWROOT "%s", target);
    return buffer;
}

/* Mount flags are checked after mounting: a mount that silently lost
 * `ro`, `nosuid` or `nodev` would betray the configuration. */
static int rootfs_verify(const char *path, unsigned long wanted, rp_error_t *err)
{
    struct statvfs info;
    if (statvfs(path, &info) < 0)
        return rootfs_fail(err, "check", path);
    if ((info.f_flag & wanted) != wanted)
        return error_set(err, "cannot check %s: mount flags %#lx lack %#lx",
                         path, info.f_flag, wanted);
    return 0;
}

/* ---- bind mounts without the new mount API (Linux < 5.12) ---- */

/* Flags a remount must repeat: the kernel refuses to clear the ones
 * locked in a user namespace, and a read-only submount stays so.
 * statvfs() reports them with their MS_* values. */
#define ROOTFS_KEPT_FLAGS (MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC | \
                           MS_NOATIME | MS_NODIRATIME | MS_RELATIME)

static int rootfs_remount(const char *path, unsigned long flags, rp_error_t *err)
{
    struct statvfs info;
    if (statvfs(path, &info) < 0)
        return rootfs_fail(err, "check", path);
    flags |= info.f_flag & ROOTFS_KEPT_FLAGS;
    if (mount(NULL, path, NULL, MS_REMOUNT | MS_BIND | flags, NULL) < 0)
        return rootfs_fail(err, "remount", path);
    return rootfs_verify(path, flags & ROOTFS_KEPT_FLAGS, err);
}

/* The mount point (fifth field) of a mountinfo line, unescaped. */
static char *rootfs_mount_point_of(char *line)
{
    for (int field = 0; field < 4 && line; field++)
        if ((line = strchr(line, ' ')))
            line++;
    if (!line)
        return NULL;
    line[strcspn(line, " ")] = '\0';
    mounts_unescape(line);
    return line;
}

/* Every mount at or below `target` gets `flags`, submounts included: a
 * remount changes one mount only. Runs only where mount_setattr() is
 * missing, so a normal start never reads mountinfo. */
static int rootfs_remount_tree(const char *target, unsigned long flags,
                               rp_error_t *err)
{
    FILE *info = fopen(OLDROOT "/proc/self/mountinfo", "re");
    if (!info)
        return rootfs_fail(err, "open", "/proc/self/mountinfo");
    size_t length = strlen(target), size = 0;
    char *line = NULL;
    int result = 0;
    while (result == 0 && getline(&line, &size, info) > 0) {
        char *point = rootfs_mount_point_of(line);
        if (point && strncmp(point, target, length) == 0 &&
            (point[length] == '\0' || point[length] == '/'))
            result = rootfs_remount(point, flags, err);
    }
    free(line);
    fclose(info);
    return result;
}

static int rootfs_bind_legacy(const char *source, const char *target,
                              unsigned long flags, rp_error_t *err)
{
    if (mount(source, target, NULL, MS_BIND | MS_REC, NULL) < 0)
        return error_set_errno(err, errno, "cannot bind %s onto %s",
                               source, target);
    return rootfs_remount_tree(target, flags, err);
}

/* ---- bind mounts ---- */

/* Recursive bind of `source` onto `target` (both absolute paths in the
 * current root) with `attributes` applied to every mount of the copied
 * tree before it becomes visible. */
static int rootfs_bind(const char *source, const char *target,
                       uint64_t attributes, rp_error_t *err)
{
    unsigned long flags = (attributes & MOUNT_ATTR_RDONLY ? MS_RDONLY : 0) |
                          (attributes & MOUNT_ATTR_NOSUID ? MS_NOSUID : 0) |
                          (attributes & MOUNT_ATTR_NODEV ? MS_NODEV : 0) |
                          (attributes & MOUNT_ATTR_NOEXEC ? MS_NOEXEC : 0);
    int tree = (int)syscall(SYS_open_tree, AT_FDCWD, source,
                            OPEN_TREE_CLONE | O_CLOEXEC | AT_RECURSIVE);
    if (tree < 0 && errno == ENOSYS)
        return rootfs_bind_legacy(source, target, flags, err);
    if (tree < 0)
        return error_set_errno(err, errno, "cannot bind %s onto %s", source, target);
    struct rootfs_mount_attr attr = {.attr_set = attributes};
    int result = 0;
    if (syscall(SYS_mount_setattr, tree, "", AT_EMPTY_PATH | AT_RECURSIVE,
                &attr, sizeof attr) < 0) {
        int saved = errno;
        close(tree); /* Linux 5.2 to 5.11: open_tree() but no mount_setattr() */
        if (saved == ENOSYS)
            return rootfs_bind_legacy(source, target, flags, err);
        errno = saved;
        return rootfs_fail(err, "set mount attributes of", target);
    }
    if (syscall(SYS_move_mount, tree, "", AT_FDCWD, target,
                MOVE_MOUNT_F_EMPTY_PATH) < 0)
        result = error_set_errno(err, errno, "cannot bind %s onto %s",
                                 source, target);
    close(tree);
    return result < 0 ? -1 : rootfs_verify(target, flags, err);
}

static int rootfs_bind_export(const plan_mount_t *mount,
                              const rootfs_source_t *source, rp_error_t *err)
{
    char host[PATH_MAX], target[PATH_MAX];
    snprintf(host, sizeof host, OLDROOT "%s", source->path);
    int point = rootfs_mount_point(mount->target, mount->flags & PLAN_MOUNT_FILE, err);
    if (point < 0)
        return -1;
    close(point);
    uint64_t attributes = MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV |
                          (mount->flags & PLAN_MOUNT_READONLY ? MOUNT_ATTR_RDONLY : 0);
    if (rootfs_bind(host, rootfs_inside(target, mount->target), attributes, err) < 0) {
        /* name the host path, not its staging alias */
        snprintf(err->message, sizeof err->message, "cannot bind %s onto %s: %s",
                 source->path, mount->target, strerror(err->errnum));
        return -1;
    }
    return 0;
}

/* Execfd output and Internal content: a file of the staging tmpfs (which
 * is detached at the end) bound read-only at the target. */
static int rootfs_data(const plan_mount_t *mount, const rootfs_source_t *source,
                       size_t index, rp_error_t *err)
{
    char staged[64], target[PATH_MAX];
    snprintf(staged, sizeof staged, "/data-%zu", index);
    int fd = open(staged, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0)
        return rootfs_fail(err, "create", staged);
    ssize_t written = source->data_length ? write(fd, source->data, source->data_length) : 0;
    close(fd);
    if (written < 0 || (size_t)written != source->data_length)
        return rootfs_fail(err, "write", mount->target);
    int point = rootfs_mount_point(mount->target, true, err);
    if (point < 0)
        return -1;
    close(point);
    return rootfs_bind(staged, rootfs_inside(target, mount->target),
                       MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV, err);
}

/* ---- file systems ---- */

static int rootfs_tmpfs(const char *target, unsigned mode, rp_error_t *err)
{
    char path[PATH_MAX], options[32];
    int point = rootfs_mount_point(target, false, err);
    if (point < 0)
        return -1;
    close(point);
    snprintf(options, sizeof options, "mode=%04o", mode);
    if (mount("tmpfs", rootfs_inside(path, target), "tmpfs",
              MS_NOSUID | MS_NODEV, options) < 0)
        return rootfs_fail(err, "mount tmpfs on", target);
    return rootfs_verify(path, ST_NOSUID | ST_NODEV, err);
}

/* A new proc for the container's pid namespace (the host's, bound, when
 * the pid namespace is shared); kernel knobs read-only in both cases. */
static int rootfs_proc(const char *target, rp_error_t *err)
{
    static const char *const readonly[] = {"sys", "sysrq-trigger", "irq", "bus"};
    char path[PATH_MAX], part[PATH_MAX + 16];
    int point = rootfs_mount_point(target, false, err);
    if (point < 0)
        return -1;
    close(point);
    rootfs_inside(path, target);
    if (mount("proc", path, "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0 &&
        rootfs_bind(OLDROOT "/proc", path, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV |
                    MOUNT_ATTR_NOEXEC, err) < 0)
        return rootfs_fail(err, "mount proc on", target);
    for (size_t i = 0; i < sizeof readonly / sizeof readonly[0]; i++) {
        snprintf(part, sizeof part, "%s/%s", path, readonly[i]);
        if (access(part, F_OK) < 0)
            continue;
        if (rootfs_bind(part, part, MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID |
                        MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC, err) < 0)
            return -1;
    }
    return 0;
}

static int rootfs_dev_nodes(const char *dev, rp_error_t *err)
{
    static const char *const nodes[] = {"null", "zero", "full", "random",
                                        "urandom", "tty"};
    char host[PATH_MAX], path[PATH_MAX + 16];
    for (size_t i = 0; i < sizeof nodes / sizeof nodes[0]; i++) {
        snprintf(path, sizeof path, "%s/%s", dev, nodes[i]);
        snprintf(host, sizeof host, OLDROOT "/dev/%s", nodes[i]);
        int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
        if (fd < 0)
            return rootfs_fail(err, "create", path);
        close(fd);
        /* devices need `dev`; they come from the host's own /dev */
        if (rootfs_bind(host, path, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC, err) < 0)
            return -1;
    }
    return 0;
}

static int rootfs_dev_links(const char *dev, rp_error_t *err)
{
    static const char *const links[][2] = {
        {"ptmx", "pts/ptmx"}, {"fd", "/proc/self/fd"}, {"stdin", "/proc/self/fd/0"},
        {"stdout", "/proc/self/fd/1"}, {"stderr", "/proc/self/fd/2"},
    };
    char path[PATH_MAX + 16];
    for (size_t i = 0; i < sizeof links / sizeof links[0]; i++) {
        snprintf(path, sizeof path, "%s/%s", dev, links[i][0]);
        if (symlink(links[i][1], path) < 0)
            return rootfs_fail(err, "create symlink", path);
    }
    return 0;
}

/* A minimal /dev: a few host devices, a private devpts, shm. */
static int rootfs_dev(const char *target, rp_error_t *err)
{
    char dev[PATH_MAX], path[PATH_MAX + 16];
    if (rootfs_tmpfs(target, 0755, err) < 0)
        return -1;
    rootfs_inside(dev, target);
    if (rootfs_dev_nodes(dev, err) < 0)
        return -1;
    snprintf(path, sizeof path, "%s/pts", dev);
    if (mkdir(path, 0755) < 0 ||
        mount("devpts", path, "devpts", MS_NOSUID | MS_NOEXEC,
              "newinstance,ptmxmode=0666,mode=620") < 0)
        return rootfs_fail(err, "mount devpts on", path + strlen(NEWROOT));
    snprintf(path, sizeof path, "%s/shm", dev);
    if (mkdir(path, 0755) < 0 ||
        mount("tmpfs", path, "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777") < 0)
        return rootfs_fail(err, "mount tmpfs on", path + strlen(NEWROOT));
    return rootfs_dev_links(dev, err);
}

static int rootfs_mqueue(const char *target, rp_error_t *err)
{
    char path[PATH_MAX];
    int point = rootfs_mount_point(target, false, err);
    if (point < 0)
        return -1;
    close(point);
    if (mount("mqueue", rootfs_inside(path, target), "mqueue",
              MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
        return rootfs_fail(err, "mount mqueue on", target);
    return 0;
}

static int rootfs_symlink(const plan_mount_t *mount, rp_error_t *err)
{
    char parent[PATH_MAX];
    const char *slash = strrchr(mount->target, '/');
    snprintf(parent, sizeof parent, "%.*s", (int)(slash - mount->target),
             mount->target);
    int dir = parent[0] ? rootfs_mount_point(parent, false, err)
                        : open(NEWROOT, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (dir < 0)
        return -1;
    int result = symlinkat(mount->source, dir, slash + 1);
    close(dir);
    return result < 0 ? rootfs_fail(err, "create symlink", mount->target) : 0;
}

static int rootfs_mount(const plan_mount_t *mount, const rootfs_source_t *source,
                        size_t index, rp_error_t *err)
{
    if (source->skip)
        return 0;
    verbose("mount %s%s%s", mount->target, mount->source ? " from " : "",
            mount->source ? mount->source : "");
    switch (mount->kind) {
    case PLAN_MOUNT_BIND:
    case PLAN_MOUNT_LOCK:
        return rootfs_bind_export(mount, source, err);
    case PLAN_MOUNT_TMPFS:
        return rootfs_tmpfs(mount->target, mount->tmpfs_mode, err);
    case PLAN_MOUNT_PROC:
        return rootfs_proc(mount->target, err);
    case PLAN_MOUNT_DEV:
        return rootfs_dev(mount->target, err);
    case PLAN_MOUNT_MQUEUE:
        return rootfs_mqueue(mount->target, err);
    case PLAN_MOUNT_SYMLINK:
        return rootfs_symlink(mount, err);
    case PLAN_MOUNT_DATA:
        return rootfs_data(mount, source, index, err);
    }
    return error_set(err, "unknown mount kind for %s", mount->target);
}

/* ---- the sequence ---- */

/* The staging tmpfs is mounted over the host root itself, so no host
 * directory (not even /tmp) has to exist or be writable. A path walk
 * starting at "/" still lands on the host root, but ".." from the root
 * crosses into what is mounted on it: "/.." is the staging tmpfs. */
static int rootfs_enter_staging(rp_error_t *err)
{
    struct stat host, staging;
    if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
        return rootfs_fail(err, "make private", "/");
    if (stat("/", &host) < 0 ||
        mount("tmpfs", "/", "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755") < 0)
        return rootfs_fail(err, "mount the staging tmpfs on", "/");
    if (chdir("/..") < 0 || stat(".", &staging) < 0)
        return rootfs_fail(err, "enter", "the staging tmpfs");
    if (staging.st_dev == host.st_dev)
        return error_set(err, "cannot enter the staging tmpfs: still on the host root");
    if (mkdir("." NEWROOT, 0755) < 0 || mkdir("." OLDROOT, 0755) < 0)
        return rootfs_fail(err, "prepare", "the staging tmpfs");
    if (syscall(SYS_pivot_root, ".", "." OLDROOT) < 0 || chdir("/") < 0)
        return rootfs_fail(err, "pivot_root to", "the staging tmpfs");
    if (mount("tmpfs", NEWROOT, "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755") < 0)
        return rootfs_fail(err, "mount tmpfs on", "/");
    return 0;
}

/* The new root becomes read-only; the staging tmpfs and the host root
 * under it are detached: no path leads back to the host. */
static int rootfs_leave_staging(rp_error_t *err)
{
    if (mount(NULL, NEWROOT, NULL, MS_REMOUNT | MS_BIND | MS_RDONLY |
              MS_NOSUID | MS_NODEV, NULL) < 0)
        return rootfs_fail(err, "remount read-only", "/");
    if (mount(NULL, OLDROOT, NULL, MS_REC | MS_PRIVATE, NULL) < 0 ||
        umount2(OLDROOT, MNT_DETACH) < 0)
        return rootfs_fail(err, "detach", "the host root");
    if (chdir(NEWROOT) < 0 || syscall(SYS_pivot_root, ".", ".") < 0 ||
        umount2(".", MNT_DETACH) < 0 || chdir("/") < 0)
        return rootfs_fail(err, "pivot_root to", "the new root");
    return 0;
}

int rootfs_build(const plan_t *plan, const rootfs_source_t *sources,
                 rp_error_t *err)
{
    if (rootfs_enter_staging(err) < 0)
        return -1;
    for (size_t i = 0; i < plan->mount_count; i++)
        if (rootfs_mount(&plan->mounts[i], &sources[i], i, err) < 0)
            return -1;
    return rootfs_leave_staging(err);
}
