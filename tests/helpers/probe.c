/* probe: a static helper the redwrap tests run inside containers. Each
 * command prints one fact (or tries one forbidden thing and prints what
 * happened), so tests compare plain text.
 *
 *   probe ids | caps | umask | cwd | hostname | env | ns | pid
 *   probe rlimit nofile|core|...     "SOFT HARD"
 *   probe write PATH                 "ok" or "error: strerror"
 *   probe read PATH                  file content
 *   probe tiocsti                    push a byte into fd 0's terminal
 *   probe exec PATH ARGS...          execv (setuid tests)
 *   probe orphans                    leave an orphan zombie, report if reaped
 *   probe mount                      try to mount a tmpfs on /tmp
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

extern char **environ;

static int probe_ids(void)
{
    gid_t groups[64];
    int count = getgroups(64, groups);
    printf("uid=%u euid=%u gid=%u egid=%u groups=", getuid(), geteuid(), getgid(),
           getegid());
    for (int i = 0; i < count; i++)
        printf("%s%u", i ? "," : "", groups[i]);
    printf("\n");
    return 0;
}

static int probe_caps(void)
{
    char line[256];
    FILE *status = fopen("/proc/self/status", "r");
    if (!status)
        return perror("/proc/self/status"), 1;
    while (fgets(line, sizeof line, status))
        if (strncmp(line, "Cap", 3) == 0 || strncmp(line, "NoNewPrivs", 10) == 0)
            fputs(line, stdout);
    fclose(status);
    return 0;
}

static int probe_rlimit(const char *name)
{
    static const struct { const char *name; int resource; } table[] = {
        {"nofile", RLIMIT_NOFILE}, {"nproc", RLIMIT_NPROC}, {"core", RLIMIT_CORE},
        {"as", RLIMIT_AS}, {"fsize", RLIMIT_FSIZE}, {"stack", RLIMIT_STACK},
        {"memlock", RLIMIT_MEMLOCK}, {"cpu", RLIMIT_CPU},
    };
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++) {
        if (strcmp(table[i].name, name) != 0)
            continue;
        struct rlimit limit;
        getrlimit(table[i].resource, &limit);
        if (limit.rlim_cur == RLIM_INFINITY)
            printf("unlimited ");
        else
            printf("%llu ", (unsigned long long)limit.rlim_cur);
        if (limit.rlim_max == RLIM_INFINITY)
            printf("unlimited\n");
        else
            printf("%llu\n", (unsigned long long)limit.rlim_max);
        return 0;
    }
    return 2;
}

static int probe_ns(void)
{
    static const char *const names[] = {"user", "mnt", "pid", "ipc", "uts",
                                        "net", "cgroup", "time"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        char path[64], target[128];
        snprintf(path, sizeof path, "/proc/self/ns/%s", names[i]);
        ssize_t length = readlink(path, target, sizeof target - 1);
        target[length < 0 ? 0 : length] = '\0';
        printf("%s %s\n", names[i], length < 0 ? strerror(errno) : target);
    }
    return 0;
}

static int probe_write(const char *path)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (fd < 0 || write(fd, "probe\n", 6) != 6) {
        printf("error: %s\n", strerror(errno));
        return 1;
    }
    close(fd);
    printf("ok\n");
    return 0;
}

static int probe_read(const char *path)
{
    char buffer[4096];
    int fd = open(path, O_RDONLY);
    if (fd < 0) {
        printf("error: %s\n", strerror(errno));
        return 1;
    }
    ssize_t got;
    while ((got = read(fd, buffer, sizeof buffer)) > 0)
        fwrite(buffer, 1, (size_t)got, stdout);
    close(fd);
    return 0;
}

static int probe_tiocsti(void)
{
    char byte = '#';
    if (ioctl(STDIN_FILENO, TIOCSTI, &byte) < 0) {
        printf("error: %s\n", strerror(errno));
        return 1;
    }
    printf("ok\n");
    return 0;
}

/* A grandchild orphaned to pid 1 exits; pid 1 must reap it. */
static int probe_orphans(void)
{
    int pipes[2];
    if (pipe(pipes) < 0)
        return 1;
    pid_t child = fork();
    if (child == 0) {
        pid_t grandchild = fork();
        if (grandchild == 0) {
            usleep(100000); /* exits once orphaned */
            _exit(0);
        }
        if (write(pipes[1], &grandchild, sizeof grandchild) < 0)
            _exit(1);
        _exit(0);
    }
    pid_t orphan;
    waitpid(child, NULL, 0);
    if (read(pipes[0], &orphan, sizeof orphan) != sizeof orphan)
        return 1;
    char path[64], stat[256];
    snprintf(path, sizeof path, "/proc/%d/stat", (int)orphan);
    for (int tries = 0; tries < 50; tries++) {
        usleep(50000);
        FILE *file = fopen(path, "r");
        if (!file) {
            printf("reaped\n");
            return 0;
        }
        if (!fgets(stat, sizeof stat, file))
            stat[0] = '\0';
        fclose(file);
    }
    printf("zombie: %s\n", stat);
    return 1;
}

static int probe_mount(void)
{
    if (mount("tmpfs", "/tmp", "tmpfs", 0, NULL) < 0) {
        printf("error: %s\n", strerror(errno));
        return 1;
    }
    printf("ok\n");
    return 0;
}

int main(int argc, char **argv)
{
    char buffer[PATH_MAX];
    const char *command = argc > 1 ? argv[1] : "";
    if (strcmp(command, "ids") == 0)
        return probe_ids();
    if (strcmp(command, "caps") == 0)
        return probe_caps();
    if (strcmp(command, "umask") == 0) {
        mode_t mask = umask(0);
        return printf("%04o\n", (unsigned)mask) < 0;
    }
    if (strcmp(command, "cwd") == 0)
        return puts(getcwd(buffer, sizeof buffer) ? buffer : strerror(errno)) < 0;
    if (strcmp(command, "hostname") == 0)
        return gethostname(buffer, sizeof buffer) < 0 || puts(buffer) < 0;
    if (strcmp(command, "pid") == 0)
        return printf("%d %d\n", (int)getpid(), (int)getppid()) < 0;
    if (strcmp(command, "env") == 0) {
        for (char **entry = environ; *entry; entry++)
            puts(*entry);
        return 0;
    }
    if (strcmp(command, "ns") == 0)
        return probe_ns();
    if (strcmp(command, "rlimit") == 0 && argc == 3)
        return probe_rlimit(argv[2]);
    if (strcmp(command, "write") == 0 && argc == 3)
        return probe_write(argv[2]);
    if (strcmp(command, "read") == 0 && argc == 3)
        return probe_read(argv[2]);
    if (strcmp(command, "tiocsti") == 0)
        return probe_tiocsti();
    if (strcmp(command, "exec") == 0 && argc >= 3) {
        execv(argv[2], argv + 2);
        printf("error: %s\n", strerror(errno));
        return 1;
    }
    if (strcmp(command, "orphans") == 0)
        return probe_orphans();
    if (strcmp(command, "mount") == 0)
        return probe_mount();
    fprintf(stderr, "usage: probe ids|caps|umask|cwd|hostname|pid|env|ns|"
                    "rlimit R|write P|read P|tiocsti|exec P...|orphans|mount\n");
    return 2;
}
