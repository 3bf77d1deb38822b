#include "seccomp.h"

#include <elf.h>
#include <errno.h>
#include <limits.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>

typedef struct seccomp_name {
    const char *name;
    long value;
} seccomp_name_t;

#include "syscalls.h" /* build/gen: seccomp_syscall_table, seccomp_errno_table */

/* ---- kernel ABI ----------------------------------------------------------
 * Defined here because the musl toolchain ships no kernel headers
 * (linux/filter.h, linux/seccomp.h, linux/audit.h). */
enum {
    BPF_LD = 0x00, BPF_ALU = 0x04, BPF_JMP = 0x05, BPF_RET = 0x06,
    BPF_W = 0x00, BPF_ABS = 0x20,
    BPF_AND = 0x50, BPF_JA = 0x00, BPF_JEQ = 0x10, BPF_JGE = 0x30,
    BPF_K = 0x00,
};
#define BPF_MAX_INSTRUCTIONS 4096
#define SECCOMP_MODE_FILTER 2
#define AUDIT_ARCH_64BIT 0x80000000U
#define AUDIT_ARCH_LE 0x40000000U

#if defined(__x86_64__) && defined(__ILP32__)
#error "x32 is not supported"
#elif defined(__x86_64__)
const uint32_t seccomp_native_arch = EM_X86_64 | AUDIT_ARCH_64BIT | AUDIT_ARCH_LE;
#define SECCOMP_X32_SYSCALL_BIT 0x40000000U /* x32 calls from x86_64 */
#elif defined(__aarch64__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
const uint32_t seccomp_native_arch = EM_AARCH64 | AUDIT_ARCH_64BIT | AUDIT_ARCH_LE;
#elif defined(__i386__)
const uint32_t seccomp_native_arch = EM_386 | AUDIT_ARCH_LE;
#elif defined(__arm__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
const uint32_t seccomp_native_arch = EM_ARM | AUDIT_ARCH_LE;
#elif defined(__riscv) && __riscv_xlen == 64
const uint32_t seccomp_native_arch = EM_RISCV | AUDIT_ARCH_64BIT | AUDIT_ARCH_LE;
#else
#error "seccomp: unknown architecture (add its AUDIT_ARCH value)"
#endif

#define DATA_NR 0
#define DATA_ARCH 4
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define DATA_ARG_LOW(i) (16 + 8 * (i))
#define DATA_ARG_HIGH(i) (20 + 8 * (i))
#else
#define DATA_ARG_LOW(i) (20 + 8 * (i))
#define DATA_ARG_HIGH(i) (16 + 8 * (i))
#endif

/* ---- names ---------------------------------------------------------------- */

#define COUNT(table) (sizeof(table) / sizeof((table)[0]))

static int name_compare(const void *key, const void *entry)
{
    return strcmp(key, ((const seccomp_name_t *)entry)->name);
}

static int name_compare_all(const void *key, const void *entry)
{
    return strcmp(key, *(const char *const *)entry);
}

int seccomp_syscall_number(const char *name)
{
    const seccomp_name_t *found =
        bsearch(name, seccomp_syscall_table, COUNT(seccomp_syscall_table),
                sizeof seccomp_syscall_table[0], name_compare);
    if (found)
        return (int)found->value;
    if (bsearch(name, seccomp_syscall_all, COUNT(seccomp_syscall_all),
                sizeof seccomp_syscall_all[0], name_compare_all))
        return SECCOMP_SYSCALL_ABSENT;
    return SECCOMP_SYSCALL_UNKNOWN;
}

const char *seccomp_syscall_name(int number)
{
    for (size_t i = 0; i < COUNT(seccomp_syscall_table); i++)
        if (seccomp_syscall_table[i].value == number)
            return seccomp_syscall_table[i].name;
    return NULL;
}

/* A whole string as a number (decimal, 0x hex, 0 octal); false if not. */
static bool parse_number(const char *text, unsigned long long max,
                         unsigned long long *value)
{
    if (!*text || *text == '-' || *text == '+')
        return false;
    char *end;
    errno = 0;
    unsigned long long number = strtoull(text, &end, 0);
    if (errno || *end || number > max)
        return false;
    *value = number;
    return true;
}

int seccomp_errno_from_name(const char *name)
{
    unsigned long long number;
    if (parse_number(name, 4095, &number))
        return number ? (int)number : -1;
    for (size_t i = 0; i < COUNT(seccomp_errno_table); i++)
        if (strcasecmp(seccomp_errno_table[i].name, name) == 0)
            return (int)seccomp_errno_table[i].value;
    return -1;
}

const char *seccomp_errno_name(int errnum)
{
    for (size_t i = 0; i < COUNT(seccomp_errno_table); i++)
        if (seccomp_errno_table[i].value == errnum)
            return seccomp_errno_table[i].name;
    return NULL;
}

/* Argument values worth a name in a policy: terminal ioctls and the
 * namespace flags of clone/unshare. */
static const seccomp_name_t argument_names[] = {
    {"TIOCSTI", TIOCSTI},             {"TIOCLINUX", TIOCLINUX},
    {"TIOCSETD", TIOCSETD},           {"TIOCCONS", TIOCCONS},
    {"CLONE_NEWUSER", CLONE_NEWUSER}, {"CLONE_NEWNS", CLONE_NEWNS},
    {"CLONE_NEWNET", CLONE_NEWNET},   {"CLONE_NEWPID", CLONE_NEWPID},
    {"CLONE_NEWIPC", CLONE_NEWIPC},   {"CLONE_NEWUTS", CLONE_NEWUTS},
    {"CLONE_NEWCGROUP", CLONE_NEWCGROUP},
};

int seccomp_argument_from_name(const char *name, uint64_t *value)
{
    unsigned long long number;
    if (parse_number(name, UINT64_MAX, &number)) {
        *value = number;
        return 0;
    }
    for (size_t i = 0; i < COUNT(argument_names); i++)
        if (strcasecmp(argument_names[i].name, name) == 0) {
            *value = (uint64_t)(unsigned long)argument_names[i].value;
            return 0;
        }
    return -1;
}

/* ---- policies ------------------------------------------------------------- */

bool seccomp_policy_set(const config_seccomp_t *policy)
{
    return policy && (policy->default_action != SECCOMP_ACTION_UNSET ||
                      policy->rule_count || policy->layer_count);
}

seccomp_action_t seccomp_default_action(const config_seccomp_t *layer)
{
    if (layer->default_action != SECCOMP_ACTION_UNSET)
        return layer->default_action;
    for (size_t i = 0; i < layer->rule_count; i++)
        if (layer->rules[i].action == SECCOMP_ACTION_ALLOW)
            return SECCOMP_ACTION_ERRNO;
    return SECCOMP_ACTION_ALLOW;
}

/* The entry of `policy` about the whole syscall `name`, NULL if none. */
static const config_seccomp_rule_t *whole_rule(const config_seccomp_t *policy,
                                               const char *name)
{
    for (size_t i = 0; i < policy->rule_count; i++)
        if (policy->rules[i].arg_op == SECCOMP_ARG_NONE &&
            strcmp(policy->rules[i].syscall, name) == 0)
            return &policy->rules[i];
    return NULL;
}

static int validate_rule(const config_seccomp_t *policy,
                         const config_seccomp_rule_t *rule, rp_error_t *err)
{
    if (seccomp_syscall_number(rule->syscall) == SECCOMP_SYSCALL_UNKNOWN)
        return error_at(err, &rule->pos, "unknown syscall '%s'", rule->syscall);
    if (rule->arg_op != SECCOMP_ARG_NONE) {
        if (rule->action == SECCOMP_ACTION_ALLOW)
            return error_at(err, &rule->pos, "argument conditions only narrow "
                            "deny entries (syscall '%s')", rule->syscall);
        if (rule->arg_index < 0 || rule->arg_index > 5)
            return error_at(err, &rule->pos, "syscall argument %d out of range "
                            "0-5", rule->arg_index);
        return 0;
    }
    const config_seccomp_rule_t *first = whole_rule(policy, rule->syscall);
    if (first != rule && (first->action == SECCOMP_ACTION_ALLOW) !=
                             (rule->action == SECCOMP_ACTION_ALLOW))
        return error_at(err, &rule->pos, "syscall '%s' both allowed and denied "
                        "(also at line %d)", rule->syscall, first->pos.line);
    return 0;
}

int seccomp_validate(const config_seccomp_t *policy, rp_error_t *err)
{
    for (size_t i = 0; i < policy->rule_count; i++)
        if (validate_rule(policy, &policy->rules[i], err) < 0)
            return -1;
    return 0;
}

/* Where `layer` refuses the whole syscall `name` (its entry, or its
 * default at the policy's position); NULL if it allows it. */
static const source_pos_t *denies_whole(const config_seccomp_t *layer,
                                        const char *name)
{
    const config_seccomp_rule_t *rule = whole_rule(layer, name);
    if (rule)
        return rule->action == SECCOMP_ACTION_ALLOW ? NULL : &rule->pos;
    return seccomp_default_action(layer) == SECCOMP_ACTION_ALLOW ? NULL : &layer->pos;
}

const config_seccomp_rule_t *seccomp_relaxes(const config_seccomp_t *layer,
                                             const config_seccomp_t *ancestor,
                                             const source_pos_t **denied_at)
{
    for (size_t i = 0; i < layer->rule_count; i++)
        if (layer->rules[i].action == SECCOMP_ACTION_ALLOW &&
            (*denied_at = denies_whole(ancestor, layer->rules[i].syscall)))
            return &layer->rules[i];
    return NULL;
}

void seccomp_stack_push(arena_t *arena, config_seccomp_t *merged,
                        const config_seccomp_t *layer)
{
    size_t size = merged->layer_count * sizeof *merged->layers;
    merged->layers = arena_grow(arena, merged->layers, size,
                                size + sizeof *merged->layers);
    merged->layers[merged->layer_count++] = layer;
    merged->pos = layer->pos;
    merged->from = layer->from;
}

/* The layers of a policy: a merged stack, or a single file's policy
 * itself (stored in `*single`). */
static size_t layers_of(const config_seccomp_t *policy,
                        const config_seccomp_t *const **layers,
                        const config_seccomp_t **single)
{
    if (policy && policy->layer_count) {
        *layers = (const config_seccomp_t *const *)policy->layers;
        return policy->layer_count;
    }
    if (!seccomp_policy_set(policy))
        return 0;
    *single = policy;
    *layers = single;
    return 1;
}

const config_seccomp_t *seccomp_add_terminal_guard(arena_t *arena,
                                                   const config_seccomp_t *policy)
{
    config_seccomp_t *guard = arena_alloc(arena, sizeof *guard);
    guard->default_action = SECCOMP_ACTION_ALLOW;
    guard->rule_count = 2;
    guard->rules = arena_alloc(arena, 2 * sizeof *guard->rules);
    const uint64_t commands[2] = {TIOCSTI, TIOCLINUX};
    for (size_t i = 0; i < 2; i++)
        guard->rules[i] = (config_seccomp_rule_t){
            .syscall = "ioctl", .action = SECCOMP_ACTION_ERRNO,
            .arg_op = SECCOMP_ARG_EQUAL, .arg_index = 1, .arg_value = commands[i],
            .pos = {.file = "<new-session-disabled>"}};
    guard->pos.file = "<new-session-disabled>";

    config_seccomp_t *stack = arena_alloc(arena, sizeof *stack);
    const config_seccomp_t *const *layers, *single;
    size_t count = layers_of(policy, &layers, &single);
    for (size_t i = 0; i < count; i++)
        seccomp_stack_push(arena, stack, layers[i]);
    seccomp_stack_push(arena, stack, guard);
    return stack;
}

/* ---- compiler -------------------------------------------------------------
 * Layers are evaluated leaf-most first. A kill returns at once (nothing
 * ranks higher); the first errno found is the leaf-most one, so it is the
 * answer unless a more root-ward layer kills: the program then only runs
 * the kill entries of those layers before returning it. An allow goes on
 * to the next layer; after the last one, allow.
 *
 * The program uses no scratch memory and loads arguments only on the path
 * of syscalls with argument conditions, so the kernel (since 5.11) can
 * prove every other allowed syscall constant and skip the filter for it. */

typedef struct patch {
    size_t at, label;
} patch_t;

/* A block "kill entries of the layers after `layer`, then errno": one per
 * (layer, errno) pair that needs it. */
typedef struct errno_block {
    size_t layer, label;
    uint32_t result;
} errno_block_t;

typedef struct compiler {
    arena_t *arena;
    const config_seccomp_t *const *layers; /* leaf-most first */
    size_t layer_count;
    seccomp_instruction_t *code;
    size_t length, capacity;
    size_t *labels; /* instruction index of each label */
    size_t label_count, label_capacity;
    patch_t *patches;
    size_t patch_count, patch_capacity;
    errno_block_t *blocks;
    size_t block_count, block_capacity;
} compiler_t;

static void emit(compiler_t *c, uint16_t code, uint32_t k, uint8_t jt, uint8_t jf)
{
    c->code = arena_reserve(c->arena, c->code, c->length, &c->capacity,
                            sizeof *c->code);
    c->code[c->length++] = (seccomp_instruction_t){code, jt, jf, k};
}

static size_t label_new(compiler_t *c)
{
    c->labels = arena_reserve(c->arena, c->labels, c->label_count,
                              &c->label_capacity, sizeof *c->labels);
    c->labels[c->label_count] = SIZE_MAX;
    return c->label_count++;
}

static void label_here(compiler_t *c, size_t label)
{
    c->labels[label] = c->length;
}

static void emit_jump(compiler_t *c, size_t label)
{
    c->patches = arena_reserve(c->arena, c->patches, c->patch_count,
                               &c->patch_capacity, sizeof *c->patches);
    c->patches[c->patch_count++] = (patch_t){c->length, label};
    emit(c, BPF_JMP | BPF_JA, 0, 0, 0);
}

static uint32_t errno_result(int errnum, const config_seccomp_t *layer)
{
    int value = errnum ? errnum : layer->default_errnum ? layer->default_errnum : EPERM;
    return SECCOMP_RESULT_ERRNO | ((uint32_t)value & SECCOMP_RESULT_DATA);
}

static bool layer_can_kill(const config_seccomp_t *layer)
{
    for (size_t i = 0; i < layer->rule_count; i++)
        if (layer->rules[i].action == SECCOMP_ACTION_KILL)
            return true;
    return seccomp_default_action(layer) == SECCOMP_ACTION_KILL;
}

static bool later_can_kill(const compiler_t *c, size_t layer)
{
    for (size_t i = layer + 1; i < c->layer_count; i++)
        if (layer_can_kill(c->layers[i]))
            return true;
    return false;
}

static size_t errno_block(compiler_t *c, size_t layer, uint32_t result)
{
    for (size_t i = 0; i < c->block_count; i++)
        if (c->blocks[i].layer == layer && c->blocks[i].result == result)
            return c->blocks[i].label;
    size_t label = label_new(c);
    c->blocks = arena_reserve(c->arena, c->blocks, c->block_count,
                              &c->block_capacity, sizeof *c->blocks);
    c->blocks[c->block_count++] = (errno_block_t){layer, label, result};
    return label;
}

/* One instruction: what an answer of layer `index` does. `kill_only`
 * (a layer checked after an errno was found) ignores all but kills. */
static void emit_answer(compiler_t *c, size_t index, seccomp_action_t action,
                        int errnum, bool kill_only, size_t next)
{
    const config_seccomp_t *layer = c->layers[index];
    if (action == SECCOMP_ACTION_KILL)
        emit(c, BPF_RET | BPF_K, SECCOMP_RESULT_KILL_PROCESS, 0, 0);
    else if (action == SECCOMP_ACTION_ALLOW || kill_only)
        emit_jump(c, next);
    else if (!later_can_kill(c, index))
        emit(c, BPF_RET | BPF_K, errno_result(errnum, layer), 0, 0);
    else
        emit_jump(c, errno_block(c, index, errno_result(errnum, layer)));
}

/* Argument checks: 32-bit values compare the low word only, so a deny
 * also matches when the high word is junk (the kernel ignores it for
 * int arguments, e.g. ioctl's command): matching more is fail-closed. */
static size_t argument_length(const config_seccomp_rule_t *rule)
{
    size_t words = rule->arg_value > UINT32_MAX ? 2 : 1;
    return words * (rule->arg_op == SECCOMP_ARG_HAS_BITS ? 3 : 2);
}

static void emit_argument_word(compiler_t *c, const config_seccomp_rule_t *rule,
                               uint32_t offset, uint32_t value, size_t *skip)
{
    emit(c, BPF_LD | BPF_W | BPF_ABS, offset, 0, 0);
    *skip -= 1;
    if (rule->arg_op == SECCOMP_ARG_HAS_BITS) {
        emit(c, BPF_ALU | BPF_AND | BPF_K, value, 0, 0);
        *skip -= 1;
    }
    *skip -= 1;
    emit(c, BPF_JMP | BPF_JEQ | BPF_K, value, 0, (uint8_t)*skip);
}

static int emit_rule(compiler_t *c, size_t index, const config_seccomp_rule_t *rule,
                     bool kill_only, size_t next, rp_error_t *err)
{
    int number = seccomp_syscall_number(rule->syscall);
    if (number == SECCOMP_SYSCALL_ABSENT)
        return 0; /* cannot be called on this architecture */
    if (number < 0)
        return error_at(err, &rule->pos, "unknown syscall '%s'", rule->syscall);
    /* instructions after the JEQ: the argument checks and one answer */
    size_t skip = (rule->arg_op ? argument_length(rule) : 0) + 1;
    emit(c, BPF_LD | BPF_W | BPF_ABS, DATA_NR, 0, 0);
    emit(c, BPF_JMP | BPF_JEQ | BPF_K, (uint32_t)number, 0, (uint8_t)skip);
    if (rule->arg_op) {
        uint32_t low = (uint32_t)rule->arg_value;
        emit_argument_word(c, rule, DATA_ARG_LOW(rule->arg_index), low, &skip);
        if (rule->arg_value > UINT32_MAX)
            emit_argument_word(c, rule, DATA_ARG_HIGH(rule->arg_index),
                               (uint32_t)(rule->arg_value >> 32), &skip);
    }
    emit_answer(c, index, rule->action, rule->errnum, kill_only, next);
    return 0;
}

/* Deny entries first (so `allow: [ioctl]` with a deny of ioctl TIOCSTI
 * works), then allow entries, then the default. */
static int emit_layer(compiler_t *c, size_t index, bool kill_only, rp_error_t *err)
{
    const config_seccomp_t *layer = c->layers[index];
    size_t next = label_new(c);
    for (int pass = 0; pass < 2; pass++)
        for (size_t i = 0; i < layer->rule_count; i++) {
            const config_seccomp_rule_t *rule = &layer->rules[i];
            if ((rule->action == SECCOMP_ACTION_ALLOW) == (pass == 1) &&
                emit_rule(c, index, rule, kill_only, next, err) < 0)
                return -1;
        }
    seccomp_action_t action = seccomp_default_action(layer);
    if (action != SECCOMP_ACTION_ALLOW)
        emit_answer(c, index, action, layer->default_errnum, kill_only, next);
    label_here(c, next);
    return 0;
}

static void emit_prologue(compiler_t *c)
{
    emit(c, BPF_LD | BPF_W | BPF_ABS, DATA_ARCH, 0, 0);
    emit(c, BPF_JMP | BPF_JEQ | BPF_K, seccomp_native_arch, 1, 0);
    emit(c, BPF_RET | BPF_K, SECCOMP_RESULT_KILL_PROCESS, 0, 0);
#ifdef SECCOMP_X32_SYSCALL_BIT
    emit(c, BPF_LD | BPF_W | BPF_ABS, DATA_NR, 0, 0);
    emit(c, BPF_JMP | BPF_JGE | BPF_K, SECCOMP_X32_SYSCALL_BIT, 0, 1);
    emit(c, BPF_RET | BPF_K, SECCOMP_RESULT_KILL_PROCESS, 0, 0);
#endif
}

/* The errno blocks, emitted after the main path (a block may ask for
 * none: kill checks only run layers that can kill). */
static int emit_errno_blocks(compiler_t *c, rp_error_t *err)
{
    for (size_t b = 0; b < c->block_count; b++) {
        errno_block_t block = c->blocks[b];
        label_here(c, block.label);
        for (size_t i = block.layer + 1; i < c->layer_count; i++)
            if (layer_can_kill(c->layers[i]) && emit_layer(c, i, true, err) < 0)
                return -1;
        emit(c, BPF_RET | BPF_K, block.result, 0, 0);
    }
    return 0;
}

int seccomp_compile(arena_t *arena, const config_seccomp_t *policy,
                    seccomp_program_t *out, rp_error_t *err)
{
    const config_seccomp_t *const *layers, *single;
    size_t count = layers_of(policy, &layers, &single);
    *out = (seccomp_program_t){NULL, 0};
    if (!count)
        return 0;
    compiler_t c = {.arena = arena, .layer_count = count};
    const config_seccomp_t **leaf_first = arena_alloc(arena, count * sizeof *leaf_first);
    for (size_t i = 0; i < count; i++)
        leaf_first[i] = layers[count - 1 - i];
    c.layers = leaf_first;
    emit_prologue(&c);
    for (size_t i = 0; i < count; i++)
        if (emit_layer(&c, i, false, err) < 0)
            return -1;
    emit(&c, BPF_RET | BPF_K, SECCOMP_RESULT_ALLOW, 0, 0);
    if (emit_errno_blocks(&c, err) < 0)
        return -1;
    if (c.length > BPF_MAX_INSTRUCTIONS)
        return error_set(err, "seccomp policy too large: %zu instructions "
                         "(at most %d)", c.length, BPF_MAX_INSTRUCTIONS);
    for (size_t i = 0; i < c.patch_count; i++)
        c.code[c.patches[i].at].k =
            (uint32_t)(c.labels[c.patches[i].label] - c.patches[i].at - 1);
    *out = (seccomp_program_t){c.code, c.length};
    return 0;
}

int seccomp_load(const seccomp_program_t *program, rp_error_t *err)
{
    if (!program->length)
        return 0;
    struct {
        unsigned short length;
        seccomp_instruction_t *filter;
    } fprog = {(unsigned short)program->length, program->code};
    if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &fprog, 0, 0) < 0)
        return error_set_errno(err, errno, "cannot install seccomp filter");
    return 0;
}

/* ---- dump ----------------------------------------------------------------- */

static const char *action_name(seccomp_action_t action)
{
    return action == SECCOMP_ACTION_KILL ? "kill"
           : action == SECCOMP_ACTION_ERRNO ? "errno" : "allow";
}

static void dump_action(seccomp_action_t action, int errnum,
                        const config_seccomp_t *layer, FILE *out)
{
    fputs(action_name(action), out);
    if (action == SECCOMP_ACTION_ERRNO) {
        int value = errno_result(errnum, layer) & SECCOMP_RESULT_DATA;
        const char *name = seccomp_errno_name(value);
        if (name)
            fprintf(out, " %s", name);
        else
            fprintf(out, " %d", value);
    }
}

static void dump_rule(const config_seccomp_t *layer, size_t index,
                      const config_seccomp_rule_t *rule, FILE *out)
{
    bool allow = rule->action == SECCOMP_ACTION_ALLOW;
    fprintf(out, "seccomp layer %zu %s %s", index, allow ? "allow" : "deny",
            rule->syscall);
    if (rule->arg_op)
        fprintf(out, " arg%d%s0x%llx", rule->arg_index,
                rule->arg_op == SECCOMP_ARG_EQUAL ? "=" : "-has=",
                (unsigned long long)rule->arg_value);
    if (seccomp_syscall_number(rule->syscall) == SECCOMP_SYSCALL_ABSENT)
        fputs(" absent", out);
    else if (!allow) {
        fputc(' ', out);
        dump_action(rule->action, rule->errnum, layer, out);
    }
    fputc('\n', out);
}

void seccomp_dump(const config_seccomp_t *policy, FILE *out)
{
    const config_seccomp_t *const *layers, *single;
    size_t count = layers_of(policy, &layers, &single);
    if (!count)
        fputs("seccomp none\n", out);
    for (size_t i = 0; i < count; i++) {
        const config_seccomp_t *layer = layers[i];
        fprintf(out, "seccomp layer %zu default ", i + 1);
        dump_action(seccomp_default_action(layer), 0, layer, out);
        fprintf(out, " from=%s", layer->pos.file ? layer->pos.file : "-");
        if (layer->pos.line)
            fprintf(out, ":%d", layer->pos.line);
        fputc('\n', out);
        for (size_t r = 0; r < layer->rule_count; r++)
            dump_rule(layer, i + 1, &layer->rules[r], out);
    }
}
