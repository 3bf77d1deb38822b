/* scriptlet: rpm's external scriptlets run in the node's admin view. */
#include "core/scriptlet.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/cgroup.h"
#include "core/container.h"
#include "core/credentials.h"
#include "core/merge.h"
#include "core/package.h"
#include "core/rpmdb.h"

extern char **environ;

/* What the transaction process prepared; `admin` is NULL when unarmed. */
static struct {
    arena_t *arena;
    const plan_t *admin;
    const char *config_path; /* the chain's `path`, or NULL */
    int host_root;           /* O_PATH descriptor of the host's / */
    pid_t transaction;       /* the process whose children rpm execs */
} scriptlet_armed = {.host_root = -1};

/* ---- the plan ---- */

/* The argument naming the script file rpm wrote (0: none, as for
 * `%post -p /sbin/ldconfig` without a body). */
static size_t scriptlet_script_index(char *const *argv)
{
    static const char prefix[] = RPMDB_TMP_DIR "/rpm-tmp.";
    for (size_t i = 1; argv[i]; i++)
        if (strncmp(argv[i], prefix, sizeof prefix - 1) == 0)
            return i;
    return 0;
}

/* rpm's scriptlet variables go after the plan's environment: they win. */
static void scriptlet_environment(arena_t *arena, plan_t *plan, const char *config_path,
                                  char *const *envp)
{
    size_t count = 0;
    while (envp && envp[count])
        count++;
    plan_env_t *env = arena_alloc(arena, (plan->env_count + count + 1) * sizeof *env);
    memcpy(env, plan->env, plan->env_count * sizeof *env);
    for (size_t i = 0; i < count; i++) {
        if (strncmp(envp[i], "RPM_INSTALL_PREFIX", 18) != 0 || !strchr(envp[i], '='))
            continue;
        size_t key = strcspn(envp[i], "=");
        env[plan->env_count++] = (plan_env_t){PLAN_ENV_SET,
                                              arena_strndup(arena, envp[i], key),
                                              envp[i] + key + 1};
    }
    const char *rpm_path = plan_env_lookup(envp, "PATH");
    if (rpm_path && config_path)
        rpm_path = arena_printf(arena, "%s:%s", config_path, rpm_path);
    if (rpm_path || config_path)
        env[plan->env_count++] = (plan_env_t){PLAN_ENV_SET, "PATH",
                                              rpm_path ? rpm_path : config_path};
    plan->env = env;
}

plan_t *scriptlet_plan(arena_t *arena, const plan_t *admin, const char *config_path,
                       const char *path, char *const *argv, char *const *envp,
                       int script_fd)
{
    plan_t *plan = arena_alloc(arena, sizeof *plan);
    *plan = *admin;
    size_t argc = 0, script = script_fd >= 0 ? scriptlet_script_index(argv) : 0;
    while (argv[argc])
        argc++;
    char **args = arena_alloc(arena, (argc + 1) * sizeof *args);
    for (size_t i = 0; i < argc; i++)
        args[i] = i == 0 ? (char *)path : script && i == script ? SCRIPTLET_FILE : argv[i];
    plan->argv = args;
    plan->mounts = arena_alloc(arena, (admin->mount_count + 1) * sizeof *plan->mounts);
    memcpy(plan->mounts, admin->mounts, admin->mount_count * sizeof *plan->mounts);
    if (script)
        plan->mounts[plan->mount_count++] = (plan_mount_t){
            .kind = PLAN_MOUNT_DATA, .mode = EXPORT_INTERNAL,
            .flags = PLAN_MOUNT_FILE | PLAN_MOUNT_READONLY, .target = SCRIPTLET_FILE,
            .source = arena_printf(arena, "%d", script_fd),
        };
    scriptlet_environment(arena, plan, config_path, envp);
    return plan;
}

/* ---- arming, in the transaction process ---- */

/* The operation already holds the leaf's lock exclusively: a Lock export
 * of it is bound like a RestrictedFile, the shared lock would never come. */
static void scriptlet_held_lock(arena_t *arena, plan_t *plan, const char *leaf)
{
    const char *held = arena_printf(arena, "%s/" PACKAGE_LOCK_FILE, leaf);
    for (size_t i = 0; i < plan->mount_count; i++)
        if (plan->mounts[i].kind == PLAN_MOUNT_LOCK &&
            strcmp(plan->mounts[i].source, held) == 0)
            plan->mounts[i].kind = PLAN_MOUNT_BIND;
}

/* For an unprivileged caller, rpm's test run already moved this process
 * into a user namespace of rpm's own (at its first chroot), where
 * setgroups() is denied: the caller's groups cannot be dropped there
 * (they are not mapped either). */
static bool scriptlet_setgroups_denied(void)
{
    char state[8] = "";
    int fd = open("/proc/self/setgroups", O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return false; /* before Linux 3.19: always allowed */
    ssize_t got = read(fd, state, sizeof state - 1);
    close(fd);
    return got > 0 && strncmp(state, "deny", 4) == 0;
}

int scriptlet_arm(arena_t *arena, const node_chain_t *chain, rp_error_t *err)
{
    const char *leaf = chain->nodes[chain->count - 1].path;
    config_t *merged;
    merge_options_t merge = {.admin = true, .expand = true};
    if (merge_chain(arena, chain, &merge, &merged, err) < 0)
        return -1;
    const char **nodes = arena_alloc(arena, (chain->count + 1) * sizeof *nodes);
    for (size_t i = 0; i < chain->count; i++)
        nodes[i] = chain->nodes[i].path;
    /* The scriptlet child is root: the real one, or root of the user
     * namespace rpm creates for an unprivileged caller (rpmchroot.c). */
    plan_options_t options = {
        .uid = 0, .gid = 0, .node_paths = nodes, .node_count = chain->count,
        .resolve_id = credentials_resolve_id, .environ = environ,
    };
    plan_t *plan;
    if (plan_build(arena, merged, leaf, &options, &plan, err) < 0 ||
        cgroup_run_path(arena, chain, &merged->cgrouproot, true, &plan->cgroup_path,
                        err) < 0)
        return -1;
    if (scriptlet_setgroups_denied())
        plan->drop_groups = false;
    scriptlet_held_lock(arena, plan, leaf);
    int root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (root < 0)
        return error_set_errno(err, errno, "cannot open /");
    scriptlet_disarm();
    scriptlet_armed.arena = arena;
    scriptlet_armed.config_path = merged->path.value;
    scriptlet_armed.host_root = root;
    scriptlet_armed.transaction = getpid();
    scriptlet_armed.admin = plan; /* last: arms execv() */
    return 0;
}

void scriptlet_disarm(void)
{
    scriptlet_armed.admin = NULL;
    if (scriptlet_armed.host_root >= 0)
        close(scriptlet_armed.host_root);
    scriptlet_armed.host_root = -1;
}

/* ---- in rpm's scriptlet child ---- */

/* The script as rpm wrote it, opened before leaving rpm's chroot;
 * `*fd` is -1 when rpm runs the interpreter without a script. */
static int scriptlet_open(char *const *argv, int *fd, rp_error_t *err)
{
    size_t index = scriptlet_script_index(argv);
    struct stat info;
    *fd = -1;
    if (!index)
        return 0;
    if ((*fd = open(argv[index], O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) < 0 ||
        fstat(*fd, &info) < 0)
        return error_set_errno(err, errno, "cannot open scriptlet %s", argv[index]);
    if (!S_ISREG(info.st_mode) || info.st_size > CONTAINER_OUTPUT_MAX)
        return error_set(err, "scriptlet %s is not a file of at most %d bytes",
                         argv[index], CONTAINER_OUTPUT_MAX);
    return 0;
}

static noreturn void scriptlet_exec(const char *path, char *const argv[])
{
    const plan_t *admin = scriptlet_armed.admin;
    scriptlet_armed.admin = NULL; /* the executor's own execs are plain */
    rp_error_t err;
    int script;
    if (scriptlet_open(argv, &script, &err) < 0 ||
        ((fchdir(scriptlet_armed.host_root) < 0 || chroot(".") < 0) &&
         error_set_errno(&err, errno, "cannot leave rpm's chroot for %s", path))) {
        error_print(&err);
        _exit(EXIT_SETUP);
    }
    arena_t *arena = scriptlet_armed.arena;
    plan_t *plan = scriptlet_plan(arena, admin, scriptlet_armed.config_path, path,
                                  argv, environ, script);
    verbose("scriptlet %s in the view of %s", path, admin->redpath);
    _exit(container_run(arena, plan));
}

/* Interposes libc's execv() (see scriptlet.h). */
int execv(const char *path, char *const argv[])
{
    if (scriptlet_armed.admin && getppid() == scriptlet_armed.transaction)
        scriptlet_exec(path, argv);
    return execve(path, argv, environ);
}
