/* repo: .repo files of a node and the index of local repositories. */
#include "core/repo.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <rpm/header.h>
#include <rpm/rpmlib.h>

#include "core/rpmdb.h"

static char *repo_trim(char *text)
{
    while (isspace((unsigned char)*text))
        text++;
    size_t length = strlen(text);
    while (length > 0 && isspace((unsigned char)text[length - 1]))
        text[--length] = '\0';
    return text;
}

static bool repo_flag(const char *value)
{
    return strcmp(value, "1") == 0 || strcasecmp(value, "yes") == 0 ||
           strcasecmp(value, "true") == 0 || strcasecmp(value, "on") == 0;
}

/* file:///DIR or /DIR: the directory; anything else is not local. */
static const char *repo_local_directory(const char *baseurl)
{
    if (strncmp(baseurl, "file://", 7) == 0)
        baseurl += 7;
    return baseurl[0] == '/' ? baseurl : NULL;
}

static repo_t *repo_append(arena_t *arena, repo_t **repos, size_t *count)
{
    *repos = arena_grow(arena, *repos, *count * sizeof **repos,
                        (*count + 1) * sizeof **repos);
    return &(*repos)[(*count)++];
}

static int repo_set_key(arena_t *arena, repo_t *repo, const char *key,
                        const char *value)
{
    if (strcmp(key, "name") == 0)
        repo->name = arena_strdup(arena, value);
    else if (strcmp(key, "baseurl") == 0) {
        repo->baseurl = arena_strdup(arena, value);
        repo->directory = repo_local_directory(repo->baseurl);
    } else if (strcmp(key, "enabled") == 0)
        repo->enabled = repo_flag(value);
    else if (strcmp(key, "gpgcheck") == 0)
        repo->gpgcheck = repo_flag(value);
    /* other yum keys (gpgkey, metadata_expire...) do not apply offline */
    return 0;
}

static int repo_parse_file(arena_t *arena, const char *file, repo_t **repos,
                           size_t *count, rp_error_t *err)
{
    FILE *in = fopen(file, "re");
    if (!in)
        return error_set_errno(err, errno, "cannot open %s", file);
    char line[4096];
    int number = 0;
    repo_t *current = NULL;
    while (fgets(line, sizeof line, in)) {
        number++;
        bool continuation = isspace((unsigned char)line[0]);
        char *text = repo_trim(line);
        if (!*text || *text == '#' || *text == ';' || (continuation && current))
            continue; /* extra baseurl lines: the first one is used */
        char *equal = strchr(text, '=');
        size_t length = strlen(text);
        if (text[0] == '[' && text[length - 1] == ']' && length > 2) {
            text[length - 1] = '\0';
            current = repo_append(arena, repos, count);
            *current = (repo_t){.id = arena_strdup(arena, repo_trim(text + 1)),
                                .file = file, .enabled = true};
        } else if (equal && current) {
            *equal = '\0';
            repo_set_key(arena, current, repo_trim(text), repo_trim(equal + 1));
        } else {
            fclose(in);
            return error_set(err, "%s:%d: expected [id] or key=value", file,
                             number);
        }
    }
    fclose(in);
    return 0;
}

static int repo_compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The names of DIR's entries ending with `suffix`, sorted. */
static int repo_list_files(arena_t *arena, const char *dir, const char *suffix,
                           char ***names, size_t *count, rp_error_t *err)
{
    *names = NULL;
    *count = 0;
    DIR *d = opendir(dir);
    if (!d)
        return errno == ENOENT ? 0
                               : error_set_errno(err, errno, "cannot read %s", dir);
    struct dirent *entry;
    size_t suffix_length = strlen(suffix);
    while ((entry = readdir(d))) {
        size_t length = strlen(entry->d_name);
        if (length <= suffix_length || entry->d_name[0] == '.' ||
            strcmp(entry->d_name + length - suffix_length, suffix) != 0)
            continue;
        *names = arena_grow(arena, *names, *count * sizeof **names,
                            (*count + 1) * sizeof **names);
        (*names)[(*count)++] = arena_printf(arena, "%s/%s", dir, entry->d_name);
    }
    closedir(d);
    if (*count)
        qsort(*names, *count, sizeof **names, repo_compare_names);
    return 0;
}

int repo_load_node(arena_t *arena, const char *node_path, repo_t **repos,
                   size_t *count, rp_error_t *err)
{
    *repos = NULL;
    *count = 0;
    char **files;
    size_t file_count;
    char *dir = arena_printf(arena, "%s/" REPO_DIR, node_path);
    if (repo_list_files(arena, dir, ".repo", &files, &file_count, err) < 0)
        return -1;
    for (size_t i = 0; i < file_count; i++)
        if (repo_parse_file(arena, files[i], repos, count, err) < 0)
            return -1;
    return 0;
}

static bool repo_valid_id(const char *id)
{
    if (!*id)
        return false;
    for (; *id; id++)
        if (!isalnum((unsigned char)*id) && !strchr("-_.:", *id))
            return false;
    return true;
}

static int repo_write_file(const char *file, const char *text, rp_error_t *err)
{
    char temporary[4096];
    snprintf(temporary, sizeof temporary, "%s.tmp", file);
    int fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        return error_set_errno(err, errno, "cannot write %s", temporary);
    size_t length = strlen(text);
    if (write(fd, text, length) != (ssize_t)length || fsync(fd) < 0) {
        int saved = errno;
        close(fd);
        unlink(temporary);
        return error_set_errno(err, saved, "cannot write %s", temporary);
    }
    close(fd);
    if (rename(temporary, file) < 0) {
        int saved = errno;
        unlink(temporary);
        return error_set_errno(err, saved, "cannot rename %s", temporary);
    }
    return 0;
}

static char *repo_format(arena_t *arena, const repo_t *repo)
{
    return arena_printf(arena, "[%s]\nname=%s\nbaseurl=%s\nenabled=%d\ngpgcheck=%d\n",
                        repo->id, repo->name ? repo->name : repo->id,
                        repo->baseurl, repo->enabled, repo->gpgcheck);
}

int repo_add(arena_t *arena, const char *node_path, const repo_t *repo,
             rp_error_t *err)
{
    if (!repo_valid_id(repo->id))
        return error_set(err, "invalid repository id '%s' (letters, digits, -_.: only)",
                         repo->id);
    if (!repo->baseurl || !*repo->baseurl || strpbrk(repo->baseurl, "\n\r") ||
        (repo->name && strpbrk(repo->name, "\n\r")))
        return error_set(err, "invalid repository %s: baseurl and name must be one line",
                         repo->id);
    repo_t *existing;
    size_t count;
    if (repo_load_node(arena, node_path, &existing, &count, err) < 0)
        return -1;
    for (size_t i = 0; i < count; i++)
        if (strcmp(existing[i].id, repo->id) == 0)
            return error_set(err, "repository %s already exists in %s",
                             repo->id, existing[i].file);
    char *dir = arena_printf(arena, "%s/" REPO_DIR, node_path);
    if (mkdir(dir, 0755) < 0 && errno != EEXIST)
        return error_set_errno(err, errno, "cannot create %s", dir);
    return repo_write_file(arena_printf(arena, "%s/%s.repo", dir, repo->id),
                           repo_format(arena, repo), err);
}

int repo_remove(arena_t *arena, const char *node_path, const char *id,
                rp_error_t *err)
{
    repo_t *repos;
    size_t count;
    if (repo_load_node(arena, node_path, &repos, &count, err) < 0)
        return -1;
    const char *file = NULL;
    for (size_t i = 0; i < count; i++)
        if (strcmp(repos[i].id, id) == 0)
            file = repos[i].file;
    if (!file)
        return error_set(err, "no repository %s in %s", id, node_path);
    /* Rewrite the file with the other repositories it declares. */
    char *text = arena_strdup(arena, "");
    for (size_t i = 0; i < count; i++)
        if (repos[i].file == file && strcmp(repos[i].id, id) != 0)
            text = arena_printf(arena, "%s%s%s", text, *text ? "\n" : "",
                                repo_format(arena, &repos[i]));
    if (!*text && unlink(file) < 0)
        return error_set_errno(err, errno, "cannot remove %s", file);
    return *text ? repo_write_file(file, text, err) : 0;
}

static int repo_index_directory(arena_t *arena, rpmts ts, const char *dir,
                                bool gpgcheck, repo_index_t *index,
                                rp_error_t *err)
{
    char **files;
    size_t count;
    if (repo_list_files(arena, dir, ".rpm", &files, &count, err) < 0)
        return -1;
    for (size_t i = 0; i < count; i++) {
        FD_t fd = Fopen(files[i], "r.ufdio");
        Header header = NULL;
        if (!fd || Ferror(fd) ||
            rpmReadPackageFile(ts, fd, files[i], &header) != RPMRC_OK) {
            warn("skipping %s: not a readable package", files[i]);
            if (fd)
                Fclose(fd);
            continue;
        }
        Fclose(fd);
        index->packages = arena_grow(arena, index->packages,
                                     index->count * sizeof *index->packages,
                                     (index->count + 1) * sizeof *index->packages);
        index->packages[index->count++] =
            (repo_package_t){.file = files[i], .header = header, .gpgcheck = gpgcheck};
    }
    return 0;
}

int repo_index_load(arena_t *arena, const char *const *nodes, size_t count,
                    const char *const *extra, size_t extra_count,
                    repo_index_t *index, rp_error_t *err)
{
    *index = (repo_index_t){0};
    /* Signatures are checked when a package enters a transaction, not
     * while indexing. */
    rpmts ts = rpmtsCreate();
    rpmtsSetVSFlags(ts, RPMVSF_MASK_NOSIGNATURES | RPMVSF_MASK_NODIGESTS);
    int rc = 0;
    for (size_t i = 0; i < extra_count && rc == 0; i++)
        rc = repo_index_directory(arena, ts, extra[i], false, index, err);
    for (size_t n = count; n-- > 0 && rc == 0;) {
        repo_t *repos;
        size_t repo_count;
        rc = repo_load_node(arena, nodes[n], &repos, &repo_count, err);
        for (size_t i = 0; i < repo_count && rc == 0; i++) {
            if (!repos[i].enabled || !repos[i].baseurl)
                continue;
            if (!repos[i].directory) {
                warn("skipping repository %s: only local repositories (file:// or a directory) are supported",
                     repos[i].id);
                continue;
            }
            rc = repo_index_directory(arena, ts, repos[i].directory,
                                      repos[i].gpgcheck, index, err);
        }
    }
    rpmtsFree(ts);
    if (rc < 0)
        repo_index_free(index);
    return rc;
}

void repo_index_free(repo_index_t *index)
{
    for (size_t i = 0; i < index->count; i++)
        headerFree(index->packages[i].header);
    index->count = 0;
}

static const repo_package_t *repo_newer(const repo_package_t *best,
                                        const repo_package_t *candidate)
{
    return !best || rpmVersionCompare(candidate->header, best->header) > 0
               ? candidate : best;
}

const repo_package_t *repo_index_best(const repo_index_t *index, rpmds dep)
{
    const repo_package_t *best = NULL;
    for (size_t i = 0; i < index->count; i++)
        if (rpmdb_header_provides(index->packages[i].header, dep))
            best = repo_newer(best, &index->packages[i]);
    return best;
}

const repo_package_t *repo_index_newest(const repo_index_t *index,
                                        const char *name)
{
    const repo_package_t *best = NULL;
    for (size_t i = 0; i < index->count; i++)
        if (strcmp(headerGetString(index->packages[i].header, RPMTAG_NAME),
                   name) == 0)
            best = repo_newer(best, &index->packages[i]);
    return best;
}
