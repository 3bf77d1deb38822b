/* rpmdb: librpm set-up and the aggregated databases of a chain. */
#include "core/rpmdb.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/mman.h>
#include <unistd.h>

#include <rpm/header.h>
#include <rpm/rpmdb.h>
#include <rpm/rpmfi.h>
#include <rpm/rpmlib.h>
#include <rpm/rpmlog.h>
#include <rpm/rpmmacro.h>
#include <rpm/rpmstrpool.h>

/* The smallest rpmrc librpm accepts: canonical names of the architectures
 * redpak targets and what each may install. */
static const char rpmdb_rpmrc[] =
    "arch_canon: x86_64: x86_64 1\n"
    "arch_canon: aarch64: aarch64 19\n"
    "arch_canon: i686: i686 1\n"
    "arch_canon: armv7hl: armv7hl 12\n"
    "arch_canon: riscv64: riscv64 22\n"
    "os_canon: Linux: Linux 1\n"
    "archcolor: noarch 0\n"
    "archcolor: x86_64 2\n"
    "archcolor: aarch64 2\n"
    "archcolor: i686 1\n"
    "archcolor: armv7hl 1\n"
    "archcolor: riscv64 2\n"
    "arch_compat: x86_64: noarch\n"
    "arch_compat: aarch64: noarch\n"
    "arch_compat: i686: noarch\n"
    "arch_compat: armv7hl: noarch\n"
    "arch_compat: riscv64: noarch\n"
    "buildarch_compat: x86_64: noarch\n"
    "os_compat: Linux: Linux\n";

/* Macros every node database relies on (paths are inside the node). */
static const char *const rpmdb_macros[][2] = {
    {"_db_backend", "sqlite"},
    {"_dbpath", "/" RPMDB_DIR},
    {"_rpmlock_path", "%{_dbpath}/.rpm.lock"},
    {"_tmppath", RPMDB_TMP_DIR},
    {"_pkgverify_level", "digest"},
    {"_keyringpath", "%{_dbpath}/pubkeys/"},
    {"_query_all_fmt", "%%{nvr}%%{archsuffix}"},
};

/* librpm reads its rpmrc from a path: hand it the built-in text through
 * a memory file (a temporary file where /proc is not mounted). */
static int rpmdb_rpmrc_path(char *path, size_t size, bool *unlink_after)
{
    *unlink_after = false;
    int fd = memfd_create("rpmrc", MFD_CLOEXEC);
    if (fd >= 0) {
        snprintf(path, size, "/proc/self/fd/%d", fd);
        if (access(path, R_OK) != 0) {
            close(fd);
            fd = -1;
        }
    }
    if (fd < 0) {
        const char *tmp = getenv("TMPDIR");
        snprintf(path, size, "%s/redpak-rpmrc.XXXXXX", tmp ? tmp : "/tmp");
        fd = mkostemp(path, O_CLOEXEC);
        if (fd < 0)
            return -1;
        *unlink_after = true;
    }
    if (write(fd, rpmdb_rpmrc, sizeof rpmdb_rpmrc - 1) !=
        (ssize_t)(sizeof rpmdb_rpmrc - 1)) {
        close(fd);
        return -1;
    }
    return fd;
}

int rpmdb_setup(rp_error_t *err)
{
    static bool done;
    if (done)
        return 0;
    char path[256];
    bool unlink_after;
    int fd = rpmdb_rpmrc_path(path, sizeof path, &unlink_after);
    if (fd < 0)
        return error_set_errno(err, errno, "cannot write the rpm configuration");
    int rc = rpmReadConfigFiles(path, NULL);
    if (unlink_after)
        unlink(path);
    close(fd);
    if (rc != 0)
        return error_set(err, "cannot read the rpm configuration");
    for (size_t i = 0; i < sizeof rpmdb_macros / sizeof rpmdb_macros[0]; i++)
        rpmPushMacro(NULL, rpmdb_macros[i][0], NULL, rpmdb_macros[i][1],
                     RMIL_CMDLINE);
    rpmSetVerbosity(log_verbosity > 0 ? RPMLOG_INFO : RPMLOG_NOTICE);
    done = true;
    return 0;
}

rpmts rpmdb_ts_new(const char *node_path, bool gpgcheck)
{
    rpmts ts = rpmtsCreate();
    rpmtsSetRootDir(ts, node_path);
    rpmtsSetVfyLevel(ts, gpgcheck ? RPMSIG_SIGNATURE_TYPE | RPMSIG_DIGEST_TYPE
                                  : RPMSIG_DIGEST_TYPE);
    return ts;
}

bool rpmdb_exists(const char *node_path)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", node_path, RPMDB_FILE);
    return access(path, F_OK) == 0;
}

int rpmdb_view_open(arena_t *arena, const char *const *nodes, size_t count,
                    rpmdb_view_t *view, rp_error_t *err)
{
    view->nodes = nodes;
    view->count = count;
    view->ts = arena_alloc(arena, (count + 1) * sizeof *view->ts);
    for (size_t i = 0; i < count; i++) {
        if (!rpmdb_exists(nodes[i]))
            continue;
        view->ts[i] = rpmdb_ts_new(nodes[i], false);
        if (rpmtsOpenDB(view->ts[i], O_RDONLY) != 0) {
            rpmdb_view_close(view);
            return error_set(err, "cannot open the rpm database of %s",
                             nodes[i]);
        }
    }
    return 0;
}

void rpmdb_view_close(rpmdb_view_t *view)
{
    for (size_t i = 0; i < view->count; i++)
        if (view->ts[i])
            view->ts[i] = rpmtsFree(view->ts[i]);
}

rpmdbMatchIterator rpmdb_all(rpmts ts)
{
    return ts ? rpmtsInitIterator(ts, RPMDBI_PACKAGES, NULL, 0) : NULL;
}

static bool rpmdb_skipped(unsigned record, const unsigned *skip, size_t count)
{
    for (size_t i = 0; i < count; i++)
        if (skip[i] == record)
            return true;
    return false;
}

/* rpm satisfies a path requirement by a file of that name or by an
 * explicit Provides of it; a capability only by a Provides. */
bool rpmdb_provides(rpmts ts, rpmds dep, const unsigned *skip,
                    size_t skip_count)
{
    if (!ts)
        return false;
    const char *name = rpmdsN(dep);
    bool found = false;
    if (name[0] == '/') {
        rpmdbMatchIterator it =
            rpmtsInitIterator(ts, RPMDBI_INSTFILENAMES, name, 0);
        Header header;
        while (!found && (header = rpmdbNextIterator(it)))
            found = !rpmdb_skipped(rpmdbGetIteratorOffset(it), skip,
                                   skip_count);
        rpmdbFreeIterator(it);
    }
    rpmdbMatchIterator it = rpmtsInitIterator(ts, RPMDBI_PROVIDENAME, name, 0);
    Header header;
    while (!found && (header = rpmdbNextIterator(it)))
        found = !rpmdb_skipped(rpmdbGetIteratorOffset(it), skip, skip_count) &&
                rpmdsAnyMatchesDep(header, dep, 1);
    rpmdbFreeIterator(it);
    return found;
}

bool rpmdb_header_provides(Header header, rpmds dep)
{
    const char *name = rpmdsN(dep);
    if (name[0] == '/') {
        rpmfiles files = rpmfilesNew(NULL, header, RPMTAG_BASENAMES, 0);
        bool owned = files && rpmfilesFindFN(files, name) >= 0;
        rpmfilesFree(files);
        if (owned)
            return true;
    }
    return rpmdsAnyMatchesDep(header, dep, 1) != 0;
}

/* A IF B: A or not B; A UNLESS B: A and not B; with B ELSE C, C decides
 * when the condition goes the other way (lib/depends.c). */
static bool rpmdb_rich_condition(rpmds a, rpmds b, rpmrichOp op,
                                 rpmdb_leaf_t *leaf, void *context)
{
    rpmds condition = NULL, otherwise = NULL;
    rpmrichOp else_op;
    bool has_else = rpmdsIsRich(b) &&
                    rpmdsParseRichDep(b, &condition, &otherwise, &else_op,
                                      NULL) == RPMRC_OK &&
                    else_op == RPMRICHOP_ELSE;
    bool holds = rpmdb_satisfied(has_else ? condition : b, leaf, context);
    bool result;
    if (holds == (op == RPMRICHOP_IF))
        result = rpmdb_satisfied(a, leaf, context);
    else
        result = has_else ? rpmdb_satisfied(otherwise, leaf, context)
                          : op == RPMRICHOP_IF;
    rpmdsFree(condition);
    rpmdsFree(otherwise);
    return result;
}

bool rpmdb_satisfied(rpmds dep, rpmdb_leaf_t *leaf, void *context)
{
    if (!rpmdsIsRich(dep))
        return leaf(context, dep);
    /* The parser adds the sides' strings to the pool of `dep`: give it a
     * pool that is not frozen (those of headers and rpmdsSingle are). */
    rpmstrPool pool = rpmstrPoolCreate();
    rpmds rich = rpmdsSinglePool(pool, rpmdsTagN(dep), rpmdsN(dep), rpmdsEVR(dep),
                                 rpmdsFlags(dep));
    rpmds a = NULL, b = NULL;
    rpmrichOp op = RPMRICHOP_SINGLE;
    bool result = false;
    rpmRC parsed = rpmdsParseRichDep(rich, &a, &b, &op, NULL);
    rpmdsFree(rich);
    rpmstrPoolFree(pool);
    if (parsed != RPMRC_OK)
        return false;
    switch (op) {
    case RPMRICHOP_AND:
        result = rpmdb_satisfied(a, leaf, context) &&
                 rpmdb_satisfied(b, leaf, context);
        break;
    case RPMRICHOP_OR:
        result = rpmdb_satisfied(a, leaf, context) ||
                 rpmdb_satisfied(b, leaf, context);
        break;
    case RPMRICHOP_IF:
    case RPMRICHOP_UNLESS:
        result = rpmdb_rich_condition(a, b, op, leaf, context);
        break;
    default: /* WITH, WITHOUT (one package for both sides), a lone ELSE */
        result = false;
        break;
    }
    rpmdsFree(a);
    rpmdsFree(b);
    return result;
}

typedef struct view_range {
    const rpmdb_view_t *view;
    size_t begin, end;
    int provider;
} view_range_t;

static bool rpmdb_view_leaf(void *context, rpmds dep)
{
    view_range_t *range = context;
    for (size_t i = range->begin; i < range->end && i < range->view->count; i++)
        if (rpmdb_provides(range->view->ts[i], dep, NULL, 0)) {
            if (range->provider < 0)
                range->provider = (int)i;
            return true;
        }
    return false;
}

int rpmdb_view_provider(const rpmdb_view_t *view, size_t begin, size_t end,
                        rpmds dep)
{
    view_range_t range = {view, begin, end, -1};
    if (!rpmdb_satisfied(dep, rpmdb_view_leaf, &range))
        return -1;
    /* A rich dependency may hold with no leaf provided (A IF B, no B). */
    return range.provider >= 0 ? range.provider : (int)begin;
}

int rpmdb_view_find_name(const rpmdb_view_t *view, size_t begin, size_t end,
                         const char *name)
{
    for (size_t i = begin; i < end && i < view->count; i++) {
        if (!view->ts[i])
            continue;
        rpmdbMatchIterator it = rpmtsInitIterator(view->ts[i], RPMDBI_NAME,
                                                  name, 0);
        bool found = rpmdbNextIterator(it) != NULL;
        rpmdbFreeIterator(it);
        if (found)
            return (int)i;
    }
    return -1;
}

/* First non-directory owner of `path` in `ts`, as "NEVRA" (or NULL). */
char *rpmdb_file_owner(arena_t *arena, rpmts ts, const char *path)
{
    if (!ts)
        return NULL;
    rpmdbMatchIterator it = rpmtsInitIterator(ts, RPMDBI_INSTFILENAMES, path, 0);
    Header owner;
    char *nevra = NULL;
    while (!nevra && (owner = rpmdbNextIterator(it))) {
        rpmfiles files = rpmfilesNew(NULL, owner, RPMTAG_BASENAMES, 0);
        if (!S_ISDIR(rpmfilesFMode(files, rpmdbGetIteratorFileNum(it))))
            nevra = rpmdb_nevra(arena, owner);
        rpmfilesFree(files);
    }
    rpmdbFreeIterator(it);
    return nevra;
}

char *rpmdb_nevra(arena_t *arena, Header header)
{
    char *nevra = headerGetAsString(header, RPMTAG_NEVRA);
    char *copy = arena_strdup(arena, nevra ? nevra : "?");
    free(nevra);
    return copy;
}
