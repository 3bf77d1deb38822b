/* escape: a static helper tests/escape.t runs inside nodes. Each command
 * tries one way out of the container and prints "ok" when it worked or
 * "error: REASON" when it was refused (exit 0 either way, so the test
 * compares text). A seccomp kill shows as the death of the helper.
 *
 *   escape syscall NAME          call a dangerous syscall with harmless
 *                                arguments (bpf, kexec_load, init_module,
 *                                finit_module, delete_module, keyctl,
 *                                add_key, request_key, userfaultfd,
 *                                perf_event_open, getppid)
 *   escape chroot-break MARKER   classic chroot escape, then look for the
 *                                host's MARKER file
 *   escape remount-rw PATH       make a read-only bind writable
 *   escape write PATH            create/append to a file
 *   escape read PATH             read a file (prints its first line)
 *   escape userns                unshare(CLONE_NEWUSER) and then a mount
 *                                namespace, to regain capabilities
 *   escape kill PID | ptrace PID signal / attach a (host) process
 *   escape exec PATH             execute (setuid / file capability tests)
 *   escape tiocsti               push a byte into fd 0's terminal
 *   escape caps                  "caps=HEX euid=N": effective capabilities
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

static int report(long result)
{
    if (result < 0)
        printf("error: %s\n", strerror(errno));
    else
        printf("ok\n");
    return 0;
}

static int try_syscall(const char *name)
{
    static const struct {
        const char *name;
        long number;
    } calls[] = {
        {"bpf", SYS_bpf},
        {"kexec_load", SYS_kexec_load},
        {"init_module", SYS_init_module},
        {"finit_module", SYS_finit_module},
        {"delete_module", SYS_delete_module},
        {"keyctl", SYS_keyctl},
        {"add_key", SYS_add_key},
        {"request_key", SYS_request_key},
        {"userfaultfd", SYS_userfaultfd},
        {"perf_event_open", SYS_perf_event_open},
        {"getppid", SYS_getppid},
    };
    for (size_t i = 0; i < sizeof calls / sizeof calls[0]; i++) {
        if (strcmp(calls[i].name, name))
            continue;
        /* harmless arguments: the call fails on them even when allowed,
         * but with EINVAL/EFAULT/EBADF/ENOENT rather than EPERM */
        if (calls[i].number == SYS_finit_module)
            return report(syscall(SYS_finit_module, -1, "", 0));
        if (calls[i].number == SYS_delete_module)
            return report(syscall(SYS_delete_module, "redpak_no_such_module", 0));
        if (calls[i].number == SYS_add_key)
            return report(syscall(SYS_add_key, "user", "redpak", "x", 1, -5 /* bad ring */));
        return report(syscall(calls[i].number, 0, 0, 0, 0, 0));
    }
    fprintf(stderr, "escape: unknown syscall %s\n", name);
    return 2;
}

/* mkdir x; chroot x; cd ../../..; chroot . — works only with
 * CAP_SYS_CHROOT and a root that is a plain chroot. */
static int chroot_break(const char *marker)
{
    mkdir("/tmp/escape-chroot", 0700);
    if (chroot("/tmp/escape-chroot") < 0)
        return report(-1);
    for (int i = 0; i < 64; i++)
        if (chdir("..") < 0)
            return report(-1);
    if (chroot(".") < 0)
        return report(-1);
    if (access(marker, F_OK) < 0) {
        printf("error: host root not reached: %s\n", strerror(errno));
        return 0;
    }
    return report(0);
}

static int read_first_line(const char *path)
{
    char line[256];
    FILE *file = fopen(path, "r");
    if (!file)
        return report(-1);
    if (!fgets(line, sizeof line, file))
        line[0] = 0;
    fclose(file);
    printf("ok %s", line);
    return 0;
}

static int write_file(const char *path)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (fd < 0)
        return report(-1);
    long written = write(fd, "escaped\n", 8);
    close(fd);
    return report(written);
}

/* A new user namespace grants every capability inside it: with a new
 * mount namespace that would allow remounting what the node made
 * read-only. */
static int user_namespace(void)
{
    if (unshare(CLONE_NEWUSER) < 0)
        return report(-1);
    return report(unshare(CLONE_NEWNS));
}

static int tiocsti(void)
{
    char byte = '#';
    return report(ioctl(STDIN_FILENO, TIOCSTI, &byte));
}

static int caps(void)
{
    char line[256];
    FILE *status = fopen("/proc/self/status", "r");
    if (!status)
        return report(-1);
    while (fgets(line, sizeof line, status))
        if (strncmp(line, "CapEff:", 7) == 0)
            printf("caps=%s euid=%u\n", strtok(line + 7, " \t\n"), geteuid());
    fclose(status);
    return 0;
}

int main(int argc, char **argv)
{
    const char *command = argc > 1 ? argv[1] : "";
    const char *arg = argc > 2 ? argv[2] : NULL;
    setvbuf(stdout, NULL, _IONBF, 0); /* a seccomp kill must not eat output */
    if (!strcmp(command, "syscall") && arg)
        return try_syscall(arg);
    if (!strcmp(command, "chroot-break") && arg)
        return chroot_break(arg);
    if (!strcmp(command, "remount-rw") && arg)
        return report(mount(NULL, arg, NULL, MS_REMOUNT | MS_BIND, NULL));
    if (!strcmp(command, "write") && arg)
        return write_file(arg);
    if (!strcmp(command, "read") && arg)
        return read_first_line(arg);
    if (!strcmp(command, "userns"))
        return user_namespace();
    if (!strcmp(command, "kill") && arg)
        return report(kill(atoi(arg), SIGTERM));
    if (!strcmp(command, "ptrace") && arg)
        return report(ptrace(PTRACE_ATTACH, atoi(arg), NULL, NULL));
    if (!strcmp(command, "exec") && arg) {
        execv(arg, argv + 2);
        return report(-1);
    }
    if (!strcmp(command, "tiocsti"))
        return tiocsti();
    if (!strcmp(command, "caps"))
        return caps();
    fprintf(stderr, "usage: escape COMMAND [ARG] (see tests/helpers/escape.c)\n");
    return 2;
}
