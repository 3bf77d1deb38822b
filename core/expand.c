/* Expansion of configuration strings. One left-to-right pass writes into a
 * bounded buffer; substituted values are copied verbatim and never scanned
 * again, so a value cannot inject further expansions or loop.
 *
 * `$(command)` is handed to /bin/sh unexpanded, with the predefined names
 * exported in its environment: `$(cat $NODE_PATH/x)` works, and a value
 * holding shell syntax (a directory named `a;rm -rf ~`) is never parsed
 * as code, since the shell expands parameters as data. */
#include "expand.h"

#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cgroup.h"

extern char **environ;

#define EXPAND_SHELL "/bin/sh"

typedef struct expansion {
    arena_t *arena;
    const expand_context_t *context;
    const source_pos_t *pos;
    const char *input;
    rp_error_t *err;
    size_t length;
    char buffer[EXPAND_MAX_LENGTH + 1];
} expansion_t;

/* ---- predefined names ------------------------------------------------ */

typedef enum {
    NAME_NODE_ALIAS, NAME_NODE_NAME, NAME_NODE_PATH, NAME_NODE_INFO,
    NAME_LEAF_ALIAS, NAME_LEAF_NAME, NAME_LEAF_PATH, NAME_LEAF_INFO,
    NAME_UID, NAME_GID, NAME_PID, NAME_USER, NAME_LOGNAME, NAME_HOSTNAME,
    NAME_TODAY, NAME_UUID, NAME_NODE_PREFIX, NAME_REDNODE_CONF,
    NAME_REDNODE_ADMIN, NAME_REDNODE_STATUS, NAME_REDNODE_VARDIR,
    NAME_REDNODE_REPODIR, NAME_REDNODE_LOCK, NAME_CGROUPS_MOUNT_POINT,
    NAME_REDPESK_VERSION, NAME_REDPAK_MAIN, NAME_REDPAK_TMPL, NAME_COUNT
} predefined_name_t;

static const char *const predefined_names[NAME_COUNT] = {
    "NODE_ALIAS", "NODE_NAME", "NODE_PATH", "NODE_INFO",
    "LEAF_ALIAS", "LEAF_NAME", "LEAF_PATH", "LEAF_INFO",
    "UID", "GID", "PID", "USER", "LOGNAME", "HOSTNAME",
    "TODAY", "UUID", "NODE_PREFIX", "REDNODE_CONF",
    "REDNODE_ADMIN", "REDNODE_STATUS", "REDNODE_VARDIR",
    "REDNODE_REPODIR", "REDNODE_LOCK", "CGROUPS_MOUNT_POINT",
    "REDPESK_VERSION", "redpak_MAIN", "redpak_TMPL",
};

static const char *text_or_empty(const char *text)
{
    return text ? text : "";
}

/* NODE_ALIAS..NODE_INFO of `node` (the same order serves LEAF_*). */
static const char *node_value(const node_t *node, int offset)
{
    if (!node)
        return "";
    if (offset == NAME_NODE_PATH)
        return node->path;
    if (!node->config)
        return "";
    const config_string_t *headers[] = {&node->config->alias,
                                        &node->config->name, NULL,
                                        &node->config->info};
    return text_or_empty(headers[offset]->value);
}

/* A file of the node being expanded: "" when there is no node. */
static const char *node_file(arena_t *arena, const expand_context_t *context,
                             const char *existing, const char *relative)
{
    if (existing)
        return existing;
    if (!context->node)
        return "";
    return arena_printf(arena, "%s/%s", context->node->path, relative);
}

/* The caller's login name: the environment first (it is the caller's to
 * set; redpak is never setuid), else the password database. */
static const char *login_name(arena_t *arena, const char *variable)
{
    const char *name = getenv(variable);
    if (name && *name)
        return name;
    struct passwd *entry = getpwuid(getuid());
    if (entry && entry->pw_name)
        return arena_strdup(arena, entry->pw_name);
    return arena_printf(arena, "%u", (unsigned)getuid());
}

static const char *host_name(arena_t *arena)
{
    char name[256];
    if (gethostname(name, sizeof name) < 0)
        return "";
    name[sizeof name - 1] = '\0';
    return arena_strdup(arena, name);
}

static const char *today(arena_t *arena)
{
    time_t now = time(NULL);
    struct tm local;
    char day[16];
    if (!localtime_r(&now, &local) ||
        !strftime(day, sizeof day, "%Y-%m-%d", &local))
        return "";
    return arena_strdup(arena, day);
}

/* A random (version 4) UUID, fresh at every use. */
static const char *random_uuid(arena_t *arena)
{
    unsigned char b[16];
    size_t got = 0;
    while (got < sizeof b) {
        ssize_t n = getrandom(b + got, sizeof b - got, 0);
        if (n < 0 && errno != EINTR)
            fatal_errno(EXIT_SETUP, "cannot read random bytes");
        if (n > 0)
            got += (size_t)n;
    }
    b[6] = (unsigned char)((b[6] & 0x0f) | 0x40);
    b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);
    return arena_printf(arena,
                        "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
                        "%02x%02x%02x%02x%02x%02x",
                        b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8],
                        b[9], b[10], b[11], b[12], b[13], b[14], b[15]);
}

/* $CGROUPS_MOUNT_POINT, else the cgroup2 mount, else the usual place. */
static const char *cgroups_mount_point(arena_t *arena)
{
    rp_error_t ignored;
    const char *found = cgroup_mount_point(arena, &ignored);
    return found ? found : "/sys/fs/cgroup";
}

static const char *predefined_value(arena_t *arena,
                                    const expand_context_t *context,
                                    predefined_name_t name)
{
    const node_t *node = context->node;
    switch (name) {
    case NAME_NODE_ALIAS: case NAME_NODE_NAME: case NAME_NODE_PATH:
    case NAME_NODE_INFO:
        return node_value(node, (int)(name - NAME_NODE_ALIAS));
    case NAME_LEAF_ALIAS: case NAME_LEAF_NAME: case NAME_LEAF_PATH:
    case NAME_LEAF_INFO:
        return node_value(context->leaf, (int)(name - NAME_LEAF_ALIAS));
    case NAME_UID: return arena_printf(arena, "%u", (unsigned)getuid());
    case NAME_GID: return arena_printf(arena, "%u", (unsigned)getgid());
    case NAME_PID: return arena_printf(arena, "%ld", (long)getpid());
    case NAME_USER: return login_name(arena, "USER");
    case NAME_LOGNAME: return login_name(arena, "LOGNAME");
    case NAME_HOSTNAME: return host_name(arena);
    case NAME_TODAY: return today(arena);
    case NAME_UUID: return random_uuid(arena);
    case NAME_NODE_PREFIX: return NODE_PREFIX;
    case NAME_REDNODE_CONF:
        return node_file(arena, context, node ? node->config_file : NULL,
                         NODE_CONFIG_FILE);
    case NAME_REDNODE_ADMIN:
        return node_file(arena, context, node ? node->admin_file : NULL,
                         NODE_ADMIN_FILE);
    case NAME_REDNODE_STATUS:
        return node_file(arena, context, NULL, NODE_STATUS_FILE);
    case NAME_REDNODE_VARDIR: return node_file(arena, context, NULL, "var");
    case NAME_REDNODE_REPODIR:
        return node_file(arena, context, NULL, "etc/yum.repos.d");
    case NAME_REDNODE_LOCK:
        return node_file(arena, context, NULL, ".rednode.lock");
    case NAME_CGROUPS_MOUNT_POINT: return cgroups_mount_point(arena);
    case NAME_REDPESK_VERSION: return REDPAK_VERSION;
    case NAME_REDPAK_MAIN: return node_main_file();
    case NAME_REDPAK_TMPL: return SYSCONFDIR "/redpak/templates.d";
    default: return "";
    }
}

/* Index in predefined_names, -1 if `name` (of `length` bytes) is not one. */
static int predefined_find(const char *name, size_t length)
{
    for (int i = 0; i < NAME_COUNT; i++)
        if (strncmp(predefined_names[i], name, length) == 0 &&
            predefined_names[i][length] == '\0')
            return i;
    return -1;
}

const char *expand_predefined(arena_t *arena, const expand_context_t *context,
                              const char *name)
{
    int found = predefined_find(name, strlen(name));
    return found < 0 ? NULL
                     : predefined_value(arena, context, (predefined_name_t)found);
}

/* ---- output buffer and errors ---------------------------------------- */

static int expansion_error(expansion_t *x, size_t offset, const char *what)
{
    return error_at(x->err, x->pos, "%s at character %zu of '%s'", what,
                    offset + 1, x->input);
}

static int expansion_append(expansion_t *x, const char *text, size_t length,
                            size_t offset)
{
    if (length > EXPAND_MAX_LENGTH - x->length)
        return expansion_error(x, offset, "expansion longer than "
                               "EXPAND_MAX_LENGTH (4096 bytes)");
    memcpy(x->buffer + x->length, text, length);
    x->length += length;
    return 0;
}

/* ---- $NAME and ${NAME} ----------------------------------------------- */

static bool name_start(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
}

static bool name_char(char c)
{
    return name_start(c) || (c >= '0' && c <= '9');
}

static int expansion_variable(expansion_t *x, const char *name, size_t length,
                              size_t offset)
{
    int found = predefined_find(name, length);
    const char *value;
    if (found >= 0) {
        value = predefined_value(x->arena, x->context, (predefined_name_t)found);
    } else {
        char *key = arena_strndup(x->arena, name, length);
        value = text_or_empty(getenv(key));
    }
    return expansion_append(x, value, strlen(value), offset);
}

/* `at` points at the `$` of `${`; returns the index after `}`. */
static int expansion_braced(expansion_t *x, size_t at, size_t *next)
{
    const char *name = x->input + at + 2;
    size_t length = 0;
    while (name_char(name[length]))
        length++;
    if (name[length] != '}') {
        const char *what = strchr(name, '}') ? "invalid name in '${...}'"
                                             : "unterminated '${'";
        return expansion_error(x, at, what);
    }
    if (length == 0 || !name_start(name[0]))
        return expansion_error(x, at, "invalid name in '${...}'");
    *next = at + 2 + length + 1;
    return expansion_variable(x, name, length, at);
}

/* ---- $(command) ------------------------------------------------------ */

static int command_scan(expansion_t *x, size_t at, size_t i, int depth,
                        size_t *close);

/* Skips a double-quoted word starting after its `"`; `$(` nests inside. */
static int command_scan_quoted(expansion_t *x, size_t at, size_t i, int depth,
                               size_t *end)
{
    const char *s = x->input;
    for (; s[i]; i++) {
        if (s[i] == '\\' && s[i + 1]) {
            i++;
        } else if (s[i] == '"') {
            *end = i;
            return 0;
        } else if (s[i] == '$' && s[i + 1] == '(') {
            if (command_scan(x, at, i + 2, depth + 1, &i) < 0)
                return -1;
        }
    }
    return expansion_error(x, at, "unterminated '$('");
}

/* Finds the `)` closing a command whose text starts at `i`, following the
 * shell's quoting so `$(echo ")")` is one command. */
static int command_scan(expansion_t *x, size_t at, size_t i, int depth,
                        size_t *close)
{
    const char *s = x->input;
    if (depth > EXPAND_MAX_DEPTH)
        return expansion_error(x, at, "'$(' nested deeper than "
                               "EXPAND_MAX_DEPTH (8 levels)");
    for (; s[i]; i++) {
        if (s[i] == '\\' && s[i + 1]) {
            i++;
        } else if (s[i] == '\'') {
            const char *end = strchr(s + i + 1, '\'');
            if (!end)
                return expansion_error(x, at, "unterminated '$('");
            i = (size_t)(end - s);
        } else if (s[i] == '"') {
            if (command_scan_quoted(x, at, i + 1, depth, &i) < 0)
                return -1;
        } else if (s[i] == '(') {
            if (command_scan(x, at, i + 1, depth + 1, &i) < 0)
                return -1;
        } else if (s[i] == ')') {
            *close = i;
            return 0;
        }
    }
    return expansion_error(x, at, "unterminated '$('");
}

/* The caller's environment with every predefined name set to its value. */
static char **command_environment(expansion_t *x)
{
    size_t count = 0;
    while (environ[count])
        count++;
    char **envp = arena_alloc(x->arena,
                              (count + NAME_COUNT + 1) * sizeof *envp);
    size_t used = 0;
    for (size_t i = 0; i < count; i++) {
        size_t length = strcspn(environ[i], "=");
        if (predefined_find(environ[i], length) < 0)
            envp[used++] = environ[i];
    }
    for (int i = 0; i < NAME_COUNT; i++)
        envp[used++] = arena_printf(x->arena, "%s=%s", predefined_names[i],
                                    predefined_value(x->arena, x->context,
                                                     (predefined_name_t)i));
    envp[used] = NULL;
    return envp;
}

static int command_spawn(expansion_t *x, const char *command, pid_t *pid,
                         int *output)
{
    int pipe_fds[2];
    if (pipe2(pipe_fds, O_CLOEXEC) < 0)
        return error_set_errno(x->err, errno, "cannot create a pipe");
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null",
                                     O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], STDOUT_FILENO);
    char *argv[] = {EXPAND_SHELL, "-c", (char *)command, NULL};
    int rc = posix_spawn(pid, EXPAND_SHELL, &actions, NULL, argv,
                         command_environment(x));
    posix_spawn_file_actions_destroy(&actions);
    close(pipe_fds[1]);
    if (rc != 0) {
        close(pipe_fds[0]);
        error_at(x->err, x->pos, "cannot run command '%s': %s", command,
                 strerror(rc));
        x->err->errnum = rc;
        return -1;
    }
    *output = pipe_fds[0];
    return 0;
}

/* Reads the command's output into the buffer; false when it did not fit. */
static bool command_collect(expansion_t *x, int output)
{
    for (;;) {
        size_t room = EXPAND_MAX_LENGTH - x->length;
        char spill;
        char *into = room ? x->buffer + x->length : &spill;
        ssize_t n = read(output, into, room ? room : 1);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return true;
        if (!room)
            return false;
        x->length += (size_t)n;
    }
}

static int command_wait(expansion_t *x, pid_t pid, const char *command,
                        size_t at, bool fitted)
{
    if (!fitted)
        kill(pid, SIGKILL);
    int status;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            return error_set_errno(x->err, errno, "cannot wait for '%s'",
                                   command);
    if (!fitted)
        return expansion_error(x, at, "command output makes the expansion "
                               "longer than EXPAND_MAX_LENGTH (4096 bytes)");
    if (WIFSIGNALED(status))
        return error_at(x->err, x->pos, "command '%s' killed by signal %d",
                        command, WTERMSIG(status));
    if (WEXITSTATUS(status) != 0)
        return error_at(x->err, x->pos, "command '%s' failed (exit status %d)",
                        command, WEXITSTATUS(status));
    return 0;
}

static int expansion_command(expansion_t *x, size_t at, size_t *next)
{
    size_t close_at;
    if (command_scan(x, at, at + 2, 1, &close_at) < 0)
        return -1;
    char *command = arena_strndup(x->arena, x->input + at + 2,
                                  close_at - at - 2);
    if (!x->context->allow_commands)
        return error_at(x->err, x->pos, "command '%s' refused: commands are "
                        "not allowed here", command);
    *next = close_at + 1;
    if (x->context->keep_commands)
        return expansion_append(x, x->input + at, close_at + 1 - at, at);
    pid_t pid;
    int output = -1;
    if (command_spawn(x, command, &pid, &output) < 0)
        return -1;
    size_t start = x->length;
    bool fitted = command_collect(x, output);
    close(output);
    if (command_wait(x, pid, command, at, fitted) < 0)
        return -1;
    if (memchr(x->buffer + start, '\0', x->length - start))
        return error_at(x->err, x->pos, "command '%s' printed a NUL byte",
                        command);
    while (x->length > start && x->buffer[x->length - 1] == '\n')
        x->length--;
    return 0;
}

/* ---- the pass -------------------------------------------------------- */

/* Handles the `$` at `at`; `*next` is where scanning resumes. */
static int expansion_dollar(expansion_t *x, size_t at, size_t *next)
{
    const char *s = x->input + at;
    if (s[1] == '{')
        return expansion_braced(x, at, next);
    if (s[1] == '(')
        return expansion_command(x, at, next);
    if (!name_start(s[1])) {
        *next = at + 1;
        return expansion_append(x, "$", 1, at);
    }
    size_t length = 1;
    while (name_char(s[1 + length]))
        length++;
    *next = at + 1 + length;
    return expansion_variable(x, s + 1, length, at);
}

int expand_string(arena_t *arena, const expand_context_t *context,
                  const char *input, const source_pos_t *pos, char **out,
                  rp_error_t *err)
{
    if (!strchr(input, '$')) {
        if (strlen(input) > EXPAND_MAX_LENGTH)
            return error_at(err, pos, "value longer than EXPAND_MAX_LENGTH "
                            "(4096 bytes)");
        *out = arena_strdup(arena, input);
        return 0;
    }
    expansion_t expansion = {.arena = arena, .context = context, .pos = pos,
                             .input = input, .err = err};
    expansion_t *x = &expansion;
    for (size_t i = 0; input[i];) {
        size_t next = i + 1;
        int rc;
        if (input[i] == '\\' && input[i + 1] == '$') {
            rc = expansion_append(x, "$", 1, i);
            next = i + 2;
        } else if (input[i] == '$') {
            rc = expansion_dollar(x, i, &next);
        } else {
            rc = expansion_append(x, input + i, 1, i);
        }
        if (rc < 0)
            return -1;
        i = next;
    }
    *out = arena_strndup(arena, x->buffer, x->length);
    return 0;
}

/* ---- a whole configuration file -------------------------------------- */

static int expand_field(arena_t *arena, const expand_context_t *context,
                        const char **field, const source_pos_t *pos,
                        rp_error_t *err)
{
    char *expanded;
    if (!*field)
        return 0;
    if (expand_string(arena, context, *field, pos, &expanded, err) < 0)
        return -1;
    *field = expanded;
    return 0;
}

static int expand_config_strings(arena_t *arena, const expand_context_t *context,
                                 config_t *config, rp_error_t *err)
{
    config_string_t *strings[] = {
        &config->path, &config->ldpath, &config->hostname, &config->chdir,
        &config->set_user, &config->set_group, &config->cgrouproot,
        &config->rpmdir, &config->persistdir, &config->cachedir};
    for (size_t i = 0; i < sizeof strings / sizeof strings[0]; i++)
        if (expand_field(arena, context, &strings[i]->value, &strings[i]->pos,
                         err) < 0)
            return -1;
    for (int k = 0; k < SHARE_COUNT; k++)
        if (config->share[k].mode == SHARE_JOIN &&
            expand_field(arena, context, &config->share[k].path,
                         &config->share[k].pos, err) < 0)
            return -1;
    return 0;
}

/* Execfd commands are left to the shell that runs them, like Static
 * values which are verbatim by definition. */
static int expand_config_lists(arena_t *arena, const expand_context_t *context,
                               config_t *config, rp_error_t *err)
{
    config_export_t *exports =
        arena_alloc(arena, config->export_count * sizeof *exports + 1);
    for (size_t i = 0; i < config->export_count; i++) {
        exports[i] = config->exports[i];
        if (expand_field(arena, context, &exports[i].mount, &exports[i].pos,
                         err) < 0 ||
            (exports[i].mode != EXPORT_EXECFD &&
             expand_field(arena, context, &exports[i].path, &exports[i].pos,
                          err) < 0))
            return -1;
    }
    config_environ_t *environment =
        arena_alloc(arena, config->environment_count * sizeof *environment + 1);
    for (size_t i = 0; i < config->environment_count; i++) {
        environment[i] = config->environment[i];
        if (environment[i].mode == ENVIRON_DEFAULT &&
            expand_field(arena, context, &environment[i].value,
                         &environment[i].pos, err) < 0)
            return -1;
    }
    config->exports = exports;
    config->environment = environment;
    return 0;
}

int expand_config(arena_t *arena, const expand_context_t *context,
                  const config_t *config, config_t **out, rp_error_t *err)
{
    config_t *copy = arena_alloc(arena, sizeof *copy);
    *copy = *config;
    if (expand_config_strings(arena, context, copy, err) < 0 ||
        expand_config_lists(arena, context, copy, err) < 0)
        return -1;
    *out = copy;
    return 0;
}
