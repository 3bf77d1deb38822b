/* seccomp: the policies of `config.seccomp` (SPEC §6) compiled to classic
 * BPF by hand (no libseccomp) and installed just before execve.
 *
 * Every node of a chain that sets a policy contributes one *layer*; the
 * layers stack like the kernel stacks filters: each layer is evaluated,
 * kill beats errno beats allow, and among errno answers the leaf-most
 * wins. So a child can only restrict more. The layers are compiled into
 * one program (one filter) rather than one filter per node, because once
 * an ancestor's filter denies prctl/seccomp the next filter could not be
 * installed; the result is the same as stacked filters.
 *
 * The program first checks the architecture (a foreign one, e.g. i386
 * calls from an x86_64 process or x32, kills the process), then runs the
 * layers root-most first. Syscall and errno names come from a table
 * generated at build time from the kernel headers (scripts/gen-syscalls.sh). */
#ifndef REDPAK_SECCOMP_H
#define REDPAK_SECCOMP_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "arena.h"
#include "config.h"
#include "log.h"

/* One classic BPF instruction, as struct sock_filter of linux/filter.h. */
typedef struct seccomp_instruction {
    uint16_t code;
    uint8_t jump_true, jump_false;
    uint32_t k;
} seccomp_instruction_t;

typedef struct seccomp_program {
    seccomp_instruction_t *code;
    size_t length;
} seccomp_program_t;

/* Layout of struct seccomp_data, what the program reads. */
typedef struct seccomp_data_view {
    int32_t nr;
    uint32_t arch;
    uint64_t instruction_pointer;
    uint64_t args[6];
} seccomp_data_view_t;

/* Kernel return values (linux/seccomp.h) the program uses. */
#define SECCOMP_RESULT_KILL_PROCESS 0x80000000U
#define SECCOMP_RESULT_ERRNO 0x00050000U
#define SECCOMP_RESULT_ALLOW 0x7fff0000U
#define SECCOMP_RESULT_DATA 0x0000ffffU

/* The AUDIT_ARCH_* value of the architecture redpak is built for. */
extern const uint32_t seccomp_native_arch;

/* Names. A syscall known on another architecture only gives
 * SECCOMP_SYSCALL_ABSENT: a policy may name it (portable templates) and
 * it is skipped, since nothing can call it here. */
#define SECCOMP_SYSCALL_UNKNOWN (-1)
#define SECCOMP_SYSCALL_ABSENT (-2)
int seccomp_syscall_number(const char *name);
const char *seccomp_syscall_name(int number); /* NULL if unknown */
int seccomp_errno_from_name(const char *name);  /* "EPERM" or "1"; -1 if bad */
const char *seccomp_errno_name(int errnum);     /* "EPERM"; NULL if unknown */
/* Argument values by name (TIOCSTI, TIOCLINUX, CLONE_NEWUSER...) or
 * number (decimal, 0x hex, 0 octal). */
int seccomp_argument_from_name(const char *name, uint64_t *value);

/* Check one file's policy: names exist, argument conditions only narrow
 * deny entries, no syscall both allowed and denied whole. Errors name
 * FILE:LINE:COLUMN. */
int seccomp_validate(const config_seccomp_t *policy, rp_error_t *err);

/* True when the policy says anything (a default or an entry). */
bool seccomp_policy_set(const config_seccomp_t *policy);

/* The default action a layer applies to what it does not list: its
 * `default`, else errno when it has an allow list, else allow. */
seccomp_action_t seccomp_default_action(const config_seccomp_t *layer);

/* Merge support: the first entry of `layer` that allows a syscall
 * `ancestor` denies whole (by an entry or by its default), with where the
 * ancestor denies it in `*denied_at`; NULL if none. */
const config_seccomp_rule_t *seccomp_relaxes(const config_seccomp_t *layer,
                                             const config_seccomp_t *ancestor,
                                             const source_pos_t **denied_at);
/* Append `layer` to the stack `merged` (the merged configuration's
 * policy). */
void seccomp_stack_push(arena_t *arena, config_seccomp_t *merged,
                        const config_seccomp_t *layer);
/* `policy` plus a layer denying ioctl TIOCSTI and TIOCLINUX, for programs
 * that keep the caller's terminal session (new-session: disabled). */
const config_seccomp_t *seccomp_add_terminal_guard(arena_t *arena,
                                                   const config_seccomp_t *policy);

/* A policy without layers gives an empty program. */
int seccomp_compile(arena_t *arena, const config_seccomp_t *policy,
                    seccomp_program_t *out, rp_error_t *err);
/* Install a compiled program (no-new-privs must already be set); an empty
 * one installs nothing. */
int seccomp_load(const seccomp_program_t *program, rp_error_t *err);

/* The effective policy for `redwrap --dump-only`, one line per fact:
 *   seccomp none
 *   seccomp layer 1 default allow from=/nodes/a/etc/redpak.yaml:12
 *   seccomp layer 1 deny ioctl arg1=0x5412 errno EPERM */
void seccomp_dump(const config_seccomp_t *policy, FILE *out);

#endif
