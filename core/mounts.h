/* mounts: reading the kernel's mount tables (/proc/self/mounts,
 * /proc/self/mountinfo), shared by the cgroup and rootfs modules. */
#ifndef REDPAK_MOUNTS_H
#define REDPAK_MOUNTS_H

/* Undo, in place, the \ooo escapes the kernel writes in a path field for
 * space, tab, newline and backslash. */
void mounts_unescape(char *field);

#endif
