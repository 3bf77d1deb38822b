/* Printing of a config_t. The walk over the configuration is written once
 * against a tiny emitter (maps, lists, scalars) that renders either YAML
 * or JSON, so both formats always show the same entries. */
#include "config_print.h"

#include "seccomp.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define PRINT_MAX_DEPTH 8

/* How a scalar is rendered: TEXT may need quoting in YAML and is a JSON
 * string; WORD (enum names) is a plain YAML word and a JSON string; RAW
 * (numbers, booleans) is written as is in both. */
typedef enum { SCALAR_TEXT, SCALAR_WORD, SCALAR_RAW } scalar_kind_t;

typedef struct origin {
    const config_t *from;
    const source_pos_t *pos;
} origin_t;

typedef struct level {
    bool list, first;
    int indent;           /* YAML: column of this level's keys or dashes */
    const origin_t *item; /* JSON: provenance of the list item it is */
} level_t;

typedef struct printer {
    FILE *out;
    bool json, provenance;
    int depth;
    level_t level[PRINT_MAX_DEPTH];
    bool dash_pending;           /* YAML: next line opens a list item */
    const origin_t *item_origin; /* YAML: comment for that first line */
    /* Sections opened only when something is printed in them. */
    const char *deferred[PRINT_MAX_DEPTH];
    int deferred_count;
} printer_t;

/* ---- scalars --------------------------------------------------------- */

/* Escapes for double-quoted strings; `control` formats other control
 * bytes (JSON and YAML spell them differently). */
static void print_escaped(FILE *out, const char *text, const char *control)
{
    for (const unsigned char *c = (const unsigned char *)text; *c; c++) {
        if (*c == '"' || *c == '\\')
            fprintf(out, "\\%c", *c);
        else if (*c == '\n')
            fputs("\\n", out);
        else if (*c == '\t')
            fputs("\\t", out);
        else if (*c < 0x20 || *c == 0x7f)
            fprintf(out, control, *c);
        else
            fputc(*c, out);
    }
}

void config_print_json_string(FILE *out, const char *text)
{
    fputc('"', out);
    print_escaped(out, text, "\\u%04x");
    fputc('"', out);
}

void config_print_yaml_escaped(FILE *out, const char *text)
{
    print_escaped(out, text, "\\x%02x");
}

void config_print_yaml_quoted(FILE *out, const char *text)
{
    fputc('"', out);
    config_print_yaml_escaped(out, text);
    fputc('"', out);
}

static bool yaml_reserved_word(const char *text)
{
    static const char *const words[] = {"null", "~", "true", "false", "yes",
                                        "no", "on", "off", "y", "n"};
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
        if (strcasecmp(text, words[i]) == 0)
            return true;
    return false;
}

/* Plain when a YAML reader gives back exactly `text` as a string. */
static bool yaml_plain_safe(const char *text)
{
    size_t length = strlen(text);
    if (length == 0 || yaml_reserved_word(text))
        return false;
    if (strchr("-?:,[]{}#&*!|>'\"%@` ", text[0]) || text[length - 1] == ' ' ||
        text[length - 1] == ':')
        return false;
    if (strstr(text, ": ") || strstr(text, " #"))
        return false;
    for (const unsigned char *c = (const unsigned char *)text; *c; c++)
        if (*c < 0x20 || *c == 0x7f)
            return false;
    return true;
}

void config_print_yaml_scalar(FILE *out, const char *text)
{
    if (yaml_plain_safe(text)) {
        fputs(text, out);
        return;
    }
    config_print_yaml_quoted(out, text);
}

/* ---- provenance ------------------------------------------------------ */

const char *config_origin_name(const config_t *from)
{
    if (!from)
        return "?";
    if (!from->node_path)
        return "main";
    if (from->alias.value)
        return from->alias.value;
    const char *base = strrchr(from->node_path, '/');
    return base && base[1] ? base + 1 : from->node_path;
}

static const char *origin_file(const origin_t *origin)
{
    if (origin->pos && origin->pos->file)
        return origin->pos->file;
    return origin->from && origin->from->file ? origin->from->file : "?";
}

static int origin_line(const origin_t *origin)
{
    return origin->pos ? origin->pos->line : 0;
}

static void yaml_comment(printer_t *p, const origin_t *origin)
{
    if (!p->provenance || !origin || !origin->from)
        return;
    fprintf(p->out, "  # from %s (%s:%d)", config_origin_name(origin->from),
            origin_file(origin), origin_line(origin));
}

static void json_origin(printer_t *p, const origin_t *origin)
{
    fputs("{\"node\": ", p->out);
    config_print_json_string(p->out, config_origin_name(origin->from));
    fputs(", \"file\": ", p->out);
    config_print_json_string(p->out, origin_file(origin));
    fprintf(p->out, ", \"line\": %d}", origin_line(origin));
}

/* ---- emitter --------------------------------------------------------- */

static level_t *top(printer_t *p)
{
    return &p->level[p->depth];
}

static void push(printer_t *p, bool list, int indent, const origin_t *item)
{
    if (p->depth + 1 < PRINT_MAX_DEPTH)
        p->depth++;
    *top(p) = (level_t){list, true, indent, item};
}

static void yaml_line_start(printer_t *p)
{
    int indent = top(p)->indent;
    if (p->dash_pending) {
        fprintf(p->out, "%*s- ", indent - 2, "");
        p->dash_pending = false;
    } else {
        fprintf(p->out, "%*s", indent, "");
    }
}

static void begin(printer_t *p, const char *key, bool list);

static void open_deferred(printer_t *p)
{
    int count = p->deferred_count;
    p->deferred_count = 0;
    for (int i = 0; i < count; i++)
        begin(p, p->deferred[i], false);
}

/* Starts a member of the current level: separator and key. */
static void member_start(printer_t *p, const char *key)
{
    open_deferred(p);
    if (p->json) {
        fprintf(p->out, "%s\n%*s", top(p)->first ? "" : ",", 2 * (p->depth + 1),
                "");
        if (key) {
            config_print_json_string(p->out, key);
            fputs(": ", p->out);
        }
    } else {
        yaml_line_start(p);
        if (key)
            fprintf(p->out, "%s:", key);
    }
    top(p)->first = false;
}

static void yaml_item_comment(printer_t *p)
{
    yaml_comment(p, p->item_origin);
    p->item_origin = NULL;
}

static void begin(printer_t *p, const char *key, bool list)
{
    member_start(p, key);
    if (p->json) {
        fputc(list ? '[' : '{', p->out);
    } else {
        yaml_item_comment(p);
        fputc('\n', p->out);
    }
    push(p, list, top(p)->indent + 2, NULL);
}

static void end(printer_t *p)
{
    level_t closed = *top(p);
    p->depth--;
    if (!p->json)
        return;
    if (closed.item && p->provenance) {
        fprintf(p->out, ",\n%*s\"from\": ", 2 * (p->depth + 2), "");
        json_origin(p, closed.item);
        closed.first = false;
    }
    if (!closed.first)
        fprintf(p->out, "\n%*s", 2 * (p->depth + 1), "");
    fputc(closed.list ? ']' : '}', p->out);
}

/* A list entry that is a map; `origin` is where the entry was defined. */
static void item_begin(printer_t *p, const origin_t *origin)
{
    if (p->json) {
        member_start(p, NULL);
        fputc('{', p->out);
        push(p, false, 0, origin);
        return;
    }
    top(p)->first = false;
    push(p, false, top(p)->indent + 2, NULL);
    p->dash_pending = true;
    p->item_origin = origin;
}

static void scalar_value(printer_t *p, const char *value, scalar_kind_t kind)
{
    if (kind == SCALAR_RAW || (!p->json && kind == SCALAR_WORD))
        fputs(value, p->out);
    else if (p->json)
        config_print_json_string(p->out, value);
    else
        config_print_yaml_scalar(p->out, value);
}

static void scalar(printer_t *p, const char *key, const char *value,
                   scalar_kind_t kind, const origin_t *origin)
{
    member_start(p, key);
    if (!p->json) {
        fputc(' ', p->out);
        scalar_value(p, value, kind);
        yaml_item_comment(p);
        yaml_comment(p, origin);
        fputc('\n', p->out);
    } else if (p->provenance && origin && origin->from) {
        fputs("{\"value\": ", p->out);
        scalar_value(p, value, kind);
        fputs(", \"from\": ", p->out);
        json_origin(p, origin);
        fputc('}', p->out);
    } else {
        scalar_value(p, value, kind);
    }
}

/* A map section that appears only if something is printed in it. */
static void section_begin(printer_t *p, const char *key)
{
    if (p->deferred_count < PRINT_MAX_DEPTH)
        p->deferred[p->deferred_count++] = key;
}

static void section_end(printer_t *p)
{
    if (p->deferred_count > 0)
        p->deferred_count--; /* never opened: nothing to close */
    else
        end(p);
}

/* ---- the configuration ----------------------------------------------- */

static void print_string(printer_t *p, const char *key,
                         const config_string_t *string)
{
    if (string->value)
        scalar(p, key, string->value, SCALAR_TEXT,
               &(origin_t){string->from, &string->pos});
}

static void print_headers(printer_t *p, const config_t *c)
{
    section_begin(p, "headers");
    print_string(p, "alias", &c->alias);
    print_string(p, "name", &c->name);
    print_string(p, "info", &c->info);
    section_end(p);
}

static void print_share(printer_t *p, const char *key,
                        const config_share_t *share)
{
    static const char *const modes[] = {"Unset", "Enabled", "Disabled"};
    if (share->mode == SHARE_UNSET)
        return;
    const origin_t origin = {share->from, &share->pos};
    if (share->mode == SHARE_JOIN)
        scalar(p, key, share->path, SCALAR_TEXT, &origin);
    else
        scalar(p, key, modes[share->mode], SCALAR_WORD, &origin);
}

/* Enabled/Disabled tags, or true/false for the booleans. */
static void print_flag(printer_t *p, const char *key, const config_flag_t *flag,
                       bool boolean)
{
    if (flag->value == TRISTATE_UNSET)
        return;
    bool on = flag->value == TRISTATE_ENABLED;
    const char *text = boolean ? (on ? "true" : "false")
                               : (on ? "Enabled" : "Disabled");
    scalar(p, key, text, boolean ? SCALAR_RAW : SCALAR_WORD,
           &(origin_t){flag->from, &flag->pos});
}

/* umask is written in octal, as a string so JSON keeps the leading 0. */
static void print_number(printer_t *p, const char *key,
                         const config_number_t *number, bool octal)
{
    char text[32];
    if (!number->set)
        return;
    snprintf(text, sizeof text, octal ? "%04llo" : "%lld", number->value);
    scalar(p, key, text, octal ? SCALAR_TEXT : SCALAR_RAW,
           &(origin_t){number->from, &number->pos});
}

static void print_capabilities(printer_t *p, const config_t *c)
{
    if (c->capability_count == 0)
        return;
    begin(p, "capabilities", true);
    for (size_t i = 0; i < c->capability_count; i++) {
        const config_capability_t *cap = &c->capabilities[i];
        item_begin(p, &(origin_t){cap->from, &cap->pos});
        scalar(p, "cap", capability_name(cap->cap), SCALAR_WORD, NULL);
        scalar(p, "add", cap->add ? "1" : "0", SCALAR_RAW, NULL);
        if (cap->info)
            scalar(p, "info", cap->info, SCALAR_TEXT, NULL);
        if (cap->warn)
            scalar(p, "warn", cap->warn, SCALAR_TEXT, NULL);
        end(p);
    }
    end(p);
}

static void print_cgroups(printer_t *p, const config_t *c)
{
    section_begin(p, "cgroups");
    for (int k = 0; k < CGROUP_KEY_COUNT; k++) {
        const char *section = config_cgroup_keys[k].section;
        if (k == 0 || strcmp(section, config_cgroup_keys[k - 1].section) != 0)
            section_begin(p, section);
        print_string(p, config_cgroup_keys[k].key, &c->cgroups[k]);
        if (k + 1 == CGROUP_KEY_COUNT ||
            strcmp(section, config_cgroup_keys[k + 1].section) != 0)
            section_end(p);
    }
    section_end(p);
}

static void print_rlimits(printer_t *p, const config_t *c)
{
    section_begin(p, "rlimits");
    for (int k = 0; k < CONFIG_RLIMIT_COUNT; k++) {
        const config_rlimit_t *limit = &c->rlimits[k];
        if (!limit->set)
            continue;
        char text[32];
        if (limit->value == CONFIG_RLIMIT_UNLIMITED)
            snprintf(text, sizeof text, "unlimited");
        else
            snprintf(text, sizeof text, "%llu",
                     (unsigned long long)limit->value);
        scalar(p, config_rlimit_names[k], text,
               limit->value == CONFIG_RLIMIT_UNLIMITED ? SCALAR_WORD
                                                       : SCALAR_RAW,
               &(origin_t){limit->from, &limit->pos});
    }
    section_end(p);
}

/* A plain scalar as one entry of the current list. */
static void list_scalar(printer_t *p, const char *value)
{
    if (p->json) {
        member_start(p, NULL);
        config_print_json_string(p->out, value);
        return;
    }
    open_deferred(p);
    fprintf(p->out, "%*s- ", top(p)->indent, "");
    config_print_yaml_scalar(p->out, value);
    fputc('\n', p->out);
    top(p)->first = false;
}

static void print_seccomp_rule(printer_t *p, const config_seccomp_rule_t *rule)
{
    item_begin(p, &(origin_t){rule->from, &rule->pos});
    scalar(p, "syscall", rule->syscall, SCALAR_WORD, NULL);
    if (rule->action == SECCOMP_ACTION_KILL)
        scalar(p, "action", "kill", SCALAR_WORD, NULL);
    const char *errnum = seccomp_errno_name(rule->errnum);
    if (rule->errnum && errnum)
        scalar(p, "errno", errnum, SCALAR_WORD, NULL);
    if (rule->arg_op != SECCOMP_ARG_NONE) {
        char key[16], value[32];
        snprintf(key, sizeof key, "arg%d%s", rule->arg_index,
                 rule->arg_op == SECCOMP_ARG_HAS_BITS ? "-has" : "");
        snprintf(value, sizeof value, "0x%llx",
                 (unsigned long long)rule->arg_value);
        scalar(p, key, value, SCALAR_WORD, NULL);
    }
    end(p);
}

static void print_seccomp_rules(printer_t *p, const config_seccomp_t *policy,
                                bool allow)
{
    bool opened = false;
    for (size_t i = 0; i < policy->rule_count; i++) {
        const config_seccomp_rule_t *rule = &policy->rules[i];
        if ((rule->action == SECCOMP_ACTION_ALLOW) != allow)
            continue;
        if (!opened)
            begin(p, allow ? "allow" : "deny", true);
        opened = true;
        if (allow)
            list_scalar(p, rule->syscall);
        else
            print_seccomp_rule(p, rule);
    }
    if (opened)
        end(p);
}

/* A file's own policy in its YAML form. */
static void print_seccomp_policy(printer_t *p, const config_seccomp_t *policy)
{
    static const char *const actions[] = {NULL, "allow", "errno", "kill"};
    const origin_t origin = {policy->from, &policy->pos};
    begin(p, "seccomp", false);
    if (policy->default_action != SECCOMP_ACTION_UNSET)
        scalar(p, "default", actions[policy->default_action], SCALAR_WORD,
               &origin);
    const char *errnum = seccomp_errno_name(policy->default_errnum);
    if (policy->default_errnum && errnum)
        scalar(p, "errno", errnum, SCALAR_WORD, &origin);
    print_seccomp_rules(p, policy, true);
    print_seccomp_rules(p, policy, false);
    end(p);
}

/* A merged configuration holds a stack of layers, which the schema of one
 * file cannot express: show seccomp_dump()'s lines, as YAML comments (the
 * output still loads back) or as a JSON list of strings. */
static void print_seccomp_layers(printer_t *p, const config_seccomp_t *policy)
{
    char *text = NULL;
    size_t size = 0;
    FILE *dump = open_memstream(&text, &size);
    if (!dump)
        return;
    seccomp_dump(policy, dump);
    fclose(dump);
    if (p->json)
        begin(p, "seccomp", true);
    for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
        if (p->json)
            list_scalar(p, line);
        else
            fprintf(p->out, "%*s# %s\n", top(p)->indent + 2, "", line);
    }
    if (p->json)
        end(p);
    free(text);
}

static void print_seccomp(printer_t *p, const config_t *c)
{
    if (c->seccomp.layer_count > 0)
        print_seccomp_layers(p, &c->seccomp);
    else if (seccomp_policy_set(&c->seccomp))
        print_seccomp_policy(p, &c->seccomp);
}

static void print_config_section(printer_t *p, const config_t *c)
{
    const struct {
        const char *key;
        const config_string_t *value;
    } strings[] = {
        {"path", &c->path},           {"ldpath", &c->ldpath},
        {"hostname", &c->hostname},   {"chdir", &c->chdir},
        {"set-user", &c->set_user},   {"set-group", &c->set_group},
        {"cgrouproot", &c->cgrouproot}, {"rpmdir", &c->rpmdir},
        {"persistdir", &c->persistdir}, {"cachedir", &c->cachedir},
    };
    const struct {
        const char *key;
        const config_flag_t *flag;
        bool boolean;
    } flags[] = {
        {"die-with-parent", &c->die_with_parent, false},
        {"new-session", &c->new_session, false},
        {"inherit-env", &c->inherit_env, true},
        {"map-root-user", &c->map_root_user, true},
        {"gpgcheck", &c->gpgcheck, true},
    };
    section_begin(p, "config");
    for (size_t i = 0; i < sizeof strings / sizeof strings[0]; i++)
        print_string(p, strings[i].key, strings[i].value);
    print_number(p, "umask", &c->umask, true);
    print_number(p, "verbose", &c->verbose, false);
    for (int k = 0; k < SHARE_COUNT; k++)
        print_share(p, config_share_names[k], &c->share[k]);
    for (size_t i = 0; i < sizeof flags / sizeof flags[0]; i++)
        print_flag(p, flags[i].key, flags[i].flag, flags[i].boolean);
    print_capabilities(p, c);
    print_cgroups(p, c);
    print_rlimits(p, c);
    print_seccomp(p, c);
    section_end(p);
}

static void print_extra_text(printer_t *p, const char *info, const char *warn)
{
    if (info)
        scalar(p, "info", info, SCALAR_TEXT, NULL);
    if (warn)
        scalar(p, "warn", warn, SCALAR_TEXT, NULL);
}

static void print_environ(printer_t *p, const config_t *c)
{
    if (c->environment_count == 0)
        return;
    begin(p, "environ", true);
    for (size_t i = 0; i < c->environment_count; i++) {
        const config_environ_t *entry = &c->environment[i];
        item_begin(p, &(origin_t){entry->from, &entry->pos});
        scalar(p, "mode", config_environ_mode_names[entry->mode], SCALAR_WORD,
               NULL);
        scalar(p, "key", entry->key, SCALAR_TEXT, NULL);
        if (entry->value)
            scalar(p, "value", entry->value, SCALAR_TEXT, NULL);
        print_extra_text(p, entry->info, entry->warn);
        end(p);
    }
    end(p);
}

static void print_exports(printer_t *p, const config_t *c)
{
    if (c->export_count == 0)
        return;
    begin(p, "exports", true);
    for (size_t i = 0; i < c->export_count; i++) {
        const config_export_t *entry = &c->exports[i];
        item_begin(p, &(origin_t){entry->from, &entry->pos});
        scalar(p, "mode", config_export_mode_names[entry->mode], SCALAR_WORD,
               NULL);
        if (entry->mount)
            scalar(p, "mount", entry->mount, SCALAR_TEXT, NULL);
        if (entry->path && (!entry->mount || strcmp(entry->path, entry->mount)))
            scalar(p, "path", entry->path, SCALAR_TEXT, NULL);
        print_extra_text(p, entry->info, entry->warn);
        end(p);
    }
    end(p);
}

void config_print(FILE *out, const config_t *config,
                  const config_print_options_t *options)
{
    printer_t p = {.out = out,
                   .json = options->format == CONFIG_PRINT_JSON,
                   .provenance = options->provenance};
    p.level[0].first = true;
    if (p.json)
        fputc('{', out);
    print_headers(&p, config);
    print_config_section(&p, config);
    print_environ(&p, config);
    print_exports(&p, config);
    if (p.json)
        fputs(top(&p)->first ? "}\n" : "\n}\n", out);
}
