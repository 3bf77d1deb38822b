/* Templates: read, fill the header placeholders, validate by loading. */
#include "template.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config_print.h"
#include "embedded.h"
#include "yaml_reader.h"

#define TEMPLATE_INSTALLED_DIR SYSCONFDIR "/redpak/templates.d"

/* ---- finding and reading ------------------------------------------- */

static bool template_is_file(const char *spec)
{
    return strchr(spec, '/') != NULL;
}

static bool template_name_valid(const char *name)
{
    return *name && !name[strspn(name, "abcdefghijklmnopqrstuvwxyz"
                                       "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                       "0123456789-_")];
}

static const char *template_installed_file(arena_t *arena, const char *name)
{
    return arena_printf(arena, "%s/template-%s.yaml", TEMPLATE_INSTALLED_DIR,
                        name);
}

static const embedded_file_t *template_builtin(arena_t *arena, const char *name)
{
    return embedded_find(arena_printf(arena, "template-%s.yaml", name));
}

bool template_exists(arena_t *arena, const char *spec)
{
    if (template_is_file(spec))
        return access(spec, R_OK) == 0;
    return template_name_valid(spec) &&
           (access(template_installed_file(arena, spec), R_OK) == 0 ||
            template_builtin(arena, spec) != NULL);
}

static int file_read(arena_t *arena, const char *file, char **text,
                     size_t *length, rp_error_t *err)
{
    int fd = open(file, O_RDONLY | O_CLOEXEC);
    struct stat info;
    if (fd < 0 || fstat(fd, &info) < 0) {
        int saved = errno;
        if (fd >= 0)
            close(fd);
        return error_set_errno(err, saved, "cannot read template %s", file);
    }
    if (!S_ISREG(info.st_mode) || info.st_size > YAML_READER_MAX_SIZE) {
        close(fd);
        return error_set(err, "template %s: not a regular file of at most %d "
                              "bytes", file, YAML_READER_MAX_SIZE);
    }
    char *buffer = arena_alloc(arena, (size_t)info.st_size + 1);
    size_t used = 0;
    for (ssize_t got; used < (size_t)info.st_size; used += (size_t)got) {
        got = read(fd, buffer + used, (size_t)info.st_size - used);
        if (got < 0 && errno == EINTR)
            got = 0;
        else if (got <= 0)
            break;
    }
    close(fd);
    if (used != (size_t)info.st_size)
        return error_set(err, "cannot read template %s: short read", file);
    *text = buffer;
    *length = used;
    return 0;
}

static int template_read(arena_t *arena, const char *spec, const char **source,
                         char **text, size_t *length, rp_error_t *err)
{
    if (template_is_file(spec)) {
        *source = spec;
        return file_read(arena, spec, text, length, err);
    }
    if (!template_name_valid(spec))
        return error_set(err, "bad template name '%s'", spec);
    const char *installed = template_installed_file(arena, spec);
    if (access(installed, F_OK) == 0) {
        *source = installed;
        return file_read(arena, installed, text, length, err);
    }
    const embedded_file_t *builtin = template_builtin(arena, spec);
    if (!builtin)
        return error_set(err, "unknown template '%s' (built in: default, "
                              "system, full and their -admin variants)",
                         spec);
    *source = arena_printf(arena, "<builtin:%s>", builtin->name);
    *text = arena_strndup(arena, (const char *)builtin->data, builtin->size);
    *length = builtin->size;
    return 0;
}

/* ---- placeholders ---------------------------------------------------- */

static char *placeholders_fill(arena_t *arena, const char *text,
                               const template_values_t *values, size_t *length)
{
    const struct {
        const char *placeholder, *value;
    } fills[] = {{"@NODE_ALIAS@", values->alias},
                 {"@NODE_NAME@", values->name},
                 {"@NODE_INFO@", values->info}};
    char *buffer = NULL;
    size_t size = 0;
    FILE *out = open_memstream(&buffer, &size);
    if (!out)
        fatal(EXIT_SETUP, "out of memory");
    while (*text) {
        size_t i = 0;
        while (i < 3 && strncmp(text, fills[i].placeholder,
                                strlen(fills[i].placeholder)) != 0)
            i++;
        if (i < 3) {
            config_print_yaml_escaped(out, fills[i].value ? fills[i].value : "");
            text += strlen(fills[i].placeholder);
        } else {
            fputc(*text++, out);
        }
    }
    if (fclose(out) != 0)
        fatal(EXIT_SETUP, "out of memory");
    char *copy = arena_strndup(arena, buffer, size);
    free(buffer);
    *length = size;
    return copy;
}

int template_instantiate(arena_t *arena, const char *spec,
                         const template_values_t *values,
                         const char *node_path, bool admin,
                         template_instance_t *instance, rp_error_t *err)
{
    char *raw;
    size_t raw_length;
    if (template_read(arena, spec, &instance->source, &raw, &raw_length, err) <
        0)
        return -1;
    if (memchr(raw, '\0', raw_length))
        return error_set(err, "template %s: holds a NUL byte",
                         instance->source);
    instance->text = placeholders_fill(arena, raw, values, &instance->length);
    if (config_load_buffer(arena, instance->source, instance->text,
                           instance->length, node_path, admin,
                           &instance->config, err) < 0)
        return -1;
    const char *alias = instance->config->alias.value;
    if ((alias || !admin) && (!alias || strcmp(alias, values->alias) != 0))
        return error_set(err, "template %s: headers.alias must be the "
                              "placeholder \"@NODE_ALIAS@\"",
                         instance->source);
    return 0;
}

/* ---- directories ----------------------------------------------------- */

/* The part of `path` after $NODE_PATH/ (or ${NODE_PATH}/), or NULL. */
static const char *node_relative(const char *path)
{
    static const char *const prefixes[] = {"$NODE_PATH/", "${NODE_PATH}/"};
    for (size_t i = 0; i < 2; i++)
        if (strncmp(path, prefixes[i], strlen(prefixes[i])) == 0)
            return path + strlen(prefixes[i]);
    return NULL;
}

/* Plain relative path: no `.`/`..` component, nothing left to expand. */
static bool relative_safe(const char *path)
{
    if (!*path || path[0] == '/' || strchr(path, '$') || strstr(path, "//"))
        return false;
    for (const char *part = path; *part;) {
        size_t length = strcspn(part, "/");
        if ((length == 1 && part[0] == '.') ||
            (length == 2 && part[0] == '.' && part[1] == '.'))
            return false;
        part += length;
        part += *part == '/';
    }
    return true;
}

static bool export_is_directory(export_mode_t mode)
{
    return mode == EXPORT_PUBLIC || mode == EXPORT_RESTRICTED ||
           mode == EXPORT_PRIVATE || mode == EXPORT_PRIVATE_RESTRICTED;
}

typedef struct dir_list {
    arena_t *arena;
    const char **dirs;
    size_t count, capacity;
} dir_list_t;

static void dir_list_add(dir_list_t *list, const char *dir)
{
    for (size_t i = 0; i < list->count; i++)
        if (strcmp(list->dirs[i], dir) == 0)
            return;
    if (list->count == list->capacity) {
        size_t capacity = list->capacity ? 2 * list->capacity : 16;
        list->dirs = arena_grow(list->arena, list->dirs,
                                list->capacity * sizeof *list->dirs,
                                capacity * sizeof *list->dirs);
        list->capacity = capacity;
    }
    list->dirs[list->count++] = dir;
}

/* `dir` and each of its parents. */
static void dir_list_add_with_parents(dir_list_t *list, const char *dir)
{
    for (const char *slash = strchr(dir, '/'); slash;
         slash = strchr(slash + 1, '/'))
        dir_list_add(list, arena_strndup(list->arena, dir,
                                         (size_t)(slash - dir)));
    dir_list_add(list, dir);
}

static int dir_compare(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

void template_directories(arena_t *arena, const config_t *config,
                          const char ***dirs, size_t *count)
{
    dir_list_t list = {.arena = arena};
    dir_list_add_with_parents(&list, "etc/yum.repos.d");
    dir_list_add_with_parents(&list, "var/lib/rpm");
    for (size_t i = 0; i < config->export_count; i++) {
        const config_export_t *entry = &config->exports[i];
        const char *relative = entry->path ? node_relative(entry->path) : NULL;
        if (export_is_directory(entry->mode) && relative &&
            relative_safe(relative))
            dir_list_add_with_parents(&list, relative);
    }
    /* Sorted, a parent comes before its children. */
    qsort(list.dirs, list.count, sizeof *list.dirs, dir_compare);
    *dirs = list.dirs;
    *count = list.count;
}
