/* Node discovery: a redpath's chain of nodes (walking up to `/`), their
 * status files, configuration files and main.yaml. */
#include "node.h"

#include "config_print.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "embedded.h"
#include "yaml_reader.h"

const char *const node_state_names[] = {"Unknown", "Enable", "Disable",
                                        "Error"};

/* ---- redpath --------------------------------------------------------- */

static int redpath_absolute(arena_t *arena, const char *input, char **out,
                            rp_error_t *err)
{
    if (input[0] == '/') {
        *out = arena_strdup(arena, input);
        return 0;
    }
    char cwd[PATH_MAX];
    if (!getcwd(cwd, sizeof cwd))
        return error_set_errno(err, errno, "cannot resolve redpath '%s'",
                               input);
    *out = arena_printf(arena, "%s/%s", cwd, input);
    return 0;
}

int node_redpath_canonical(arena_t *arena, const char *input, char **out,
                           rp_error_t *err)
{
    if (!input || !*input)
        return error_set(err, "empty redpath");
    char *absolute;
    if (redpath_absolute(arena, input, &absolute, err) < 0)
        return -1;
    char *canonical = arena_alloc(arena, strlen(absolute) + 2);
    size_t used = 0;
    for (const char *part = absolute; *part;) {
        size_t length = strcspn(part, "/");
        if (length == 2 && part[0] == '.' && part[1] == '.')
            return error_set(err, "redpath '%s' contains '..'", input);
        if (length > 0 && !(length == 1 && part[0] == '.')) {
            canonical[used++] = '/';
            memcpy(canonical + used, part, length);
            used += length;
        }
        part += length;
        part += strspn(part, "/");
    }
    if (used == 0)
        canonical[used++] = '/';
    canonical[used] = '\0';
    *out = canonical;
    return 0;
}

bool node_exists(const char *dir)
{
    char status[PATH_MAX];
    struct stat info;
    if ((size_t)snprintf(status, sizeof status, "%s/%s", dir,
                         NODE_STATUS_FILE) >= sizeof status)
        return false;
    return lstat(status, &info) == 0 && S_ISREG(info.st_mode);
}

/* ---- main.yaml ------------------------------------------------------- */

#define NODE_MAIN_SYSTEM SYSCONFDIR "/redpak/main.yaml"
#define NODE_MAIN_BUILTIN "<builtin:main.yaml>"

const char *node_main_file(void)
{
    const char *forced = getenv("REDPAK_MAIN");
    if (forced && *forced)
        return forced;
    if (access(NODE_MAIN_SYSTEM, F_OK) == 0)
        return NODE_MAIN_SYSTEM;
    return NODE_MAIN_BUILTIN;
}

/* ---- status file ----------------------------------------------------- */

enum { STATUS_REALPATH, STATUS_STATE, STATUS_TIMESTAMP, STATUS_INFO,
       STATUS_KEY_COUNT };
static const char *const status_keys[STATUS_KEY_COUNT] = {
    "realpath", "state", "timestamp", "info"};

static int status_value(const yaml_reader_event_t *value, int key,
                        node_status_t *status, rp_error_t *err)
{
    char *end;
    switch (key) {
    case STATUS_REALPATH:
        status->realpath = value->scalar;
        return 0;
    case STATUS_INFO:
        status->info = value->scalar;
        return 0;
    case STATUS_STATE:
        for (int state = NODE_STATE_UNKNOWN; state <= NODE_STATE_ERROR; state++)
            if (strcasecmp(value->scalar, node_state_names[state]) == 0) {
                status->state = (node_state_t)state;
                return 0;
            }
        return error_at(err, &value->pos, "invalid state '%s' (expected "
                        "Enable, Disable, Unknown or Error)", value->scalar);
    default:
        errno = 0;
        status->timestamp = strtoll(value->scalar, &end, 10);
        if (errno || end == value->scalar || *end || status->timestamp < 0)
            return error_at(err, &value->pos, "invalid timestamp '%s' "
                            "(expected milliseconds since the epoch)",
                            value->scalar);
        return 0;
    }
}

static int status_key(const yaml_reader_event_t *event, bool seen[],
                      rp_error_t *err)
{
    if (event->type != YAML_READER_SCALAR)
        return error_at(err, &event->pos, "expected a key, found %s",
                        yaml_reader_event_name(event->type));
    for (int key = 0; key < STATUS_KEY_COUNT; key++) {
        if (strcasecmp(event->scalar, status_keys[key]) != 0)
            continue;
        if (seen[key])
            return error_at(err, &event->pos, "duplicate key '%s'",
                            event->scalar);
        seen[key] = true;
        return key;
    }
    return error_at(err, &event->pos, "unknown key '%s' in status file "
                    "(expected realpath, state, timestamp or info)",
                    event->scalar);
}

/* The mapping's entries up to its end. */
static int status_entries(yaml_reader_t *reader, node_status_t *status,
                          rp_error_t *err)
{
    bool seen[STATUS_KEY_COUNT] = {false};
    yaml_reader_event_t event;
    for (;;) {
        if (yaml_reader_next(reader, &event, err) < 0)
            return -1;
        if (event.type == YAML_READER_MAPPING_END)
            return 0;
        int key = status_key(&event, seen, err);
        if (key < 0 || yaml_reader_next(reader, &event, err) < 0)
            return -1;
        if (event.type != YAML_READER_SCALAR)
            return error_at(err, &event.pos, "expected a scalar for '%s', "
                            "found %s", status_keys[key],
                            yaml_reader_event_name(event.type));
        if (!event.null && status_value(&event, key, status, err) < 0)
            return -1;
    }
}

/* An empty file is a node in state Unknown. */
static int status_parse(yaml_reader_t *reader, node_status_t *status,
                        rp_error_t *err)
{
    yaml_reader_event_t event;
    do {
        if (yaml_reader_next(reader, &event, err) < 0)
            return -1;
    } while (event.type == YAML_READER_STREAM_START ||
             event.type == YAML_READER_DOCUMENT_START);
    if (event.type == YAML_READER_STREAM_END)
        return 0;
    if (event.type == YAML_READER_SCALAR && event.null)
        return 0;
    if (event.type != YAML_READER_MAPPING_START)
        return error_at(err, &event.pos, "expected a mapping, found %s",
                        yaml_reader_event_name(event.type));
    return status_entries(reader, status, err);
}

int node_status_read(arena_t *arena, const char *node_path,
                     node_status_t *status, rp_error_t *err)
{
    *status = (node_status_t){.state = NODE_STATE_UNKNOWN};
    yaml_reader_t *reader;
    char *file = arena_printf(arena, "%s/%s", node_path, NODE_STATUS_FILE);
    if (yaml_reader_open_file(arena, file, &reader, err) < 0)
        return -1;
    int rc = status_parse(reader, status, err);
    yaml_reader_close(reader);
    return rc;
}

int node_file_write(const char *dir, const char *relative, const char *text,
                    size_t length, rp_error_t *err)
{
    char target[PATH_MAX], temporary[PATH_MAX];
    if ((size_t)snprintf(target, sizeof target, "%s/%s", dir, relative) >=
            sizeof target ||
        (size_t)snprintf(temporary, sizeof temporary, "%s.XXXXXX", target) >=
            sizeof temporary)
        return error_set(err, "path too long: %s/%s", dir, relative);
    int fd = mkostemp(temporary, O_CLOEXEC);
    if (fd < 0)
        return error_set_errno(err, errno, "cannot create %s", temporary);
    size_t written = 0;
    for (ssize_t got = 0; written < length; written += (size_t)got)
        if ((got = write(fd, text + written, length - written)) < 0)
            break;
    int rc = written == length && fchmod(fd, 0644) == 0 && fsync(fd) == 0 ? 0
                                                                          : -1;
    int saved = errno;
    close(fd);
    if (rc == 0 && rename(temporary, target) < 0) {
        rc = -1;
        saved = errno;
    }
    if (rc < 0) {
        unlink(temporary);
        return error_set_errno(err, saved, "cannot write %s", target);
    }
    return 0;
}

/* Double-quoted scalars: safe for any text (quotes, newlines, `: `). */
static void status_put(FILE *out, const node_status_t *status)
{
    fputs("realpath: ", out);
    config_print_yaml_quoted(out, status->realpath ? status->realpath : "");
    fprintf(out, "\nstate: %s\ntimestamp: %lld\ninfo: ",
            node_state_names[status->state], status->timestamp);
    config_print_yaml_quoted(out, status->info ? status->info : "");
    fputc('\n', out);
}

int node_status_write(const char *node_path, const node_status_t *status,
                      rp_error_t *err)
{
    if ((unsigned)status->state > NODE_STATE_ERROR)
        return error_set(err, "invalid state for %s", node_path);
    char *text = NULL;
    size_t length = 0;
    FILE *out = open_memstream(&text, &length);
    if (!out)
        return error_set_errno(err, errno, "cannot write %s/%s", node_path,
                               NODE_STATUS_FILE);
    status_put(out, status);
    int rc = fclose(out) == 0
                 ? node_file_write(node_path, NODE_STATUS_FILE, text, length, err)
                 : error_set_errno(err, errno, "cannot write %s/%s", node_path,
                                   NODE_STATUS_FILE);
    free(text);
    return rc;
}

/* ---- the chain ------------------------------------------------------- */

static bool file_exists(const char *dir, const char *relative, arena_t *arena,
                        const char **path)
{
    char *candidate = arena_printf(arena, "%s/%s", dir, relative);
    if (access(candidate, F_OK) != 0)
        return false;
    *path = candidate;
    return true;
}

/* The new spelling first, else the legacy one; NULL when neither exists. */
static const char *node_file_find(arena_t *arena, const char *dir,
                                  const char *name, const char *legacy)
{
    const char *path = NULL;
    if (!file_exists(dir, name, arena, &path))
        file_exists(dir, legacy, arena, &path);
    return path;
}

/* A node directory must be a real directory: a symlink could point the
 * chain (and its restrictions) anywhere. */
static int node_directory_check(const char *path, rp_error_t *err)
{
    struct stat info;
    if (lstat(path, &info) < 0)
        return error_set_errno(err, errno, "node %s", path);
    if (S_ISLNK(info.st_mode))
        return error_set(err, "node %s is a symlink", path);
    if (!S_ISDIR(info.st_mode))
        return error_set(err, "node %s is not a directory", path);
    return 0;
}

int node_load(arena_t *arena, const char *path, bool admin, node_t *node,
              rp_error_t *err)
{
    if (node_directory_check(path, err) < 0)
        return -1;
    node->path = path;
    node->config_file = node_file_find(arena, path, NODE_CONFIG_FILE,
                                       NODE_LEGACY_CONFIG_FILE);
    if (!node->config_file)
        return error_set(err, "node %s has no %s", path, NODE_CONFIG_FILE);
    node->admin_file = node_file_find(arena, path, NODE_ADMIN_FILE,
                                      NODE_LEGACY_ADMIN_FILE);
    if (node_status_read(arena, path, &node->status, err) < 0 ||
        config_load_file(arena, node->config_file, path, false, &node->config,
                         err) < 0)
        return -1;
    if (admin && node->admin_file &&
        config_load_file(arena, node->admin_file, path, true, &node->admin,
                         err) < 0)
        return -1;
    return 0;
}

/* Number of nodes from `/` down to `leaf` (the leaf included); fills
 * `paths` when it is not NULL, root-most first. */
static size_t chain_paths(arena_t *arena, const char *leaf, const char **paths,
                          size_t count)
{
    size_t found = 0;
    char *dir = arena_strdup(arena, leaf);
    for (;;) {
        if (node_exists(dir)) {
            if (paths)
                paths[count - 1 - found] = arena_strdup(arena, dir);
            found++;
        }
        char *slash = strrchr(dir, '/');
        if (dir[1] == '\0')
            break;
        slash[slash == dir ? 1 : 0] = '\0';
    }
    return found;
}

int node_chain_load(arena_t *arena, const char *redpath, bool admin,
                    node_chain_t *chain, rp_error_t *err)
{
    char *leaf;
    if (node_redpath_canonical(arena, redpath, &leaf, err) < 0 ||
        node_directory_check(leaf, err) < 0)
        return -1;
    if (!node_exists(leaf))
        return error_set(err, "%s is not a node (no %s)", leaf,
                         NODE_STATUS_FILE);
    size_t count = chain_paths(arena, leaf, NULL, 0);
    const char **paths = arena_alloc(arena, count * sizeof *paths);
    chain_paths(arena, leaf, paths, count);
    *chain = (node_chain_t){.nodes = arena_alloc(arena, count * sizeof *chain->nodes),
                            .count = count};
    for (size_t i = 0; i < count; i++)
        if (node_load(arena, paths[i], admin, &chain->nodes[i], err) < 0)
            return -1;
    return node_main_load(arena, &chain->main, err);
}

int node_main_load(arena_t *arena, config_t **out, rp_error_t *err)
{
    const char *file = node_main_file();
    if (strcmp(file, NODE_MAIN_BUILTIN) != 0)
        return config_load_file(arena, file, NULL, false, out, err);
    const embedded_file_t *builtin = embedded_find("main.yaml");
    if (builtin)
        return config_load_buffer(arena, file, (const char *)builtin->data,
                                  builtin->size, NULL, false, out, err);
    /* No built-in main.yaml compiled in: no defaults at all. */
    config_t *empty = arena_alloc(arena, sizeof *empty);
    empty->file = file;
    *out = empty;
    return 0;
}

/* ---- children -------------------------------------------------------- */

typedef struct path_list {
    arena_t *arena;
    char **paths;
    size_t count, capacity;
    struct path_list *links; /* symlinks that lead to a node, or NULL */
} path_list_t;

static void path_list_add(path_list_t *list, char *path)
{
    list->paths = arena_reserve(list->arena, list->paths, list->count,
                                &list->capacity, sizeof *list->paths);
    list->paths[list->count++] = path;
}

/* DT_DIR, DT_LNK...: from readdir, else from the inode (some file
 * systems report DT_UNKNOWN). */
static unsigned char entry_type(int dir_fd, const struct dirent *entry)
{
    if (entry->d_type != DT_UNKNOWN)
        return entry->d_type;
    struct stat info;
    if (fstatat(dir_fd, entry->d_name, &info, AT_SYMLINK_NOFOLLOW) < 0)
        return DT_UNKNOWN;
    return IFTODT(info.st_mode);
}

/* Walks the real sub-directories of `dir`, stopping at each node found. */
static int children_walk(path_list_t *list, const char *dir, rp_error_t *err)
{
    DIR *stream = opendir(dir);
    if (!stream) {
        /* An unreadable branch holds no node this caller may use. */
        if (errno == EACCES || errno == ENOENT)
            return 0;
        return error_set_errno(err, errno, "cannot read %s", dir);
    }
    int rc = 0;
    for (struct dirent *entry; rc == 0 && (entry = readdir(stream));) {
        if (strcmp(entry->d_name, ".") == 0 || strcmp(entry->d_name, "..") == 0)
            continue;
        unsigned char type = entry_type(dirfd(stream), entry);
        bool directory = type == DT_DIR;
        if (!directory && !(list->links && type == DT_LNK))
            continue;
        char *sub = arena_printf(list->arena, "%s/%s",
                                 strcmp(dir, "/") == 0 ? "" : dir,
                                 entry->d_name);
        if (!directory) {
            if (node_exists(sub))
                path_list_add(list->links, sub);
        } else if (node_exists(sub))
            path_list_add(list, sub);
        else
            rc = children_walk(list, sub, err);
    }
    closedir(stream);
    return rc;
}

static int path_compare(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void path_list_sorted(path_list_t *list, char ***paths, size_t *count)
{
    if (list->count)
        qsort(list->paths, list->count, sizeof *list->paths, path_compare);
    *paths = list->paths;
    *count = list->count;
}

int node_children(arena_t *arena, const char *node_path, char ***paths,
                  size_t *count, rp_error_t *err)
{
    path_list_t list = {.arena = arena};
    if (children_walk(&list, node_path, err) < 0)
        return -1;
    path_list_sorted(&list, paths, count);
    return 0;
}

int node_children_links(arena_t *arena, const char *node_path, char ***paths,
                        size_t *count, char ***links, size_t *link_count,
                        rp_error_t *err)
{
    path_list_t found_links = {.arena = arena};
    path_list_t list = {.arena = arena, .links = &found_links};
    if (children_walk(&list, node_path, err) < 0)
        return -1;
    path_list_sorted(&list, paths, count);
    path_list_sorted(&found_links, links, link_count);
    return 0;
}
