#include "plan.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "merge.h"
#include "seccomp.h"

const char *const plan_namespace_names[PLAN_NS_COUNT] = {
    "user", "mount", "pid", "ipc", "uts", "net", "cgroup", "time",
};

/* Namespaces configured by a share_* key (the others are decided here). */
static const share_kind_t plan_share_keys[PLAN_NS_COUNT] = {
    [PLAN_NS_USER] = SHARE_USER, [PLAN_NS_MOUNT] = SHARE_ALL,
    [PLAN_NS_PID] = SHARE_PID, [PLAN_NS_IPC] = SHARE_IPC,
    [PLAN_NS_UTS] = SHARE_ALL, [PLAN_NS_NET] = SHARE_NET,
    [PLAN_NS_CGROUP] = SHARE_CGROUP, [PLAN_NS_TIME] = SHARE_TIME,
};

static plan_namespace_t plan_namespace_from_share(const config_share_t *share)
{
    plan_namespace_t ns = {PLAN_NS_NEW, NULL};
    if (share->mode == SHARE_ENABLED)
        ns.action = PLAN_NS_HOST;
    else if (share->mode == SHARE_JOIN) {
        ns.action = PLAN_NS_JOIN;
        ns.path = share->path;
    }
    return ns; /* DISABLED and (never expected) UNSET: new, fail closed */
}

static void plan_namespaces(plan_t *plan, const config_t *merged,
                            const plan_options_t *options)
{
    for (int k = 0; k < PLAN_NS_COUNT; k++)
        if (plan_share_keys[k] != SHARE_ALL)
            plan->namespaces[k] =
                plan_namespace_from_share(&merged->share[plan_share_keys[k]]);
    plan->namespaces[PLAN_NS_MOUNT].action = PLAN_NS_NEW;
    /* without root, only a user namespace of our own allows the rest */
    if (options->uid != 0 && plan->namespaces[PLAN_NS_USER].action == PLAN_NS_HOST)
        plan->namespaces[PLAN_NS_USER].action = PLAN_NS_NEW;
    bool host_uts = !merged->hostname.value &&
                    merged->share[SHARE_ALL].mode == SHARE_ENABLED;
    plan->namespaces[PLAN_NS_UTS].action = host_uts ? PLAN_NS_HOST : PLAN_NS_NEW;
}

/* ---- identities ---- */

static int plan_parse_id(const plan_options_t *options, const char *name,
                         bool group, unsigned long *id, rp_error_t *err)
{
    char *end;
    errno = 0;
    unsigned long value = strtoul(name, &end, 10);
    if (*name && *end == '\0' && errno == 0 && value < UINT32_MAX) {
        *id = value;
        return 0;
    }
    if (options->resolve_id && options->resolve_id(name, group, id) == 0)
        return 0;
    return error_set(err, "unknown %s '%s'", group ? "group" : "user", name);
}

/* The user namespace maps the caller to itself (or to root with
 * map-root-user). Root gets the whole identity map when it runs the
 * program as another user (written by a helper in the host namespace). */
static void plan_id_maps(plan_t *plan, const config_t *merged,
                         const plan_options_t *options, bool other_ids,
                         uid_t *uid, gid_t *gid)
{
    *uid = options->uid;
    *gid = options->gid;
    if (plan->namespaces[PLAN_NS_USER].action != PLAN_NS_NEW)
        return;
    if (options->uid == 0 && other_ids) {
        plan->uid_map = (plan_id_map_t){0, 0, UINT32_MAX};
        plan->gid_map = (plan_id_map_t){0, 0, UINT32_MAX};
        return;
    }
    bool root = options->uid == 0 || merged->map_root_user.value == TRISTATE_ENABLED;
    plan->uid_map = (plan_id_map_t){root ? 0 : options->uid, options->uid, 1};
    plan->gid_map = (plan_id_map_t){root ? 0 : options->gid, options->gid, 1};
    plan->deny_setgroups = true;
    *uid = plan->uid_map.inside;
    *gid = plan->gid_map.inside;
}

static bool plan_id_mapped(const plan_id_map_t *map, unsigned long id)
{
    return map->count == 0 || (id >= map->inside && id - map->inside < map->count);
}

static int plan_identity(plan_t *plan, const config_t *merged,
                         const plan_options_t *options, rp_error_t *err)
{
    const char *user = options->user ? options->user : merged->set_user.value;
    const char *group = options->group ? options->group : merged->set_group.value;
    unsigned long uid = 0, gid = 0;
    if ((user && plan_parse_id(options, user, false, &uid, err) < 0) ||
        (group && plan_parse_id(options, group, true, &gid, err) < 0))
        return -1;
    uid_t inside_uid;
    gid_t inside_gid;
    plan_id_maps(plan, merged, options, uid != 0 || gid != 0, &inside_uid,
                 &inside_gid);
    if (user && !plan_id_mapped(&plan->uid_map, uid))
        return error_set(err, "cannot run as user %s: only uid %u is mapped "
                         "in the user namespace", user, plan->uid_map.inside);
    if (group && !plan_id_mapped(&plan->gid_map, gid))
        return error_set(err, "cannot run as group %s: only gid %u is mapped "
                         "in the user namespace", group, plan->gid_map.inside);
    bool joined = plan->namespaces[PLAN_NS_USER].action == PLAN_NS_JOIN;
    plan->keep_caller_uid = joined && !user;
    plan->keep_caller_gid = joined && !group;
    plan->uid = user ? (uid_t)uid : inside_uid;
    plan->gid = group ? (gid_t)gid : inside_gid;
    plan->drop_groups = true;
    return 0;
}

/* ---- mounts ---- */

/* Per export mode: what to do and with which flags. */
static const struct {
    plan_mount_kind_t kind;
    unsigned flags;
    unsigned tmpfs_mode;
} plan_export_rules[EXPORT_MODE_COUNT] = {
    [EXPORT_PUBLIC] = {PLAN_MOUNT_BIND, PLAN_MOUNT_CREATE, 0},
    [EXPORT_RESTRICTED] = {PLAN_MOUNT_BIND, PLAN_MOUNT_CREATE | PLAN_MOUNT_READONLY, 0},
    [EXPORT_PRIVATE] = {PLAN_MOUNT_BIND, PLAN_MOUNT_CREATE, 0},
    [EXPORT_PRIVATE_RESTRICTED] = {PLAN_MOUNT_BIND, PLAN_MOUNT_CREATE | PLAN_MOUNT_READONLY, 0},
    [EXPORT_PUBLIC_FILE] = {PLAN_MOUNT_BIND, PLAN_MOUNT_FILE | PLAN_MOUNT_OPTIONAL, 0},
    [EXPORT_RESTRICTED_FILE] = {PLAN_MOUNT_BIND, PLAN_MOUNT_FILE | PLAN_MOUNT_OPTIONAL | PLAN_MOUNT_READONLY, 0},
    [EXPORT_PRIVATE_FILE] = {PLAN_MOUNT_BIND, PLAN_MOUNT_FILE | PLAN_MOUNT_OPTIONAL, 0},
    [EXPORT_ANONYMOUS] = {PLAN_MOUNT_TMPFS, 0, 0755},
    [EXPORT_TMPFS] = {PLAN_MOUNT_TMPFS, 0, 01777},
    [EXPORT_PROCFS] = {PLAN_MOUNT_PROC, 0, 0},
    [EXPORT_DEVFS] = {PLAN_MOUNT_DEV, 0, 0755},
    [EXPORT_MQUEUE] = {PLAN_MOUNT_MQUEUE, 0, 0},
    [EXPORT_SYMLINK] = {PLAN_MOUNT_SYMLINK, 0, 0},
    [EXPORT_EXECFD] = {PLAN_MOUNT_DATA, PLAN_MOUNT_FILE | PLAN_MOUNT_READONLY, 0},
    [EXPORT_INTERNAL] = {PLAN_MOUNT_DATA, PLAN_MOUNT_FILE | PLAN_MOUNT_READONLY, 0},
    [EXPORT_LOCK] = {PLAN_MOUNT_LOCK, PLAN_MOUNT_FILE | PLAN_MOUNT_READONLY, 0},
};

/* Absolute, no `.` or `..` component, single slashes, no trailing slash. */
static char *plan_clean_path(arena_t *arena, const char *path)
{
    if (!path || path[0] != '/')
        return NULL;
    char *clean = arena_alloc(arena, strlen(path) + 2);
    size_t used = 0;
    for (const char *p = path; *p;) {
        while (*p == '/')
            p++;
        size_t length = strcspn(p, "/");
        if (length == 0)
            break;
        if ((length == 1 && p[0] == '.') || (length == 2 && p[0] == '.' && p[1] == '.'))
            return NULL;
        clean[used++] = '/';
        memcpy(clean + used, p, length);
        used += length;
        p += length;
    }
    if (used == 0)
        clean[used++] = '/';
    clean[used] = '\0';
    return clean;
}

static int plan_export_source(arena_t *arena, const config_export_t *export,
                              plan_mount_t *mount, rp_error_t *err)
{
    const char *path = export->path ? export->path : export->mount;
    switch (mount->kind) {
    case PLAN_MOUNT_BIND:
    case PLAN_MOUNT_LOCK:
        mount->source = plan_clean_path(arena, path);
        if (!mount->source)
            return error_at(err, &export->pos, "export %s: source '%s' must be "
                            "an absolute path without '..'", export->mount, path);
        return 0;
    case PLAN_MOUNT_SYMLINK:
    case PLAN_MOUNT_DATA:
        if (!export->path || !*export->path)
            return error_at(err, &export->pos, "export %s: mode %s needs a path",
                            export->mount, config_export_mode_names[export->mode]);
        mount->source = export->path;
        if (export->mode != EXPORT_INTERNAL)
            return 0;
        char *end;
        long fd = strtol(export->path, &end, 10);
        if (*end || fd < 0 || fd > 1023)
            return error_at(err, &export->pos, "export %s: Internal path must be "
                            "a file descriptor number, not '%s'", export->mount,
                            export->path);
        return 0;
    default:
        mount->source = NULL;
        return 0;
    }
}

static int plan_mount_from_export(arena_t *arena, const config_export_t *export,
                                  bool strict, plan_mount_t *mount,
                                  rp_error_t *err)
{
    if (export->mode >= EXPORT_MODE_COUNT)
        return error_at(err, &export->pos, "export %s: unknown mode", export->mount);
    mount->kind = plan_export_rules[export->mode].kind;
    mount->flags = plan_export_rules[export->mode].flags;
    mount->tmpfs_mode = plan_export_rules[export->mode].tmpfs_mode;
    mount->mode = export->mode;
    mount->pos = export->pos;
    if (strict)
        mount->flags &= ~(unsigned)(PLAN_MOUNT_CREATE | PLAN_MOUNT_OPTIONAL);
    mount->target = plan_clean_path(arena, export->mount);
    if (!mount->target || strcmp(mount->target, "/") == 0)
        return error_at(err, &export->pos, "export '%s': mount must be an "
                        "absolute path below / without '..'",
                        export->mount ? export->mount : "");
    return plan_export_source(arena, export, mount, err);
}

static size_t plan_path_depth(const char *path)
{
    size_t depth = 0;
    for (; *path; path++)
        depth += *path == '/';
    return depth;
}

/* Parents before children; equal depths keep the configuration order
 * (insertion sort: stable, and there are tens of mounts, not thousands). */
static void plan_sort_mounts(plan_mount_t *mounts, size_t count)
{
    for (size_t i = 1; i < count; i++) {
        plan_mount_t moving = mounts[i];
        size_t depth = plan_path_depth(moving.target), j = i;
        for (; j > 0 && plan_path_depth(mounts[j - 1].target) > depth; j--)
            mounts[j] = mounts[j - 1];
        mounts[j] = moving;
    }
}

/* `path` equals `dir` or lies below it. */
static const char *plan_path_below(const char *path, const char *dir)
{
    size_t length = strcmp(dir, "/") == 0 ? 0 : strlen(dir);
    if (strncmp(path, dir, length) != 0 || (path[length] && path[length] != '/'))
        return NULL;
    return path + length;
}

/* What of a node a run never gets writable: its configuration, its
 * status file and, outside admin mode, its rpm database. */
static const struct {
    const char *path, *what;
    bool file, admin_writable;
} plan_protected[] = {
    {"/etc", "the configuration", false, false},
    {"/.rednode.yaml", "the status file", true, false},
    {"/var/lib/rpm", "the rpm database", false, true},
};
#define PLAN_PROTECTED_COUNT (sizeof plan_protected / sizeof plan_protected[0])

/* A writable bind that shows a protected path of a node gets a read-only
 * bind of it on top; a writable bind of (a part of) one is refused. */
static int plan_protect_node(arena_t *arena, plan_t *plan,
                             const plan_mount_t *bind, const char *node,
                             bool admin, rp_error_t *err)
{
    for (size_t i = 0; i < PLAN_PROTECTED_COUNT; i++) {
        if (admin && plan_protected[i].admin_writable)
            continue;
        const char *path = arena_printf(arena, "%s%s", node, plan_protected[i].path);
        if (plan_path_below(bind->source, path))
            return error_at(err, &bind->pos, "export %s: refusing to make %s "
                            "of node %s writable", bind->target,
                            plan_protected[i].what, node);
        const char *rest = plan_path_below(path, bind->source);
        if (!rest || (bind->flags & PLAN_MOUNT_FILE))
            continue;
        plan_mount_t *guard = &plan->mounts[plan->mount_count++];
        *guard = *bind;
        guard->source = path;
        guard->target = arena_printf(arena, "%s%s", bind->target, rest);
        guard->flags = PLAN_MOUNT_READONLY | PLAN_MOUNT_OPTIONAL | PLAN_MOUNT_GUARD |
                       (plan_protected[i].file ? PLAN_MOUNT_FILE : 0);
    }
    return 0;
}

static int plan_mounts(arena_t *arena, plan_t *plan, const config_t *merged,
                       const plan_options_t *options, rp_error_t *err)
{
    size_t most = merged->export_count *
                  (1 + PLAN_PROTECTED_COUNT * options->node_count);
    plan->mounts = arena_alloc(arena, (most + 1) * sizeof *plan->mounts);
    for (size_t i = 0; i < merged->export_count; i++) {
        plan_mount_t *mount = &plan->mounts[plan->mount_count++];
        if (plan_mount_from_export(arena, &merged->exports[i], options->strict,
                                   mount, err) < 0)
            return -1;
    }
    size_t exported = plan->mount_count;
    for (size_t i = 0; i < exported; i++) {
        plan_mount_t bind = plan->mounts[i];
        if (bind.kind != PLAN_MOUNT_BIND || (bind.flags & PLAN_MOUNT_READONLY))
            continue;
        for (size_t n = 0; n < options->node_count; n++)
            if (plan_protect_node(arena, plan, &bind, options->node_paths[n],
                                  merged->admin, err) < 0)
                return -1;
    }
    plan_sort_mounts(plan->mounts, plan->mount_count);
    for (size_t i = 1; i < plan->mount_count; i++)
        for (size_t j = 0; j < i; j++)
            if (strcmp(plan->mounts[i].target, plan->mounts[j].target) == 0)
                return error_at(err, &plan->mounts[i].pos,
                                "mount point %s is exported twice",
                                plan->mounts[i].target);
    return 0;
}

/* ---- environment ---- */

static void plan_env_add(plan_t *plan, plan_env_action_t action,
                         const char *key, const char *value)
{
    plan->env[plan->env_count++] = (plan_env_t){action, key, value};
}

const char *plan_env_lookup(char *const *environ, const char *key)
{
    size_t length = strlen(key);
    for (; environ && *environ; environ++)
        if (strncmp(*environ, key, length) == 0 && (*environ)[length] == '=')
            return *environ + length + 1;
    return NULL;
}

/* PATH-like variables: the configured list first, then what the program
 * would have had (inherited value, or the default). */
static void plan_env_search_path(arena_t *arena, plan_t *plan, const char *key,
                                 const char *configured, const char *fallback,
                                 char *const *environ)
{
    const char *current = plan->inherit_env ? plan_env_lookup(environ, key) : NULL;
    if (!current)
        current = fallback;
    if (configured && current && *current)
        plan_env_add(plan, PLAN_ENV_SET, key,
                     arena_printf(arena, "%s:%s", configured, current));
    else if (configured || current)
        plan_env_add(plan, PLAN_ENV_SET, key, configured ? configured : current);
}

static int plan_environment(arena_t *arena, plan_t *plan, const config_t *merged,
                            const plan_options_t *options, rp_error_t *err)
{
    plan->inherit_env = merged->inherit_env.value == TRISTATE_ENABLED;
    plan->env = arena_alloc(arena, (merged->environment_count + 2) * sizeof *plan->env);
    plan_env_search_path(arena, plan, "PATH", merged->path.value,
                         "/usr/bin:/bin", options->environ);
    plan_env_search_path(arena, plan, "LD_LIBRARY_PATH", merged->ldpath.value,
                         NULL, options->environ);
    for (size_t i = 0; i < merged->environment_count; i++) {
        const config_environ_t *entry = &merged->environment[i];
        if (!entry->key || !*entry->key || strchr(entry->key, '='))
            return error_at(err, &entry->pos, "invalid environment name '%s'",
                            entry->key ? entry->key : "");
        const char *inherited;
        switch (entry->mode) {
        case ENVIRON_DEFAULT:
        case ENVIRON_STATIC:
            plan_env_add(plan, PLAN_ENV_SET, entry->key, entry->value ? entry->value : "");
            break;
        case ENVIRON_EXECFD:
            plan_env_add(plan, PLAN_ENV_EXECFD, entry->key, entry->value);
            break;
        case ENVIRON_REMOVE:
            plan_env_add(plan, PLAN_ENV_UNSET, entry->key, NULL);
            break;
        case ENVIRON_INHERIT:
            inherited = plan_env_lookup(options->environ, entry->key);
            plan_env_add(plan, inherited ? PLAN_ENV_SET : PLAN_ENV_UNSET,
                         entry->key, inherited);
            break;
        default:
            return error_at(err, &entry->pos, "environment %s: unknown mode",
                            entry->key);
        }
    }
    return 0;
}

/* ---- the rest ---- */

static int plan_scalars(plan_t *plan, const config_t *merged, rp_error_t *err)
{
    plan->capabilities = merge_capability_mask(merged);
    for (int k = 0; k < CONFIG_RLIMIT_COUNT; k++)
        plan->rlimits[k] = (plan_rlimit_t){merged->rlimits[k].set,
                                           merged->rlimits[k].value};
    plan->hostname = merged->hostname.value;
    plan->chdir = merged->chdir.value ? merged->chdir.value : "/";
    if (plan->chdir[0] != '/')
        return error_at(err, &merged->chdir.pos, "chdir '%s' must be absolute",
                        plan->chdir);
    if (merged->umask.set) {
        if (merged->umask.value < 0 || merged->umask.value > 0777)
            return error_at(err, &merged->umask.pos, "umask %llo out of range",
                            merged->umask.value);
        plan->umask = (mode_t)merged->umask.value;
        plan->umask_set = true;
    }
    plan->die_with_parent = merged->die_with_parent.value == TRISTATE_ENABLED;
    plan->new_session = merged->new_session.value != TRISTATE_DISABLED;
    return 0;
}

/* A program that keeps the caller's session could push keystrokes into
 * the caller's terminal: TIOCSTI and TIOCLINUX are denied then. */
static void plan_seccomp(arena_t *arena, plan_t *plan, const config_t *merged)
{
    plan->seccomp = plan->new_session
                        ? &merged->seccomp
                        : seccomp_add_terminal_guard(arena, &merged->seccomp);
}

int plan_build(arena_t *arena, const config_t *merged, const char *redpath,
               const plan_options_t *options, plan_t **out, rp_error_t *err)
{
    plan_t *plan = arena_alloc(arena, sizeof *plan);
    plan->redpath = redpath;
    plan->argv = options->argv;
    plan->node_paths = options->node_paths;
    plan->node_count = options->node_count;
    plan_namespaces(plan, merged, options);
    if (plan_identity(plan, merged, options, err) < 0 ||
        plan_mounts(arena, plan, merged, options, err) < 0 ||
        plan_environment(arena, plan, merged, options, err) < 0 ||
        plan_scalars(plan, merged, err) < 0)
        return -1;
    plan_seccomp(arena, plan, merged);
    *out = plan;
    return 0;
}

/* ---- --dump-only ---- */

static const char *const plan_mount_kind_names[] = {
    [PLAN_MOUNT_BIND] = "bind", [PLAN_MOUNT_TMPFS] = "tmpfs",
    [PLAN_MOUNT_PROC] = "proc", [PLAN_MOUNT_DEV] = "dev",
    [PLAN_MOUNT_MQUEUE] = "mqueue", [PLAN_MOUNT_SYMLINK] = "symlink",
    [PLAN_MOUNT_DATA] = "data", [PLAN_MOUNT_LOCK] = "lock",
};

static void plan_dump_mount(const plan_mount_t *mount, size_t index, FILE *out)
{
    fprintf(out, "mount %zu %s %s", index + 1, plan_mount_kind_names[mount->kind],
            mount->target);
    fputs(mount->flags & PLAN_MOUNT_READONLY ? " ro" : " rw", out);
    if (mount->kind == PLAN_MOUNT_BIND || mount->kind == PLAN_MOUNT_DATA ||
        mount->kind == PLAN_MOUNT_LOCK)
        fputs(",rec,nosuid,nodev", out);
    else if (mount->kind != PLAN_MOUNT_SYMLINK)
        fputs(mount->kind == PLAN_MOUNT_DEV ? ",nosuid,noexec" : ",nosuid,nodev", out);
    if (mount->tmpfs_mode)
        fprintf(out, ",mode=%04o", mount->tmpfs_mode);
    if (mount->flags & PLAN_MOUNT_FILE)
        fputs(",file", out);
    if (mount->flags & PLAN_MOUNT_CREATE)
        fputs(",create", out);
    if (mount->flags & PLAN_MOUNT_OPTIONAL)
        fputs(",optional", out);
    if (mount->flags & PLAN_MOUNT_GUARD)
        fputs(",guard", out);
    fprintf(out, " export=%s", config_export_mode_names[mount->mode]);
    if (mount->pos.file)
        fprintf(out, " from=%s:%d", mount->pos.file, mount->pos.line);
    if (mount->source) /* last: it may hold spaces (Execfd commands) */
        fprintf(out, " source=%s", mount->source);
    fputc('\n', out);
}

static void plan_dump_ids(const plan_t *plan, FILE *out)
{
    if (plan->uid_map.count)
        fprintf(out, "uid-map %u %u %u\ngid-map %u %u %u\n", plan->uid_map.inside,
                plan->uid_map.outside, plan->uid_map.count, plan->gid_map.inside,
                plan->gid_map.outside, plan->gid_map.count);
    fprintf(out, "setgroups %s\n", plan->deny_setgroups ? "deny" : "allow");
    if (plan->keep_caller_uid)
        fputs("user caller\n", out);
    else
        fprintf(out, "user %u\n", (unsigned)plan->uid);
    if (plan->keep_caller_gid)
        fputs("group caller\n", out);
    else
        fprintf(out, "group %u\n", (unsigned)plan->gid);
    fprintf(out, "supplementary-groups %s\n", plan->drop_groups ? "none" : "kept");
}

static void plan_dump_env(const plan_t *plan, FILE *out)
{
    fprintf(out, "env-initial %s\n", plan->inherit_env ? "inherit" : "empty");
    for (size_t i = 0; i < plan->env_count; i++) {
        const plan_env_t *env = &plan->env[i];
        if (env->action == PLAN_ENV_SET)
            fprintf(out, "env set %s=%s\n", env->key, env->value);
        else if (env->action == PLAN_ENV_EXECFD)
            fprintf(out, "env execfd %s %s\n", env->key, env->value);
        else
            fprintf(out, "env unset %s\n", env->key);
    }
}

static void plan_dump_limits(const plan_t *plan, FILE *out)
{
    fputs("capabilities", out);
    if (!plan->capabilities)
        fputs(" none", out);
    for (int cap = 0; cap < 64; cap++)
        if (plan->capabilities & (UINT64_C(1) << cap))
            fprintf(out, " %s", capability_name(cap));
    fputc('\n', out);
    fputs("no-new-privs yes\n", out);
    for (int k = 0; k < CONFIG_RLIMIT_COUNT; k++) {
        if (!plan->rlimits[k].set)
            continue;
        if (plan->rlimits[k].value == CONFIG_RLIMIT_UNLIMITED)
            fprintf(out, "rlimit %s unlimited\n", config_rlimit_names[k]);
        else
            fprintf(out, "rlimit %s %llu\n", config_rlimit_names[k],
                    (unsigned long long)plan->rlimits[k].value);
    }
}

void plan_dump(const plan_t *plan, FILE *out)
{
    static const char *const actions[] = {"host", "new", "join"};
    fprintf(out, "redwrap-plan 1\nredpath %s\n", plan->redpath);
    for (int k = 0; k < PLAN_NS_COUNT; k++) {
        const plan_namespace_t *ns = &plan->namespaces[k];
        fprintf(out, "namespace %s %s%s%s\n", plan_namespace_names[k],
                actions[ns->action], ns->path ? " " : "", ns->path ? ns->path : "");
    }
    plan_dump_ids(plan, out);
    fputs("root tmpfs mode=0755 ro-after-setup\n", out);
    for (size_t i = 0; i < plan->mount_count; i++)
        plan_dump_mount(&plan->mounts[i], i, out);
    plan_dump_env(plan, out);
    plan_dump_limits(plan, out);
    fprintf(out, "hostname %s\nchdir %s\n", plan->hostname ? plan->hostname : "-",
            plan->chdir);
    if (plan->umask_set)
        fprintf(out, "umask %04o\n", (unsigned)plan->umask);
    else
        fputs("umask inherit\n", out);
    fprintf(out, "die-with-parent %s\nnew-session %s\n",
            plan->die_with_parent ? "yes" : "no", plan->new_session ? "yes" : "no");
    fprintf(out, "cgroup %s\n", plan->cgroup_path ? plan->cgroup_path : "-");
    seccomp_dump(plan->seccomp, out);
    fputs("exec", out);
    for (char *const *arg = plan->argv; arg && *arg; arg++)
        fprintf(out, " %s", *arg);
    fputc('\n', out);
}
