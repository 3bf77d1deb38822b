/* Unit tests of core/seccomp: the name tables, validation, the merge
 * check, and the BPF compiler, whose programs are both run by a small
 * classic-BPF interpreter here and installed for real in forked
 * children. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/seccomp.h"

static const source_pos_t position = {"/n/a/etc/redpak.yaml", 12, 7};

/* ---- a classic BPF interpreter (the subset seccomp programs use) ---- */

static uint32_t data_word(const seccomp_data_view_t *data, uint32_t offset)
{
    uint32_t word;
    assert_true(offset % 4 == 0 && offset + 4 <= sizeof *data);
    memcpy(&word, (const char *)data + offset, 4);
    return word;
}

static uint32_t run(const seccomp_program_t *program, const seccomp_data_view_t *data)
{
    uint32_t a = 0, memory[16] = {0};
    for (size_t pc = 0; pc < program->length; pc++) {
        const seccomp_instruction_t *in = &program->code[pc];
        switch (in->code) {
        case 0x20: a = data_word(data, in->k); break;          /* ld [k] */
        case 0x00: a = in->k; break;                           /* ld #k */
        case 0x60: a = memory[in->k]; break;                   /* ld M[k] */
        case 0x02: memory[in->k] = a; break;                   /* st M[k] */
        case 0x54: a &= in->k; break;                          /* and #k */
        case 0x05: pc += in->k; break;                         /* ja */
        case 0x15: pc += a == in->k ? in->jump_true : in->jump_false; break;
        case 0x35: pc += a >= in->k ? in->jump_true : in->jump_false; break;
        case 0x06: return in->k;                               /* ret #k */
        case 0x16: return a;                                   /* ret a */
        default: fail_msg("unexpected BPF opcode 0x%x at %zu", in->code, pc);
        }
        assert_true(pc < program->length);
    }
    fail_msg("program ran off its end");
    return 0;
}

/* The kernel's seccomp_is_const_allow() (kernel/seccomp.c, 5.11+): can
 * it prove, from the syscall number alone, that the answer is allow? It
 * then skips the filter for that syscall. */
static bool const_allow(const seccomp_program_t *program, int nr)
{
    uint32_t a = 0;
    for (size_t pc = 0; pc < program->length; pc++) {
        const seccomp_instruction_t *in = &program->code[pc];
        switch (in->code) {
        case 0x20:
            if (in->k == 0) a = (uint32_t)nr;
            else if (in->k == 4) a = seccomp_native_arch;
            else return false; /* an argument: not constant */
            break;
        case 0x06: return in->k == SECCOMP_RESULT_ALLOW;
        case 0x05: pc += in->k; break;
        case 0x15: pc += a == in->k ? in->jump_true : in->jump_false; break;
        case 0x35: pc += a >= in->k ? in->jump_true : in->jump_false; break;
        case 0x54: a &= in->k; break;
        default: return false;
        }
    }
    fail_msg("program ran off its end");
    return false;
}

static uint32_t run_call(const seccomp_program_t *program, int nr, uint64_t arg0,
                         uint64_t arg1)
{
    seccomp_data_view_t data = {.nr = nr, .arch = seccomp_native_arch,
                                .args = {arg0, arg1}};
    return run(program, &data);
}

/* ---- building policies ---- */

typedef struct fixture {
    arena_t *arena;
} fixture_t;

static int setup(void **state)
{
    fixture_t *f = calloc(1, sizeof *f);
    f->arena = arena_new();
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture_t *f = *state;
    arena_free(f->arena);
    free(f);
    return 0;
}

static config_seccomp_t *policy_new(fixture_t *f, seccomp_action_t default_action,
                                    int errnum)
{
    config_seccomp_t *policy = arena_alloc(f->arena, sizeof *policy);
    policy->default_action = default_action;
    policy->default_errnum = errnum;
    policy->pos = position;
    return policy;
}

static config_seccomp_rule_t *rule_add(fixture_t *f, config_seccomp_t *policy,
                                       const char *syscall, seccomp_action_t action)
{
    size_t size = policy->rule_count * sizeof *policy->rules;
    policy->rules = arena_grow(f->arena, policy->rules, size,
                               size + sizeof *policy->rules);
    config_seccomp_rule_t *rule = &policy->rules[policy->rule_count++];
    *rule = (config_seccomp_rule_t){.syscall = syscall, .action = action,
                                    .pos = {position.file, 13 + (int)policy->rule_count, 9}};
    return rule;
}

static seccomp_program_t compile_ok(fixture_t *f, const config_seccomp_t *policy)
{
    seccomp_program_t program;
    rp_error_t err = {0};
    if (seccomp_compile(f->arena, policy, &program, &err) < 0)
        fail_msg("compile: %s", err.message);
    return program;
}

#define ERRNO_OF(e) (SECCOMP_RESULT_ERRNO | (e))

/* ---- tests ---- */

static void test_names(void **state)
{
    (void)state;
    assert_int_equal(seccomp_syscall_number("read"), SYS_read);
    assert_int_equal(seccomp_syscall_number("kexec_load"), SYS_kexec_load);
    assert_int_equal(seccomp_syscall_number("no_such_call"), SECCOMP_SYSCALL_UNKNOWN);
    assert_int_equal(seccomp_syscall_number("READ"), SECCOMP_SYSCALL_UNKNOWN);
#ifdef __x86_64__
    /* a 32-bit-only call: known, but absent here */
    assert_int_equal(seccomp_syscall_number("fcntl64"), SECCOMP_SYSCALL_ABSENT);
#endif
    assert_string_equal(seccomp_syscall_name(SYS_ioctl), "ioctl");
    assert_int_equal(seccomp_errno_from_name("EPERM"), EPERM);
    assert_int_equal(seccomp_errno_from_name("enosys"), ENOSYS);
    assert_int_equal(seccomp_errno_from_name("13"), 13);
    assert_int_equal(seccomp_errno_from_name("0"), -1);
    assert_int_equal(seccomp_errno_from_name("4096"), -1);
    assert_int_equal(seccomp_errno_from_name("EWHAT"), -1);
    assert_int_equal(seccomp_errno_from_name("-1"), -1);
    assert_string_equal(seccomp_errno_name(EACCES), "EACCES");
    uint64_t value = 0;
    assert_int_equal(seccomp_argument_from_name("TIOCSTI", &value), 0);
    assert_int_equal(value, TIOCSTI);
    assert_int_equal(seccomp_argument_from_name("clone_newuser", &value), 0);
    assert_int_equal(value, CLONE_NEWUSER);
    assert_int_equal(seccomp_argument_from_name("0x10", &value), 0);
    assert_int_equal(value, 16);
    assert_int_equal(seccomp_argument_from_name("TIOCWHAT", &value), -1);
    assert_int_equal(seccomp_argument_from_name("12abc", &value), -1);
}

static void test_validate(void **state)
{
    fixture_t *f = *state;
    rp_error_t err = {0};
    config_seccomp_t *policy = policy_new(f, SECCOMP_ACTION_ALLOW, 0);
    rule_add(f, policy, "kexec_load", SECCOMP_ACTION_ERRNO);
    rule_add(f, policy, "fcntl64", SECCOMP_ACTION_ERRNO); /* absent: fine */
    assert_int_equal(seccomp_validate(policy, &err), 0);

    rule_add(f, policy, "kexec_lode", SECCOMP_ACTION_ERRNO);
    assert_int_equal(seccomp_validate(policy, &err), -1);
    assert_string_equal(err.message,
                        "/n/a/etc/redpak.yaml:16:9: unknown syscall 'kexec_lode'");

    policy = policy_new(f, SECCOMP_ACTION_ERRNO, 0);
    config_seccomp_rule_t *rule = rule_add(f, policy, "ioctl", SECCOMP_ACTION_ALLOW);
    rule->arg_op = SECCOMP_ARG_EQUAL;
    assert_int_equal(seccomp_validate(policy, &err), -1);
    assert_non_null(strstr(err.message, "only narrow deny entries"));

    policy = policy_new(f, SECCOMP_ACTION_ERRNO, 0);
    rule_add(f, policy, "bpf", SECCOMP_ACTION_ALLOW);
    rule_add(f, policy, "bpf", SECCOMP_ACTION_KILL);
    assert_int_equal(seccomp_validate(policy, &err), -1);
    assert_string_equal(err.message, "/n/a/etc/redpak.yaml:15:9: syscall 'bpf' "
                        "both allowed and denied (also at line 14)");
}

static void test_default_action(void **state)
{
    fixture_t *f = *state;
    config_seccomp_t *deny_list = policy_new(f, SECCOMP_ACTION_UNSET, 0);
    rule_add(f, deny_list, "bpf", SECCOMP_ACTION_ERRNO);
    assert_int_equal(seccomp_default_action(deny_list), SECCOMP_ACTION_ALLOW);
    config_seccomp_t *allow_list = policy_new(f, SECCOMP_ACTION_UNSET, 0);
    rule_add(f, allow_list, "read", SECCOMP_ACTION_ALLOW);
    assert_int_equal(seccomp_default_action(allow_list), SECCOMP_ACTION_ERRNO);
    assert_false(seccomp_policy_set(policy_new(f, SECCOMP_ACTION_UNSET, 0)));
    assert_false(seccomp_policy_set(NULL));
    /* no policy: no program at all */
    assert_int_equal(compile_ok(f, policy_new(f, SECCOMP_ACTION_UNSET, 0)).length, 0);
}

static void test_foreign_arch_killed(void **state)
{
    fixture_t *f = *state;
    config_seccomp_t *policy = policy_new(f, SECCOMP_ACTION_ALLOW, 0);
    seccomp_program_t program = compile_ok(f, policy);
    seccomp_data_view_t data = {.nr = SYS_read, .arch = seccomp_native_arch};
    assert_int_equal(run(&program, &data), SECCOMP_RESULT_ALLOW);
    data.arch = 0x40000003; /* AUDIT_ARCH_I386 */
    assert_int_equal(run(&program, &data), SECCOMP_RESULT_KILL_PROCESS);
#ifdef __x86_64__
    data = (seccomp_data_view_t){.nr = 0x40000000 | SYS_read,
                                 .arch = seccomp_native_arch};
    assert_int_equal(run(&program, &data), SECCOMP_RESULT_KILL_PROCESS);
#endif
}

static void test_deny_list(void **state)
{
    fixture_t *f = *state;
    config_seccomp_t *policy = policy_new(f, SECCOMP_ACTION_ALLOW, EACCES);
    rule_add(f, policy, "kexec_load", SECCOMP_ACTION_ERRNO);
    rule_add(f, policy, "bpf", SECCOMP_ACTION_ERRNO)->errnum = ENOSYS;
    rule_add(f, policy, "reboot", SECCOMP_ACTION_KILL);
    rule_add(f, policy, "fcntl64", SECCOMP_ACTION_ERRNO);
    seccomp_program_t program = compile_ok(f, policy);
    assert_int_equal(run_call(&program, SYS_kexec_load, 0, 0), ERRNO_OF(EACCES));
    assert_int_equal(run_call(&program, SYS_bpf, 0, 0), ERRNO_OF(ENOSYS));
    assert_int_equal(run_call(&program, SYS_reboot, 0, 0), SECCOMP_RESULT_KILL_PROCESS);
    assert_int_equal(run_call(&program, SYS_read, 0, 0), SECCOMP_RESULT_ALLOW);
    assert_int_equal(run_call(&program, SYS_write, 0, 0), SECCOMP_RESULT_ALLOW);
}

static void test_allow_list(void **state)
{
    fixture_t *f = *state;
    config_seccomp_t *policy = policy_new(f, SECCOMP_ACTION_UNSET, 0);
    rule_add(f, policy, "read", SECCOMP_ACTION_ALLOW);
    rule_add(f, policy, "ioctl", SECCOMP_ACTION_ALLOW);
    config_seccomp_rule_t *rule = rule_add(f, policy, "ioctl", SECCOMP_ACTION_ERRNO);
    rule->arg_op = SECCOMP_ARG_EQUAL;
    rule->arg_index = 1;
    rule->arg_value = TIOCSTI;
    seccomp_program_t program = compile_ok(f, policy);
    assert_int_equal(run_call(&program, SYS_read, 0, 0), SECCOMP_RESULT_ALLOW);
    assert_int_equal(run_call(&program, SYS_write, 0, 0), ERRNO_OF(EPERM));
    assert_int_equal(run_call(&program, SYS_ioctl, 0, TCGETS), SECCOMP_RESULT_ALLOW);
    assert_int_equal(run_call(&program, SYS_ioctl, 0, TIOCSTI), ERRNO_OF(EPERM));
    /* junk in the high word does not hide the command (ioctl's cmd is int) */
    assert_int_equal(run_call(&program, SYS_ioctl, 0, 0x100000000ULL | TIOCSTI),
                     ERRNO_OF(EPERM));
    /* the condition is on arg1, not arg0 */
    assert_int_equal(run_call(&program, SYS_ioctl, TIOCSTI, TCGETS), SECCOMP_RESULT_ALLOW);
}

static void test_argument_bits(void **state)
{
    fixture_t *f = *state;
    config_seccomp_t *policy = policy_new(f, SECCOMP_ACTION_ALLOW, 0);
    config_seccomp_rule_t *rule = rule_add(f, policy, "unshare", SECCOMP_ACTION_ERRNO);
    rule->arg_op = SECCOMP_ARG_HAS_BITS;
    rule->arg_value = CLONE_NEWUSER;
    rule = rule_add(f, policy, "mmap", SECCOMP_ACTION_KILL);
    rule->arg_op = SECCOMP_ARG_EQUAL;
    rule->arg_index = 0;
    rule->arg_value = 0x1234567800000000ULL; /* a 64-bit value: both words */
    seccomp_program_t program = compile_ok(f, policy);
    assert_int_equal(run_call(&program, SYS_unshare, CLONE_NEWUSER | CLONE_NEWNS, 0),
                     ERRNO_OF(EPERM));
    assert_int_equal(run_call(&program, SYS_unshare, CLONE_NEWNS, 0), SECCOMP_RESULT_ALLOW);
    assert_int_equal(run_call(&program, SYS_mmap, 0x1234567800000000ULL, 0),
                     SECCOMP_RESULT_KILL_PROCESS);
    assert_int_equal(run_call(&program, SYS_mmap, 0x1234567900000000ULL, 0),
                     SECCOMP_RESULT_ALLOW);
    assert_int_equal(run_call(&program, SYS_mmap, 0, 0), SECCOMP_RESULT_ALLOW);
}

/* Layers answer like stacked kernel filters: kill > errno > allow, the
 * leaf-most errno wins, and a child's allow cannot undo a parent's deny. */
static void test_layers_stack(void **state)
{
    fixture_t *f = *state;
    config_seccomp_t *root = policy_new(f, SECCOMP_ACTION_ALLOW, 0);
    rule_add(f, root, "bpf", SECCOMP_ACTION_ERRNO);
    rule_add(f, root, "reboot", SECCOMP_ACTION_KILL);
    rule_add(f, root, "swapon", SECCOMP_ACTION_ERRNO);
    config_seccomp_t *leaf = policy_new(f, SECCOMP_ACTION_UNSET, EACCES);
    rule_add(f, leaf, "bpf", SECCOMP_ACTION_ERRNO);
    rule_add(f, leaf, "reboot", SECCOMP_ACTION_ERRNO);
    rule_add(f, leaf, "read", SECCOMP_ACTION_ALLOW);
    rule_add(f, leaf, "swapon", SECCOMP_ACTION_ALLOW); /* refused by merge */
    rule_add(f, leaf, "write", SECCOMP_ACTION_ALLOW);
    config_seccomp_t merged = {0};
    seccomp_stack_push(f->arena, &merged, root);
    seccomp_stack_push(f->arena, &merged, leaf);
    seccomp_program_t program = compile_ok(f, &merged);
    assert_int_equal(run_call(&program, SYS_bpf, 0, 0), ERRNO_OF(EACCES));
    assert_int_equal(run_call(&program, SYS_reboot, 0, 0), SECCOMP_RESULT_KILL_PROCESS);
    assert_int_equal(run_call(&program, SYS_swapon, 0, 0), ERRNO_OF(EPERM));
    assert_int_equal(run_call(&program, SYS_read, 0, 0), SECCOMP_RESULT_ALLOW);
    assert_int_equal(run_call(&program, SYS_getpid, 0, 0), ERRNO_OF(EACCES));

    const source_pos_t *denied_at = NULL;
    /* allowed syscalls can be cached by the kernel, except those whose
     * verdict depends on an argument */
    assert_true(const_allow(&program, SYS_read));
    assert_false(const_allow(&program, SYS_getpid));
    const config_seccomp_t *guarded = seccomp_add_terminal_guard(f->arena, &merged);
    seccomp_program_t with_guard = compile_ok(f, guarded);
    assert_true(const_allow(&with_guard, SYS_read));
    assert_false(const_allow(&with_guard, SYS_ioctl));
    assert_int_equal(run_call(&with_guard, SYS_ioctl, 0, TIOCSTI), ERRNO_OF(EPERM));
    assert_int_equal(run_call(&with_guard, SYS_reboot, 0, 0), SECCOMP_RESULT_KILL_PROCESS);

    const config_seccomp_rule_t *relaxing = seccomp_relaxes(leaf, root, &denied_at);
    assert_non_null(relaxing);
    assert_string_equal(relaxing->syscall, "swapon");
    assert_ptr_equal(denied_at, &root->rules[2].pos);
    assert_null(seccomp_relaxes(root, leaf, &denied_at));
    /* an allow list parent denies by default what it does not list */
    config_seccomp_t *tight = policy_new(f, SECCOMP_ACTION_ERRNO, 0);
    rule_add(f, tight, "read", SECCOMP_ACTION_ALLOW);
    config_seccomp_t *child = policy_new(f, SECCOMP_ACTION_KILL, 0);
    rule_add(f, child, "read", SECCOMP_ACTION_ALLOW);
    assert_null(seccomp_relaxes(child, tight, &denied_at));
    rule_add(f, child, "write", SECCOMP_ACTION_ALLOW);
    assert_string_equal(seccomp_relaxes(child, tight, &denied_at)->syscall, "write");
    assert_ptr_equal(denied_at, &tight->pos); /* by its default */
}

static void test_terminal_guard(void **state)
{
    fixture_t *f = *state;
    config_seccomp_t *policy = policy_new(f, SECCOMP_ACTION_ALLOW, 0);
    rule_add(f, policy, "bpf", SECCOMP_ACTION_ERRNO);
    const config_seccomp_t *guarded = seccomp_add_terminal_guard(f->arena, policy);
    assert_int_equal(guarded->layer_count, 2);
    seccomp_program_t program = compile_ok(f, guarded);
    assert_int_equal(run_call(&program, SYS_ioctl, 0, TIOCSTI), ERRNO_OF(EPERM));
    assert_int_equal(run_call(&program, SYS_ioctl, 0, TIOCLINUX), ERRNO_OF(EPERM));
    assert_int_equal(run_call(&program, SYS_ioctl, 0, TCGETS), SECCOMP_RESULT_ALLOW);
    assert_int_equal(run_call(&program, SYS_bpf, 0, 0), ERRNO_OF(EPERM));
    /* no policy at all still gets the guard */
    guarded = seccomp_add_terminal_guard(f->arena, NULL);
    assert_int_equal(guarded->layer_count, 1);
}

static void test_too_large(void **state)
{
    fixture_t *f = *state;
    config_seccomp_t *policy = policy_new(f, SECCOMP_ACTION_ALLOW, 0);
    for (int i = 0; i < 1400; i++)
        rule_add(f, policy, "bpf", SECCOMP_ACTION_ERRNO);
    seccomp_program_t program;
    rp_error_t err = {0};
    assert_int_equal(seccomp_compile(f->arena, policy, &program, &err), -1);
    assert_non_null(strstr(err.message, "seccomp policy too large"));
}

static void test_dump(void **state)
{
    fixture_t *f = *state;
    char *text = NULL;
    size_t size = 0;
    FILE *out = open_memstream(&text, &size);
    seccomp_dump(NULL, out);
    config_seccomp_t *policy = policy_new(f, SECCOMP_ACTION_ALLOW, 0);
    rule_add(f, policy, "kexec_load", SECCOMP_ACTION_KILL);
    seccomp_dump(seccomp_add_terminal_guard(f->arena, policy), out);
    fclose(out);
    assert_string_equal(text,
        "seccomp none\n"
        "seccomp layer 1 default allow from=/n/a/etc/redpak.yaml:12\n"
        "seccomp layer 1 deny kexec_load kill\n"
        "seccomp layer 2 default allow from=<new-session-disabled>\n"
        "seccomp layer 2 deny ioctl arg1=0x5412 errno EPERM\n"
        "seccomp layer 2 deny ioctl arg1=0x541c errno EPERM\n");
    free(text);
}

/* ---- loading config.seccomp ---- */

static int load(fixture_t *f, const char *seccomp_yaml, config_t **config,
                rp_error_t *err)
{
    char *text = arena_printf(f->arena, "headers:\n  alias: app\nconfig:\n"
                              "  seccomp:\n%s", seccomp_yaml);
    return config_load_buffer(f->arena, "/n/app/etc/redpak.yaml", text,
                              strlen(text), "/n/app", false, config, err);
}

static void test_load(void **state)
{
    fixture_t *f = *state;
    config_t *config = NULL;
    rp_error_t err = {0};
    int rc = load(f, "    default: Allow\n    errno: EACCES\n    deny:\n"
                  "      - kexec_load\n"
                  "      - {syscall: ioctl, arg1: TIOCSTI}\n"
                  "      - {syscall: unshare, arg0-has: CLONE_NEWUSER, errno: 28}\n"
                  "      - {syscall: reboot, action: KILL}\n"
                  "    allow: [read]\n", &config, &err);
    if (rc < 0)
        fail_msg("%s", err.message);
    const config_seccomp_t *policy = &config->seccomp;
    assert_int_equal(policy->default_action, SECCOMP_ACTION_ALLOW);
    assert_int_equal(policy->default_errnum, EACCES);
    assert_int_equal(policy->rule_count, 5);
    assert_string_equal(policy->rules[0].syscall, "kexec_load");
    assert_int_equal(policy->rules[0].pos.line, 8);
    assert_int_equal(policy->rules[1].arg_op, SECCOMP_ARG_EQUAL);
    assert_int_equal(policy->rules[1].arg_index, 1);
    assert_int_equal(policy->rules[1].arg_value, TIOCSTI);
    assert_int_equal(policy->rules[2].arg_op, SECCOMP_ARG_HAS_BITS);
    assert_int_equal(policy->rules[2].errnum, ENOSPC);
    assert_int_equal(policy->rules[3].action, SECCOMP_ACTION_KILL);
    assert_int_equal(policy->rules[4].action, SECCOMP_ACTION_ALLOW);
    assert_ptr_equal(policy->rules[4].from, config);
}

static void test_load_errors(void **state)
{
    static const struct {
        const char *yaml, *message;
    } cases[] = {
        {"    deny: [kexec_lode]\n",
         "/n/app/etc/redpak.yaml:5:12: unknown syscall 'kexec_lode'"},
        {"    default: maybe\n", "/n/app/etc/redpak.yaml:5:14: 'default': "
         "invalid value 'maybe' (expected allow, errno or kill)"},
        {"    errno: ENOTHING\n", "/n/app/etc/redpak.yaml:5:12: 'errno': invalid "
         "value 'ENOTHING' (expected an errno name such as EPERM or 1-4095)"},
        {"    deny: kexec_load\n", "/n/app/etc/redpak.yaml:5:11: 'deny': "
         "expected a list, found a scalar"},
        {"    allow: [{syscall: read}]\n", "/n/app/etc/redpak.yaml:5:13: seccomp "
         "allow entry: expected a syscall name, found a mapping"},
        {"    deny: [{syscall: ioctl, arg1: TIOCSTI, arg0: 3}]\n",
         "/n/app/etc/redpak.yaml:5:50: 'arg0': only one argument condition per entry"},
        {"    deny: [{syscall: ioctl, arg7: 3}]\n",
         "/n/app/etc/redpak.yaml:5:29: unknown key 'arg7' in seccomp deny entry"},
        {"    deny: [{syscall: ioctl, arg1: TIOCWHAT}]\n",
         "/n/app/etc/redpak.yaml:5:35: 'arg1': invalid value 'TIOCWHAT' (expected "
         "a number or a name such as TIOCSTI or CLONE_NEWUSER)"},
        {"    deny: [{syscall: bpf, action: allow}]\n",
         "/n/app/etc/redpak.yaml:5:35: 'action': invalid value 'allow' (expected "
         "errno or kill)"},
        {"    deny: [{arg1: 3}]\n",
         "/n/app/etc/redpak.yaml:5:12: missing key 'syscall' in seccomp deny entry"},
        {"    allow: [bpf]\n    deny: [bpf]\n",
         "/n/app/etc/redpak.yaml:6:12: syscall 'bpf' both allowed and denied "
         "(also at line 5)"},
        {"    deny: [~]\n", "/n/app/etc/redpak.yaml:5:12: seccomp deny entry: "
         "expected a syscall name, found an empty value"},
        {"    kill: [bpf]\n", "/n/app/etc/redpak.yaml:5:5: unknown key 'kill' in seccomp"},
    };
    fixture_t *f = *state;
    int failures = 0;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        config_t *config = NULL;
        rp_error_t err = {0};
        assert_int_equal(load(f, cases[i].yaml, &config, &err), -1);
        if (strcmp(err.message, cases[i].message)) {
            print_error("case %zu:\n got      %s\n expected %s\n", i,
                        err.message, cases[i].message);
            failures++;
        }
    }
    assert_int_equal(failures, 0);
}

/* ---- the real thing: install in a forked child ---- */

/* Runs `probe` in a child after installing `policy`; returns the wait
 * status. The child reports errno values through its exit code. */
static int in_child(fixture_t *f, const config_seccomp_t *policy, int (*probe)(void))
{
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        rp_error_t err;
        seccomp_program_t program;
        if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
            seccomp_compile(f->arena, policy, &program, &err) < 0 ||
            seccomp_load(&program, &err) < 0)
            _exit(99);
        _exit(probe());
    }
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    return status;
}

static int probe_getppid(void)
{
    return syscall(SYS_getppid) < 0 ? errno : 0;
}

static int probe_tiocsti(void)
{
    int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
    char c = 'x';
    return ioctl(fd, TIOCSTI, &c) < 0 ? errno : 0;
}

static int probe_unshare_user(void)
{
    return syscall(SYS_unshare, CLONE_NEWUSER) < 0 ? errno : 0;
}

static void test_install(void **state)
{
    fixture_t *f = *state;
    config_seccomp_t *policy = policy_new(f, SECCOMP_ACTION_ALLOW, EACCES);
    rule_add(f, policy, "getppid", SECCOMP_ACTION_ERRNO);
    int status = in_child(f, policy, probe_getppid);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), EACCES);

    policy = policy_new(f, SECCOMP_ACTION_ALLOW, 0);
    rule_add(f, policy, "getppid", SECCOMP_ACTION_KILL);
    status = in_child(f, policy, probe_getppid);
    assert_true(WIFSIGNALED(status));
    assert_int_equal(WTERMSIG(status), SIGSYS);

    /* without a filter TIOCSTI on /dev/null is ENOTTY; the guard says EPERM */
    status = in_child(f, policy_new(f, SECCOMP_ACTION_ALLOW, 0), probe_tiocsti);
    assert_int_equal(WEXITSTATUS(status), ENOTTY);
    status = in_child(f, seccomp_add_terminal_guard(f->arena, NULL), probe_tiocsti);
    assert_int_equal(WEXITSTATUS(status), EPERM);

    policy = policy_new(f, SECCOMP_ACTION_ALLOW, ENOSPC);
    config_seccomp_rule_t *rule = rule_add(f, policy, "unshare", SECCOMP_ACTION_ERRNO);
    rule->arg_op = SECCOMP_ARG_HAS_BITS;
    rule->arg_value = CLONE_NEWUSER;
    status = in_child(f, policy, probe_unshare_user);
    assert_int_equal(WEXITSTATUS(status), ENOSPC);
    /* two layers in one program */
    const config_seccomp_t *stacked = seccomp_add_terminal_guard(f->arena, policy);
    assert_int_equal(WEXITSTATUS(in_child(f, stacked, probe_unshare_user)), ENOSPC);
    assert_int_equal(WEXITSTATUS(in_child(f, stacked, probe_tiocsti)), EPERM);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_names),
        cmocka_unit_test_setup_teardown(test_validate, setup, teardown),
        cmocka_unit_test_setup_teardown(test_default_action, setup, teardown),
        cmocka_unit_test_setup_teardown(test_foreign_arch_killed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_deny_list, setup, teardown),
        cmocka_unit_test_setup_teardown(test_allow_list, setup, teardown),
        cmocka_unit_test_setup_teardown(test_argument_bits, setup, teardown),
        cmocka_unit_test_setup_teardown(test_layers_stack, setup, teardown),
        cmocka_unit_test_setup_teardown(test_terminal_guard, setup, teardown),
        cmocka_unit_test_setup_teardown(test_too_large, setup, teardown),
        cmocka_unit_test_setup_teardown(test_dump, setup, teardown),
        cmocka_unit_test_setup_teardown(test_load, setup, teardown),
        cmocka_unit_test_setup_teardown(test_load_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_install, setup, teardown),
    };
    cmocka_set_message_output(CM_OUTPUT_TAP);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
