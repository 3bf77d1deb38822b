/* nosys: run a program as on a kernel without the new mount API
 * (open_tree, move_mount, fsopen, fsconfig, fsmount, fspick,
 * mount_setattr fail with ENOSYS), or with `-s` as on Linux 5.2 to 5.11
 * (only mount_setattr missing), so tests reach redwrap's fallbacks.
 * A seccomp filter can only take abilities away: nothing in redpak needs
 * a knob for this.
 *
 *   nosys [-s] PROGRAM ARGS...
 */
#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

static const int nosys_calls[] = { /* mount_setattr first, for -s */
    SYS_mount_setattr, SYS_open_tree, SYS_move_mount, SYS_fsopen,
    SYS_fsconfig, SYS_fsmount, SYS_fspick,
};
#define NOSYS_COUNT (sizeof nosys_calls / sizeof nosys_calls[0])

int main(int argc, char **argv)
{
    struct sock_filter code[2 + 2 * NOSYS_COUNT];
    size_t n = 0, count = NOSYS_COUNT;
    if (argc > 1 && strcmp(argv[1], "-s") == 0) {
        count = 1;
        argv++;
        argc--;
    }
    code[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
                                             offsetof(struct seccomp_data, nr));
    for (size_t i = 0; i < count; i++) {
        code[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K,
                                                 (unsigned)nosys_calls[i], 0, 1);
        code[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K,
                                                 SECCOMP_RET_ERRNO | ENOSYS);
    }
    code[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
    struct sock_fprog program = {(unsigned short)n, code};
    if (argc < 2) {
        fputs("usage: nosys [-s] PROGRAM ARGS...\n", stderr);
        return 2;
    }
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
        prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &program) < 0) {
        fprintf(stderr, "nosys: cannot install the filter: %s\n", strerror(errno));
        return 1;
    }
    execv(argv[1], argv + 1);
    fprintf(stderr, "nosys: cannot execute %s: %s\n", argv[1], strerror(errno));
    return 127;
}
