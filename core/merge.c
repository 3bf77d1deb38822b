/* The Russian-doll merge. Files are applied as layers: main.yaml, the
 * nodes' normal files root-most first, then (admin mode) the admin files
 * root-most first, so a later layer overrides an earlier one and an admin
 * file outranks every normal file.
 *
 * Restrictions only tighten: a layer is checked against the restrictions
 * of the earlier layers of its own kind (normal against normal, admin
 * against admin; main.yaml only gives defaults and restricts nothing). A
 * violation is an error naming both nodes. */
#include "merge.h"

#include <string.h>

#include "expand.h"
#include "seccomp.h"

enum { GUARD_NORMAL, GUARD_ADMIN, GUARD_KINDS };
#define CAPABILITY_SLOTS 64

typedef struct layer {
    const config_t *config; /* expanded copy when options->expand */
    const node_t *node;     /* NULL for main.yaml */
    bool admin;
} layer_t;

/* What earlier layers of one kind forbid. */
typedef struct guard {
    const config_share_t *share[SHARE_COUNT]; /* DISABLED or JOIN */
    const config_rlimit_t *rlimit[CONFIG_RLIMIT_COUNT]; /* lowest limit */
    const config_flag_t *gpgcheck;                      /* turned on */
    uint64_t caps_dropped;
    const config_capability_t *cap_dropper[CAPABILITY_SLOTS];
} guard_t;

typedef struct merger {
    arena_t *arena;
    const node_chain_t *chain;
    config_t *merged;
    rp_error_t *err;
    guard_t guards[GUARD_KINDS];
    bool expanded; /* layers hold expanded copies */
} merger_t;

/* ---- messages -------------------------------------------------------- */

static const node_t *node_of(const merger_t *m, const config_t *config)
{
    for (size_t i = 0; config && config->node_path && i < m->chain->count; i++)
        if (strcmp(m->chain->nodes[i].path, config->node_path) == 0)
            return &m->chain->nodes[i];
    return NULL;
}

/* "node 'alias' (/path)" for the node a file belongs to. */
static const char *node_label(const merger_t *m, const config_t *config)
{
    const node_t *node = node_of(m, config);
    if (!node)
        return arena_printf(m->arena, "main configuration %s",
                            config ? config->file : "?");
    const char *alias = node->config && node->config->alias.value
                            ? node->config->alias.value : "?";
    return arena_printf(m->arena, "node '%s' (%s)", alias, node->path);
}

static const char *pos_text(const merger_t *m, const source_pos_t *pos)
{
    return arena_printf(m->arena, "%s:%d:%d", pos->file ? pos->file : "?",
                        pos->line, pos->column);
}

/* "FILE:L:C: node 'b' (/n/a/b) cannot WHAT: ancestor 'a' (/n/a) WHY at POS" */
static int merge_violation(merger_t *m, const source_pos_t *pos,
                           const config_t *child, const char *what,
                           const config_t *ancestor, const char *why,
                           const source_pos_t *ancestor_pos)
{
    const char *label = node_label(m, ancestor);
    if (strncmp(label, "node ", 5) == 0)
        label += 5;
    return error_at(m->err, pos, "%s cannot %s: ancestor %s %s at %s",
                    node_label(m, child), what, label, why,
                    pos_text(m, ancestor_pos));
}

/* ---- scalars ---------------------------------------------------------- */

static void merge_string(config_string_t *into, const config_string_t *from)
{
    if (from->value)
        *into = *from;
}

static void merge_scalars(config_t *merged, const config_t *config)
{
    config_string_t *into[] = {&merged->hostname, &merged->chdir,
                               &merged->set_user, &merged->set_group,
                               &merged->cgrouproot, &merged->rpmdir,
                               &merged->persistdir, &merged->cachedir};
    const config_string_t *from[] = {&config->hostname, &config->chdir,
                                     &config->set_user, &config->set_group,
                                     &config->cgrouproot, &config->rpmdir,
                                     &config->persistdir, &config->cachedir};
    for (size_t i = 0; i < sizeof into / sizeof into[0]; i++)
        merge_string(into[i], from[i]);
    for (int k = 0; k < CGROUP_KEY_COUNT; k++)
        merge_string(&merged->cgroups[k], &config->cgroups[k]);
    if (config->umask.set)
        merged->umask = config->umask;
    if (config->verbose.set)
        merged->verbose = config->verbose;
    config_flag_t *flags[] = {&merged->die_with_parent, &merged->new_session,
                              &merged->inherit_env, &merged->map_root_user};
    const config_flag_t *flags_from[] = {&config->die_with_parent,
                                         &config->new_session,
                                         &config->inherit_env,
                                         &config->map_root_user};
    for (size_t i = 0; i < sizeof flags / sizeof flags[0]; i++)
        if (flags_from[i]->value != TRISTATE_UNSET)
            *flags[i] = *flags_from[i];
}

/* ---- share_* ---------------------------------------------------------- */

/* What a file says for one namespace: its share_KIND, else its share_all. */
static const config_share_t *share_stated(const config_t *config, int kind)
{
    if (config->share[kind].mode != SHARE_UNSET)
        return &config->share[kind];
    if (config->share[SHARE_ALL].mode != SHARE_UNSET)
        return &config->share[SHARE_ALL];
    return NULL;
}

static bool share_allowed(const config_share_t *restriction,
                          const config_share_t *stated)
{
    if (stated->mode == SHARE_DISABLED)
        return true;
    return restriction->mode == SHARE_JOIN && stated->mode == SHARE_JOIN &&
           strcmp(restriction->path, stated->path) == 0;
}

static int merge_share(merger_t *m, const layer_t *layer, guard_t *guard)
{
    const config_t *config = layer->config;
    for (int kind = SHARE_ALL + 1; kind < SHARE_COUNT; kind++) {
        const config_share_t *stated = share_stated(config, kind);
        if (!stated)
            continue;
        const config_share_t *restriction = guard ? guard->share[kind] : NULL;
        const char *name = config_share_names[kind] + strlen("share_");
        if (restriction && !share_allowed(restriction, stated)) {
            const char *why = restriction->mode == SHARE_DISABLED
                ? "disabled it"
                : arena_printf(m->arena, "joins %s", restriction->path);
            return merge_violation(m, &stated->pos, config,
                                   arena_printf(m->arena, "re-share %s", name),
                                   restriction->from, why, &restriction->pos);
        }
        m->merged->share[kind] = *stated;
        if (guard && stated->mode != SHARE_ENABLED)
            guard->share[kind] = stated;
    }
    if (config->share[SHARE_ALL].mode != SHARE_UNSET)
        m->merged->share[SHARE_ALL] = config->share[SHARE_ALL];
    return 0;
}

/* Nothing stated at all: a new namespace (fail closed). */
static void merge_share_defaults(config_t *merged)
{
    for (int kind = SHARE_ALL + 1; kind < SHARE_COUNT; kind++)
        if (merged->share[kind].mode == SHARE_UNSET)
            merged->share[kind].mode = SHARE_DISABLED;
}

/* ---- capabilities ----------------------------------------------------- */

static uint64_t capability_bits_all(void)
{
    int last = capability_last();
    return last >= CAPABILITY_SLOTS - 1 ? UINT64_MAX
                                        : (UINT64_C(1) << (last + 1)) - 1;
}

static uint64_t capability_bits(int cap)
{
    if (cap == CAPABILITY_ALL)
        return capability_bits_all();
    return cap >= 0 && cap < CAPABILITY_SLOTS ? UINT64_C(1) << cap : 0;
}

uint64_t merge_capability_mask(const config_t *merged)
{
    uint64_t mask = 0;
    for (size_t i = 0; i < merged->capability_count; i++) {
        const config_capability_t *entry = &merged->capabilities[i];
        if (entry->add)
            mask |= capability_bits(entry->cap);
        else
            mask &= ~capability_bits(entry->cap);
    }
    return mask;
}

static int capability_check(merger_t *m, const config_t *config,
                            const config_capability_t *entry,
                            const guard_t *guard)
{
    uint64_t forbidden = guard->caps_dropped & capability_bits(entry->cap);
    if (!entry->add || !forbidden)
        return 0;
    int slot = __builtin_ctzll(forbidden);
    const config_capability_t *dropper = guard->cap_dropper[slot];
    const char *what = arena_printf(m->arena, "add capability %s",
                                    capability_name(entry->cap));
    const char *why = arena_printf(m->arena, "dropped %s",
                                   capability_name(dropper->cap));
    return merge_violation(m, &entry->pos, config, what, dropper->from, why,
                           &dropper->pos);
}

/* A node's own drops bind only its descendants (`ALL: 0` then adding a
 * few is the usual way to write a node), so the guard changes after the
 * whole file is checked. */
static void capability_guard_update(guard_t *guard, const config_t *config)
{
    for (size_t i = 0; i < config->capability_count; i++) {
        const config_capability_t *entry = &config->capabilities[i];
        uint64_t bits = capability_bits(entry->cap);
        if (entry->add) {
            guard->caps_dropped &= ~bits;
            continue;
        }
        guard->caps_dropped |= bits;
        for (int slot = 0; slot < CAPABILITY_SLOTS; slot++)
            if (bits & (UINT64_C(1) << slot))
                guard->cap_dropper[slot] = entry;
    }
}

static void capability_append(merger_t *m, const config_t *config)
{
    config_t *merged = m->merged;
    size_t count = merged->capability_count + config->capability_count;
    merged->capabilities = arena_grow(m->arena, merged->capabilities,
                                      merged->capability_count *
                                          sizeof *merged->capabilities,
                                      count * sizeof *merged->capabilities + 1);
    memcpy(merged->capabilities + merged->capability_count,
           config->capabilities,
           config->capability_count * sizeof *config->capabilities);
    merged->capability_count = count;
}

static int merge_capabilities(merger_t *m, const layer_t *layer, guard_t *guard)
{
    const config_t *config = layer->config;
    if (!config->capability_count)
        return 0;
    for (size_t i = 0; guard && i < config->capability_count; i++)
        if (capability_check(m, config, &config->capabilities[i], guard) < 0)
            return -1;
    if (guard)
        capability_guard_update(guard, config);
    capability_append(m, config);
    return 0;
}

/* ---- rlimits, gpgcheck, seccomp ------------------------------------- */

static const char *rlimit_text(merger_t *m, uint64_t value)
{
    if (value == CONFIG_RLIMIT_UNLIMITED)
        return "unlimited";
    return arena_printf(m->arena, "%llu", (unsigned long long)value);
}

static int merge_rlimits(merger_t *m, const layer_t *layer, guard_t *guard)
{
    for (int k = 0; k < CONFIG_RLIMIT_COUNT; k++) {
        const config_rlimit_t *limit = &layer->config->rlimits[k];
        if (!limit->set)
            continue;
        const config_rlimit_t *bound = guard ? guard->rlimit[k] : NULL;
        if (bound && limit->value > bound->value) {
            const char *what = arena_printf(m->arena, "raise rlimit %s to %s",
                                            config_rlimit_names[k],
                                            rlimit_text(m, limit->value));
            const char *why = arena_printf(m->arena, "limits it to %s",
                                           rlimit_text(m, bound->value));
            return merge_violation(m, &limit->pos, layer->config, what,
                                   bound->from, why, &bound->pos);
        }
        m->merged->rlimits[k] = *limit;
        if (guard)
            guard->rlimit[k] = limit;
    }
    return 0;
}

/* Signature checking guards package installation, which is what admin
 * files are for: one guard for both kinds, so no admin file can turn it
 * off once a node's file turned it on. */
static int merge_gpgcheck(merger_t *m, const layer_t *layer)
{
    guard_t *guard = layer->node ? &m->guards[GUARD_NORMAL] : NULL;
    const config_flag_t *flag = &layer->config->gpgcheck;
    if (flag->value == TRISTATE_UNSET)
        return 0;
    if (guard && guard->gpgcheck && flag->value == TRISTATE_DISABLED)
        return merge_violation(m, &flag->pos, layer->config,
                               "turn gpgcheck off", guard->gpgcheck->from,
                               "turned it on", &guard->gpgcheck->pos);
    m->merged->gpgcheck = *flag;
    if (guard && flag->value == TRISTATE_ENABLED && !guard->gpgcheck)
        guard->gpgcheck = flag;
    return 0;
}

/* Each node's policy is one layer of the stack (core/seccomp.h), so a
 * child only restricts more; a layer may not allow a syscall that an
 * earlier one (normal or admin) denies whole. main.yaml's policy is a
 * default: used only while no node sets one. */
static int merge_seccomp(merger_t *m, const layer_t *layer)
{
    const config_seccomp_t *policy = &layer->config->seccomp;
    config_seccomp_t *stack = &m->merged->seccomp;
    if (!seccomp_policy_set(policy))
        return 0;
    if (!layer->node) {
        *stack = *policy;
        return 0;
    }
    if (!stack->layer_count)
        *stack = (config_seccomp_t){0}; /* drop main.yaml's default */
    for (size_t i = 0; i < stack->layer_count; i++) {
        const source_pos_t *denied_at;
        const config_seccomp_rule_t *rule =
            seccomp_relaxes(policy, stack->layers[i], &denied_at);
        if (rule)
            return merge_violation(m, &rule->pos, layer->config,
                                   arena_printf(m->arena, "allow syscall %s",
                                                rule->syscall),
                                   stack->layers[i]->from, "denies it", denied_at);
    }
    seccomp_stack_push(m->arena, stack, policy);
    return 0;
}

/* ---- environ ---------------------------------------------------------- */

/* Later layers win per key: leaf-most, and admin files over normal ones. */
static void merge_environ(merger_t *m, const layer_t *layer)
{
    config_t *merged = m->merged;
    const config_t *config = layer->config;
    for (size_t i = 0; i < config->environment_count; i++) {
        const config_environ_t *entry = &config->environment[i];
        size_t at = 0;
        while (at < merged->environment_count &&
               strcmp(merged->environment[at].key, entry->key) != 0)
            at++;
        if (at == merged->environment_count)
            merged->environment = arena_grow(
                m->arena, merged->environment,
                at * sizeof *merged->environment,
                (at + 1) * sizeof *merged->environment);
        merged->environment[at] = *entry;
        if (at == merged->environment_count)
            merged->environment_count++;
    }
}

/* ---- exports ---------------------------------------------------------- */

static bool export_private(export_mode_t mode)
{
    return mode == EXPORT_PRIVATE || mode == EXPORT_PRIVATE_RESTRICTED ||
           mode == EXPORT_PRIVATE_FILE;
}

/* Mount points compare without repeated or trailing slashes. */
static bool mount_same(const char *a, const char *b)
{
    for (;;) {
        while (a[0] == '/' && (a[1] == '/' || a[1] == '\0'))
            a++;
        while (b[0] == '/' && (b[1] == '/' || b[1] == '\0'))
            b++;
        if (*a != *b)
            return false;
        if (!*a)
            return true;
        a++, b++;
    }
}

static int export_conflict(merger_t *m, const layer_t *layer,
                           const config_export_t *entry,
                           const config_export_t *earlier)
{
    const config_t *config = layer->config;
    if (earlier->from == entry->from)
        return error_at(m->err, &entry->pos, "%s defines mount %s twice "
                        "(first at %s)", node_label(m, config), entry->mount,
                        pos_text(m, &earlier->pos));
    return merge_violation(m, &entry->pos, config,
                           arena_printf(m->arena, "redefine mount %s",
                                        entry->mount),
                           earlier->from, "defines it", &earlier->pos);
}

/* `text` as it will be used. Unexpanded layers are compared with the
 * predefined names substituted ($NODE_ALIAS differs per node), without
 * running $(...) for it. */
static const char *merge_key(merger_t *m, const node_t *node, const char *text,
                             const source_pos_t *pos)
{
    if (m->expanded)
        return text;
    const node_t *leaf = &m->chain->nodes[m->chain->count - 1];
    expand_context_t context = {node ? node : leaf, leaf, false};
    char *expanded;
    rp_error_t ignored;
    if (expand_string(m->arena, &context, text, pos, &expanded, &ignored) < 0)
        return text;
    return expanded;
}

/* Called for every pair of exports: the node is looked up only when the
 * key has to be expanded. */
static const char *mount_key(merger_t *m, const config_export_t *entry)
{
    if (m->expanded)
        return entry->mount;
    return merge_key(m, node_of(m, entry->from), entry->mount, &entry->pos);
}

/* Index of the export `entry` replaces, or -1 for a new one; -2 on error.
 * Defaults of main.yaml may be replaced; an admin file may replace a
 * normal file's entry; anything else is a redefinition. */
static long export_slot(merger_t *m, const layer_t *layer,
                        const config_export_t *entry)
{
    config_t *merged = m->merged;
    for (size_t i = 0; i < merged->export_count; i++) {
        const config_export_t *earlier = &merged->exports[i];
        if (!mount_same(mount_key(m, earlier), mount_key(m, entry)))
            continue;
        bool from_main = earlier->from->node_path == NULL;
        bool admin_over_normal = layer->admin && !earlier->from->admin;
        if (layer->node && (from_main || admin_over_normal) &&
            earlier->from != entry->from)
            return (long)i;
        export_conflict(m, layer, entry, earlier);
        return -2;
    }
    return -1;
}

static int merge_exports(merger_t *m, const layer_t *layer)
{
    config_t *merged = m->merged;
    const config_t *config = layer->config;
    bool leaf = !layer->node ||
                layer->node == &m->chain->nodes[m->chain->count - 1];
    for (size_t i = 0; i < config->export_count; i++) {
        const config_export_t *entry = &config->exports[i];
        if (!leaf && export_private(entry->mode))
            continue;
        long slot = export_slot(m, layer, entry);
        if (slot == -2)
            return -1;
        if (slot >= 0) {
            merged->exports[slot] = *entry;
            continue;
        }
        merged->exports = arena_grow(m->arena, merged->exports,
                                     merged->export_count * sizeof *entry,
                                     (merged->export_count + 1) * sizeof *entry);
        merged->exports[merged->export_count++] = *entry;
    }
    return 0;
}

/* ---- path and ldpath -------------------------------------------------- */

static bool path_list_has(const char **keys, size_t count, const char *key)
{
    for (size_t i = 0; i < count; i++)
        if (strcmp(keys[i], key) == 0)
            return true;
    return false;
}

static const config_string_t *path_field(const config_t *config, bool ldpath)
{
    return ldpath ? &config->ldpath : &config->path;
}

/* Components of every layer's value, leaf-most layer first, each once
 * (compared as they will be used: see merge_key). */
static void merge_path_list(merger_t *m, const layer_t *layers, size_t count,
                            bool ldpath)
{
    config_string_t *into = (config_string_t *)path_field(m->merged, ldpath);
    size_t capacity = 1, components = 0, used = 0;
    for (size_t i = 0; i < count; i++) {
        const char *value = path_field(layers[i].config, ldpath)->value;
        for (const char *p = value; p && *p; p++)
            components += *p == ':';
        capacity += value ? strlen(value) + 1 : 0;
        components += value != NULL;
    }
    char *joined = arena_alloc(m->arena, capacity);
    const char **keys = arena_alloc(m->arena, (components + 1) * sizeof *keys);
    size_t key_count = 0;
    for (size_t i = count; i-- > 0;) {
        const config_string_t *s = path_field(layers[i].config, ldpath);
        if (!s->value)
            continue;
        if (!into->value)
            *into = *s;
        for (const char *p = s->value; *p;) {
            size_t n = strcspn(p, ":");
            char *component = arena_strndup(m->arena, p, n);
            const char *key = merge_key(m, layers[i].node, component, &s->pos);
            if (n && !path_list_has(keys, key_count, key)) {
                keys[key_count++] = key;
                if (used)
                    joined[used++] = ':';
                memcpy(joined + used, p, n);
                used += n;
            }
            p += n + (p[n] == ':');
        }
    }
    if (into->value)
        into->value = joined;
}

/* ---- layers ----------------------------------------------------------- */

static int layer_add(merger_t *m, const merge_options_t *options,
                     layer_t *layer, const config_t *config,
                     const node_t *node, bool admin)
{
    *layer = (layer_t){config, node, admin};
    if (!options->expand)
        return 0;
    const node_t *leaf = &m->chain->nodes[m->chain->count - 1];
    /* main.yaml holds defaults for the leaf: its NODE_* is the leaf. */
    expand_context_t context = {node ? node : leaf, leaf, true,
                                options->keep_commands};
    config_t *expanded;
    if (expand_config(m->arena, &context, config, &expanded, m->err) < 0)
        return -1;
    layer->config = expanded;
    return 0;
}

/* main.yaml, normal files root-most first, then admin files. */
static int layers_build(merger_t *m, const merge_options_t *options,
                        layer_t *layers, size_t *count)
{
    const node_chain_t *chain = m->chain;
    size_t n = 0;
    if (chain->main &&
        layer_add(m, options, &layers[n++], chain->main, NULL, false) < 0)
        return -1;
    for (size_t i = 0; i < chain->count; i++)
        if (layer_add(m, options, &layers[n++], chain->nodes[i].config,
                      &chain->nodes[i], false) < 0)
            return -1;
    for (size_t i = 0; options->admin && i < chain->count; i++)
        if (chain->nodes[i].admin &&
            layer_add(m, options, &layers[n++], chain->nodes[i].admin,
                      &chain->nodes[i], true) < 0)
            return -1;
    *count = n;
    return 0;
}

static int merge_layer(merger_t *m, const layer_t *layer)
{
    guard_t *guard = layer->node ? &m->guards[layer->admin ? GUARD_ADMIN
                                                           : GUARD_NORMAL]
                                 : NULL;
    if (merge_share(m, layer, guard) < 0 ||
        merge_capabilities(m, layer, guard) < 0 ||
        merge_rlimits(m, layer, guard) < 0 ||
        merge_gpgcheck(m, layer) < 0 ||
        merge_seccomp(m, layer) < 0 || merge_exports(m, layer) < 0)
        return -1;
    merge_scalars(m->merged, layer->config);
    merge_environ(m, layer);
    return 0;
}

int merge_chain(arena_t *arena, const node_chain_t *chain,
                const merge_options_t *options, config_t **merged,
                rp_error_t *err)
{
    if (!chain->count)
        return error_set(err, "empty node chain");
    const node_t *leaf = &chain->nodes[chain->count - 1];
    merger_t *m = arena_alloc(arena, sizeof *m);
    *m = (merger_t){.arena = arena, .chain = chain, .err = err,
                    .merged = arena_alloc(arena, sizeof *m->merged),
                    .expanded = options->expand};
    layer_t *layers = arena_alloc(arena, (2 * chain->count + 1) * sizeof *layers);
    size_t count;
    if (layers_build(m, options, layers, &count) < 0)
        return -1;
    for (size_t i = 0; i < count; i++)
        if (merge_layer(m, &layers[i]) < 0)
            return -1;
    config_t *result = m->merged;
    merge_path_list(m, layers, count, false);
    merge_path_list(m, layers, count, true);
    merge_share_defaults(result);
    result->file = leaf->config_file;
    result->node_path = leaf->path;
    result->admin = options->admin;
    result->alias = leaf->config->alias;
    result->name = leaf->config->name;
    result->info = leaf->config->info;
    *merged = result;
    return 0;
}
