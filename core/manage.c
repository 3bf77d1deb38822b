/* Node lifecycle: create, state, delete, subtree, check. */
#include "manage.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "expand.h"
#include "merge.h"
#include "package.h"
#include "template.h"

static long long now_milliseconds(void)
{
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    return (long long)now.tv_sec * 1000 + now.tv_nsec / 1000000;
}

static const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

static char *parent_dir(arena_t *arena, const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash == path ? arena_strdup(arena, "/")
                         : arena_strndup(arena, path, (size_t)(slash - path));
}

int manage_require_node(const char *redpath, rp_error_t *err)
{
    struct stat info;
    if (lstat(redpath, &info) < 0)
        return error_set_errno(err, errno, "node %s", redpath);
    if (S_ISLNK(info.st_mode))
        return error_set(err, "node %s is a symlink", redpath);
    if (!S_ISDIR(info.st_mode) || !node_exists(redpath))
        return error_set(err, "%s is not a node (no %s)", redpath,
                         NODE_STATUS_FILE);
    return 0;
}

/* ---- create: deciding ------------------------------------------------ */

/* The nearest node above `path`, or NULL. */
static const char *nearest_ancestor(arena_t *arena, const char *path)
{
    for (char *dir = parent_dir(arena, path);; dir = parent_dir(arena, dir)) {
        if (node_exists(dir))
            return dir;
        if (strcmp(dir, "/") == 0)
            return NULL;
    }
}

typedef struct creation {
    const char *path, *parent, *ancestor;
    bool exists; /* the node exists (--update) */
    node_t existing;
    template_values_t values;
    const char *template_spec, *admin_spec;
    template_instance_t normal, admin;
    bool has_admin;
} creation_t;

static int creation_target(arena_t *arena, creation_t *c,
                           const manage_create_options_t *options,
                           rp_error_t *err)
{
    struct stat info;
    if (strcmp(c->path, "/") == 0)
        return error_set(err, "/ cannot be a node");
    c->parent = parent_dir(arena, c->path);
    if (stat(c->parent, &info) < 0 || !S_ISDIR(info.st_mode))
        return error_set(err, "parent directory %s does not exist", c->parent);
    if (lstat(c->path, &info) < 0) {
        if (errno != ENOENT)
            return error_set_errno(err, errno, "node %s", c->path);
        return 0;
    }
    if (S_ISLNK(info.st_mode))
        return error_set(err, "node %s is a symlink", c->path);
    if (!S_ISDIR(info.st_mode))
        return error_set(err, "%s exists and is not a directory", c->path);
    if (!node_exists(c->path)) {
        DIR *dir = opendir(c->path);
        int entries = 0;
        for (struct dirent *entry; dir && (entry = readdir(dir));)
            entries++;
        if (dir)
            closedir(dir);
        if (entries != 2)
            return error_set(err, "%s exists and is not an empty directory",
                             c->path);
        return 0;
    }
    if (!options->update)
        return error_set(err, "%s is already a node (--update rewrites its "
                              "configuration)", c->path);
    c->exists = true;
    if (node_load(arena, c->path, false, &c->existing, err) == 0)
        return 0;
    /* A node whose files are broken can be rewritten when the alias is
     * given again; its identity (name) is then new. */
    if (!options->alias)
        return -1;
    c->existing = (node_t){.path = c->path};
    if (node_status_read(arena, c->path, &c->existing.status, err) < 0)
        c->existing.status = (node_status_t){.state = NODE_STATE_ENABLE};
    return 0;
}

static void creation_values(arena_t *arena, creation_t *c,
                            const manage_create_options_t *options)
{
    const config_t *old = c->exists ? c->existing.config : NULL;
    c->values.alias = options->alias ? options->alias
                      : old          ? old->alias.value
                                     : base_name(c->path);
    expand_context_t none = {0};
    c->values.name = old && old->name.value
                         ? old->name.value
                         : expand_predefined(arena, &none, "UUID");
    c->values.info = options->info ? options->info
                     : old && old->info.value
                         ? old->info.value
                         : arena_printf(arena, "node %s", c->values.alias);
    c->template_spec = options->template_spec ? options->template_spec
                       : c->ancestor          ? "default"
                                              : "system";
    c->admin_spec = options->admin_template;
    if (!c->admin_spec && !strchr(c->template_spec, '/')) {
        const char *admin = arena_printf(arena, "%s-admin", c->template_spec);
        if (template_exists(arena, admin))
            c->admin_spec = admin;
    }
}

/* The new node must merge cleanly below its ancestors (a child that
 * loosens a restriction, or redefines an ancestor's mount, is refused). */
static int creation_merge_check(arena_t *arena, creation_t *c, rp_error_t *err)
{
    node_chain_t chain = {0};
    if (c->ancestor && node_chain_load(arena, c->ancestor, true, &chain, err) < 0)
        return -1;
    if (!c->ancestor && node_main_load(arena, &chain.main, err) < 0)
        return -1;
    node_t *nodes = arena_alloc(arena, (chain.count + 1) * sizeof *nodes);
    if (chain.count)
        memcpy(nodes, chain.nodes, chain.count * sizeof *nodes);
    nodes[chain.count] = (node_t){.path = c->path,
                                  .config_file = c->normal.source,
                                  .status = {.state = NODE_STATE_ENABLE},
                                  .config = c->normal.config,
                                  .admin = c->has_admin ? c->admin.config
                                                        : NULL};
    chain.nodes = nodes;
    chain.count++;
    config_t *merged;
    for (int admin = 0; admin <= 1; admin++) {
        merge_options_t merge = {.admin = admin, .expand = false};
        if (merge_chain(arena, &chain, &merge, &merged, err) < 0)
            return -1;
    }
    return 0;
}

static int remove_tree(const char *path, rp_error_t *err);

/* ---- create: writing ------------------------------------------------- */

static int creation_write(arena_t *arena, const creation_t *c, const char *dir,
                          const char *realpath, rp_error_t *err)
{
    const char **dirs;
    size_t count;
    template_directories(arena, c->normal.config, &dirs, &count);
    for (size_t i = 0; i < count; i++) {
        const char *sub = arena_printf(arena, "%s/%s", dir, dirs[i]);
        if (mkdir(sub, 0755) < 0 && errno != EEXIST)
            return error_set_errno(err, errno, "cannot create %s", sub);
    }
    if (node_file_write(dir, NODE_CONFIG_FILE, c->normal.text,
                          c->normal.length, err) < 0 ||
        (c->has_admin && node_file_write(dir, NODE_ADMIN_FILE, c->admin.text,
                                           c->admin.length, err) < 0))
        return -1;
    node_status_t status = {
        .realpath = realpath,
        .state = c->exists ? c->existing.status.state : NODE_STATE_ENABLE,
        .timestamp = now_milliseconds(),
        .info = c->values.info,
    };
    return node_status_write(dir, &status, err);
}

/* A new node is assembled in a hidden sibling directory, then renamed to
 * its place: it appears whole or not at all. */
static int creation_write_new(arena_t *arena, const creation_t *c,
                              rp_error_t *err)
{
    char *building = arena_printf(arena, "%s/.%s.creating-XXXXXX", c->parent,
                                  base_name(c->path));
    if (!mkdtemp(building))
        return error_set_errno(err, errno, "cannot create a directory in %s",
                               c->parent);
    char resolved[PATH_MAX];
    const char *realpath_text = realpath(c->parent, resolved)
                                    ? arena_printf(arena, "%s/%s", resolved,
                                                   base_name(c->path))
                                    : c->path;
    int rc = creation_write(arena, c, building, realpath_text, err);
    if (rc == 0 && chmod(building, 0755) < 0)
        rc = error_set_errno(err, errno, "cannot chmod %s", building);
    if (rc == 0 && rename(building, c->path) < 0)
        rc = error_set_errno(err, errno, "cannot create %s", c->path);
    if (rc < 0) {
        rp_error_t ignored;
        remove_tree(building, &ignored);
    }
    return rc;
}

int manage_create(arena_t *arena, const char *redpath,
                  const manage_create_options_t *options, rp_error_t *err)
{
    creation_t c = {.path = redpath};
    if (creation_target(arena, &c, options, err) < 0)
        return -1;
    c.ancestor = nearest_ancestor(arena, c.path);
    creation_values(arena, &c, options);
    if (template_instantiate(arena, c.template_spec, &c.values, c.path, false,
                             &c.normal, err) < 0)
        return -1;
    c.has_admin = c.admin_spec != NULL;
    if (c.has_admin && template_instantiate(arena, c.admin_spec, &c.values,
                                            c.path, true, &c.admin, err) < 0)
        return -1;
    if (creation_merge_check(arena, &c, err) < 0)
        return -1;
    if (!c.exists)
        return creation_write_new(arena, &c, err);
    return creation_write(arena, &c, c.path, c.existing.status.realpath
                                                 ? c.existing.status.realpath
                                                 : c.path,
                          err);
}

/* ---- state ----------------------------------------------------------- */

int manage_set_state(arena_t *arena, const char *redpath, node_state_t state,
                     rp_error_t *err)
{
    node_status_t status;
    if (manage_require_node(redpath, err) < 0 ||
        node_status_read(arena, redpath, &status, err) < 0)
        return -1;
    if (state == NODE_STATE_ENABLE) {
        node_chain_t chain;
        config_t *merged;
        merge_options_t merge = {.admin = false, .expand = false};
        if (node_chain_load(arena, redpath, false, &chain, err) < 0 ||
            merge_chain(arena, &chain, &merge, &merged, err) < 0)
            return -1;
    }
    status.state = state;
    status.timestamp = now_milliseconds();
    return node_status_write(redpath, &status, err);
}

/* ---- delete ---------------------------------------------------------- */

static int remove_entries(int fd, const char *path, dev_t device,
                          rp_error_t *err);

static int remove_subdirectory(int parent, const char *name, const char *path,
                               const struct stat *info, dev_t device,
                               rp_error_t *err)
{
    char sub[PATH_MAX];
    snprintf(sub, sizeof sub, "%s/%s", path, name);
    if (info->st_dev != device)
        return error_set(err, "cannot remove %s: a mount point", sub);
    int fd = openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
                                      O_CLOEXEC);
    if (fd < 0)
        return error_set_errno(err, errno, "cannot remove %s", sub);
    if (remove_entries(fd, sub, device, err) < 0)
        return -1;
    if (unlinkat(parent, name, AT_REMOVEDIR) < 0)
        return error_set_errno(err, errno, "cannot remove %s", sub);
    return 0;
}

/* Removes the entries of the open directory `fd` (which it closes), never
 * following a symlink and never leaving the file system `device`. */
static int remove_entries(int fd, const char *path, dev_t device,
                          rp_error_t *err)
{
    DIR *dir = fdopendir(fd);
    if (!dir) {
        close(fd);
        return error_set_errno(err, errno, "cannot read %s", path);
    }
    int rc = 0;
    for (struct dirent *entry; rc == 0 && (entry = readdir(dir));) {
        const char *name = entry->d_name;
        struct stat info;
        if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
            continue;
        if (fstatat(dirfd(dir), name, &info, AT_SYMLINK_NOFOLLOW) < 0) {
            rc = error_set_errno(err, errno, "cannot remove %s/%s", path, name);
        } else if (S_ISDIR(info.st_mode)) {
            rc = remove_subdirectory(dirfd(dir), name, path, &info, device,
                                     err);
        } else if (unlinkat(dirfd(dir), name, 0) < 0) {
            rc = error_set_errno(err, errno, "cannot remove %s/%s", path, name);
        }
    }
    closedir(dir);
    return rc;
}

static int remove_tree(const char *path, rp_error_t *err)
{
    struct stat info;
    int fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0 || fstat(fd, &info) < 0) {
        int saved = errno;
        if (fd >= 0)
            close(fd);
        return error_set_errno(err, saved, "cannot remove %s", path);
    }
    if (remove_entries(fd, path, info.st_dev, err) < 0)
        return -1;
    if (rmdir(path) < 0)
        return error_set_errno(err, errno, "cannot remove %s", path);
    return 0;
}

int manage_delete(arena_t *arena, const char *redpath, bool recursive,
                  rp_error_t *err)
{
    char **children;
    size_t count;
    if (manage_require_node(redpath, err) < 0 ||
        node_children(arena, redpath, &children, &count, err) < 0)
        return -1;
    if (count && !recursive)
        return error_set(err, "node %s has %zu child node%s, %s first (or "
                              "use --recursive)",
                         redpath, count, count > 1 ? "s" : "",
                         children[0]);
    /* Out of the tree at once, then removed. */
    char *doomed = arena_printf(arena, "%s/.%s.deleting-%ld-%lld",
                                parent_dir(arena, redpath),
                                base_name(redpath), (long)getpid(),
                                now_milliseconds());
    if (rename(redpath, doomed) < 0)
        return error_set_errno(err, errno, "cannot delete %s", redpath);
    if (remove_tree(doomed, err) < 0) {
        size_t used = strlen(err->message);
        snprintf(err->message + used, sizeof err->message - used,
                 " (%s was moved there, remove the rest by hand)", redpath);
        return -1;
    }
    return 0;
}

/* ---- subtree and check ----------------------------------------------- */

typedef struct subtree {
    arena_t *arena;
    char **nodes, **links;
    size_t count, link_count, capacity, link_capacity;
} subtree_t;

static char **path_push(arena_t *arena, char **list, size_t *count,
                        size_t *capacity, char *path)
{
    list = arena_reserve(arena, list, *count, capacity, sizeof *list);
    list[(*count)++] = path;
    return list;
}

/* Parents before children; unreadable branches hold nothing to check. */
static void subtree_collect(subtree_t *tree, const char *dir)
{
    char **children, **links;
    size_t child_count, link_count;
    rp_error_t ignored;
    if (node_children_links(tree->arena, dir, &children, &child_count, &links,
                            &link_count, &ignored) < 0)
        return;
    for (size_t i = 0; i < link_count; i++)
        tree->links = path_push(tree->arena, tree->links, &tree->link_count,
                                &tree->link_capacity, links[i]);
    for (size_t i = 0; i < child_count; i++) {
        tree->nodes = path_push(tree->arena, tree->nodes, &tree->count,
                                &tree->capacity, children[i]);
        subtree_collect(tree, children[i]);
    }
}

static int subtree_find(const char *path, subtree_t *tree, rp_error_t *err)
{
    struct stat info;
    if (lstat(path, &info) < 0)
        return error_set_errno(err, errno, "%s", path);
    if (S_ISLNK(info.st_mode))
        return error_set(err, "%s is a symlink", path);
    if (!S_ISDIR(info.st_mode))
        return error_set(err, "%s is not a directory", path);
    if (node_exists(path))
        tree->nodes = path_push(tree->arena, tree->nodes, &tree->count,
                                &tree->capacity, arena_strdup(tree->arena, path));
    subtree_collect(tree, path);
    return 0;
}

typedef struct problems {
    const char **seen;
    size_t count, capacity;
    void (*report)(const char *problem);
} problems_t;

/* Each distinct message once: a broken parent shows in every chain below. */
static void problem_add(arena_t *arena, problems_t *problems,
                        const rp_error_t *err)
{
    for (size_t i = 0; i < problems->count; i++)
        if (strcmp(problems->seen[i], err->message) == 0)
            return;
    problems->seen = arena_reserve(arena, problems->seen, problems->count,
                                   &problems->capacity, sizeof *problems->seen);
    problems->seen[problems->count++] = arena_strdup(arena, err->message);
    problems->report(err->message);
}

/* package_check_chain reports through problem_add too (same dedup). */
typedef struct package_problems {
    arena_t *arena;
    problems_t *problems;
} package_problems_t;

static void problem_package(void *context, const char *text)
{
    package_problems_t *packages = context;
    rp_error_t err;
    error_set(&err, "%s", text);
    problem_add(packages->arena, packages->problems, &err);
}

size_t manage_check(arena_t *arena, const char *path, size_t *checked,
                    void (*report)(const char *problem))
{
    problems_t problems = {.report = report};
    rp_error_t err;
    subtree_t tree = {.arena = arena};
    *checked = 0;
    if (subtree_find(path, &tree, &err) < 0) {
        problem_add(arena, &problems, &err);
        return problems.count;
    }
    /* The tree walk cannot vouch for a node reached through a symlink. */
    for (size_t i = 0; i < tree.link_count; i++) {
        error_set(&err, "%s is a symlink to a node: nodes must be real "
                        "directories", tree.links[i]);
        problem_add(arena, &problems, &err);
    }
    char **nodes = tree.nodes;
    size_t count = tree.count;
    if (count == 0) {
        error_set(&err, "no node at or below %s", path);
        problem_add(arena, &problems, &err);
    }
    for (size_t i = 0; i < count; i++) {
        node_t node;
        if (node_load(arena, nodes[i], true, &node, &err) < 0) {
            problem_add(arena, &problems, &err);
            continue;
        }
        for (int admin = 0; admin <= 1; admin++) {
            node_chain_t chain;
            config_t *merged;
            merge_options_t merge = {.admin = admin, .expand = false};
            if (node_chain_load(arena, nodes[i], admin, &chain, &err) < 0 ||
                merge_chain(arena, &chain, &merge, &merged, &err) < 0)
                problem_add(arena, &problems, &err);
        }
        /* packages: each node against its ancestors (SPEC §7) */
        node_chain_t chain;
        package_problems_t packages = {arena, &problems};
        if (node_chain_load(arena, nodes[i], false, &chain, &err) < 0 ||
            package_check_chain(arena, &chain, true, problem_package, &packages,
                                &err) < 0)
            problem_add(arena, &problems, &err);
    }
    *checked = count;
    return problems.count;
}
