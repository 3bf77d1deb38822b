/* setuser UID GID COMMAND [ARGS...]: run COMMAND as UID:GID without
 * supplementary groups. The guest of tests/qemu.t has no user database
 * and busybox's su/setpriv cannot drop to a bare uid. */
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    if (argc < 4) {
        fprintf(stderr, "usage: setuser UID GID COMMAND [ARGS...]\n");
        return 2;
    }
    if (setgroups(0, NULL) < 0 || setgid((gid_t)atoi(argv[2])) < 0 ||
        setuid((uid_t)atoi(argv[1])) < 0) {
        perror("setuser");
        return 125;
    }
    execvp(argv[3], argv + 3);
    perror(argv[3]);
    return 127;
}
