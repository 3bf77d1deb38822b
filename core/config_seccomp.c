/* config_seccomp: the `config.seccomp` section of the loader's schema
 * (SPEC §6; README "Seccomp"):
 *
 *   seccomp:
 *     default: errno          # allow | errno | kill, for what is not listed
 *     errno: EPERM            # errno of errno answers (name or number)
 *     allow: [read, write]
 *     deny:
 *       - kexec_load
 *       - {syscall: ioctl, arg1: TIOCSTI}
 *       - {syscall: unshare, arg0-has: CLONE_NEWUSER, errno: EPERM}
 *       - {syscall: reboot, action: kill}
 *
 * Names and the policy's coherence are checked by core/seccomp.c. */
#include <string.h>

#include "config_parse.h"
#include "seccomp.h"

#define SECCOMP_FIELD(field) offsetof(config_seccomp_t, field)
#define RULE_FIELD(field) offsetof(config_seccomp_rule_t, field)

/* allow, errno, kill: index + 1 is the seccomp_action_t */
static const char *const action_names[] = {"allow", "errno", "kill"};

static int parse_action(config_loader_t *loader, const config_key_t *key,
                        void *target, const yaml_reader_event_t *value)
{
    int first = key->arg; /* 1 for deny entries: allow is not an answer */
    int found = config_parse_enum(loader, key, value, action_names + first,
                                  3 - first);
    if (found < 0)
        return -1;
    *KEY_FIELD(target, key, seccomp_action_t) = (seccomp_action_t)(found + first + 1);
    return 0;
}

static int parse_errno(config_loader_t *loader, const config_key_t *key,
                       void *target, const yaml_reader_event_t *value)
{
    if (config_parse_expect_scalar(loader, key, value) < 0)
        return -1;
    int errnum = seccomp_errno_from_name(value->scalar);
    if (errnum < 0)
        return config_parse_bad_value(loader, key, value,
                                      "an errno name such as EPERM or 1-4095");
    *KEY_FIELD(target, key, int) = errnum;
    return 0;
}

static int parse_syscall(config_loader_t *loader, const config_key_t *key,
                         void *target, const yaml_reader_event_t *value)
{
    if (config_parse_expect_scalar(loader, key, value) < 0)
        return -1;
    config_seccomp_rule_t *rule = target;
    rule->syscall = value->scalar;
    rule->pos = value->pos;
    return 0;
}

/* argN (equal) and argN-has (all bits set): key->arg is N, plus 6 for -has. */
static int parse_argument(config_loader_t *loader, const config_key_t *key,
                          void *target, const yaml_reader_event_t *value)
{
    if (config_parse_expect_scalar(loader, key, value) < 0)
        return -1;
    config_seccomp_rule_t *rule = target;
    if (rule->arg_op != SECCOMP_ARG_NONE)
        return error_at(loader->err, &value->pos,
                        "'%s': only one argument condition per entry", key->name);
    if (seccomp_argument_from_name(value->scalar, &rule->arg_value) < 0)
        return config_parse_bad_value(loader, key, value, "a number or a name "
                                      "such as TIOCSTI or CLONE_NEWUSER");
    rule->arg_index = key->arg % 6;
    rule->arg_op = key->arg < 6 ? SECCOMP_ARG_EQUAL : SECCOMP_ARG_HAS_BITS;
    return 0;
}

static const config_key_t deny_keys[] = {
    {"syscall", parse_syscall, 0, 0, true},
    {"action", parse_action, RULE_FIELD(action), 1},
    {"errno", parse_errno, RULE_FIELD(errnum)},
    {"arg0", parse_argument, 0, 0},      {"arg1", parse_argument, 0, 1},
    {"arg2", parse_argument, 0, 2},      {"arg3", parse_argument, 0, 3},
    {"arg4", parse_argument, 0, 4},      {"arg5", parse_argument, 0, 5},
    {"arg0-has", parse_argument, 0, 6},  {"arg1-has", parse_argument, 0, 7},
    {"arg2-has", parse_argument, 0, 8},  {"arg3-has", parse_argument, 0, 9},
    {"arg4-has", parse_argument, 0, 10}, {"arg5-has", parse_argument, 0, 11},
};
static const config_section_t deny_section = {"seccomp deny entry", deny_keys,
                                              KEY_COUNT(deny_keys)};

static config_seccomp_rule_t *rule_append(config_loader_t *loader,
                                          seccomp_action_t action,
                                          const yaml_reader_event_t *start)
{
    config_seccomp_t *policy = &loader->config->seccomp;
    policy->rules = config_parse_grow(loader, policy->rules,
                                      policy->rule_count, sizeof *policy->rules);
    config_seccomp_rule_t *rule = &policy->rules[policy->rule_count++];
    *rule = (config_seccomp_rule_t){.action = action, .pos = start->pos,
                                    .from = loader->config};
    if (start->type == YAML_READER_SCALAR)
        rule->syscall = start->scalar;
    return rule;
}

static int expect_name(config_loader_t *loader, const char *list,
                       const yaml_reader_event_t *start)
{
    if (start->type == YAML_READER_SCALAR && !start->null)
        return 0;
    return error_at(loader->err, &start->pos, "seccomp %s entry: expected a "
                    "syscall name, found %s", list,
                    start->null ? "an empty value" : yaml_reader_event_name(start->type));
}

static int parse_allow_entry(config_loader_t *loader, const yaml_reader_event_t *start)
{
    if (expect_name(loader, "allow", start) < 0)
        return -1;
    rule_append(loader, SECCOMP_ACTION_ALLOW, start);
    return 0;
}

static int parse_deny_entry(config_loader_t *loader, const yaml_reader_event_t *start)
{
    if (start->type == YAML_READER_MAPPING_START)
        return config_parse_section(loader, &deny_section,
                                    rule_append(loader, SECCOMP_ACTION_ERRNO, start),
                                    start);
    if (expect_name(loader, "deny", start) < 0)
        return -1;
    rule_append(loader, SECCOMP_ACTION_ERRNO, start);
    return 0;
}

static int parse_allow(config_loader_t *loader, const config_key_t *key,
                       void *target, const yaml_reader_event_t *value)
{
    (void)target;
    return config_parse_list(loader, key, value, parse_allow_entry);
}

static int parse_deny(config_loader_t *loader, const config_key_t *key,
                      void *target, const yaml_reader_event_t *value)
{
    (void)target;
    return config_parse_list(loader, key, value, parse_deny_entry);
}

static const config_key_t seccomp_keys[] = {
    {"default", parse_action, SECCOMP_FIELD(default_action), 0},
    {"errno", parse_errno, SECCOMP_FIELD(default_errnum)},
    {"allow", parse_allow},
    {"deny", parse_deny},
};
static const config_section_t seccomp_section = {"seccomp", seccomp_keys,
                                                 KEY_COUNT(seccomp_keys)};

int config_parse_seccomp(config_loader_t *loader, const config_key_t *key,
                         void *target, const yaml_reader_event_t *value)
{
    (void)key;
    config_seccomp_t *policy = &((config_t *)target)->seccomp;
    policy->pos = value->pos;
    policy->from = loader->config;
    if (config_parse_section(loader, &seccomp_section, policy, value) < 0)
        return -1;
    return seccomp_validate(policy, loader->err);
}
