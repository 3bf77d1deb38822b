/* Node discovery: a redpath's chain of nodes (walking up to `/`), their
 * status files, configuration files and main.yaml. */
#include "node.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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
