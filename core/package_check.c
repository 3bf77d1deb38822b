/* package_check: the node's package list and the offline proof of a
 * chain's package coherence (declared in package.h). */
#include "core/package.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <rpm/header.h>
#include <rpm/rpmdb.h>
#include <rpm/rpmds.h>
#include <rpm/rpmfi.h>
#include <rpm/rpmts.h>

#include "core/rpmdb.h"

static int package_compare_text(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int package_list(arena_t *arena, const char *node_path, rp_error_t *err)
{
    if (rpmdb_setup(err) < 0)
        return -1;
    rpmdb_view_t view;
    if (rpmdb_view_open(arena, &node_path, 1, &view, err) < 0)
        return -1;
    char **lines = NULL;
    size_t count = 0;
    rpmdbMatchIterator it = rpmdb_all(view.ts[0]);
    Header header;
    while (it && (header = rpmdbNextIterator(it))) {
        lines = arena_grow(arena, lines, count * sizeof *lines, (count + 1) * sizeof *lines);
        lines[count++] = rpmdb_nevra(arena, header);
    }
    rpmdbFreeIterator(it);
    rpmdb_view_close(&view);
    if (count)
        qsort(lines, count, sizeof *lines, package_compare_text);
    for (size_t i = 0; i < count; i++)
        puts(lines[i]);
    return 0;
}

typedef struct package_check {
    arena_t *arena;
    const rpmdb_view_t *view;
    package_report_t *report;
    void *context;
    int problems;
} package_check_t;

static void package_problem(package_check_t *check, const char *format, ...)
    __attribute__((format(printf, 2, 3)));
static void package_problem(package_check_t *check, const char *format, ...)
{
    va_list args;
    va_start(args, format);
    char *text = arena_vprintf(check->arena, format, args);
    va_end(args);
    check->problems++;
    if (check->report)
        check->report(check->context, text);
    else
        warn("%s", text);
}

/* One package of node `n` against the nodes above it. */
static void package_check_one(package_check_t *check, size_t n, Header header)
{
    const rpmdb_view_t *view = check->view;
    const char *node = view->nodes[n];
    char *nevra = rpmdb_nevra(check->arena, header);
    int holder = rpmdb_view_find_name(view, 0, n, headerGetString(header, RPMTAG_NAME));
    if (holder >= 0)
        package_problem(check, "%s: %s is also installed in ancestor %s", node,
                        nevra, view->nodes[holder]);
    rpmds dep = rpmdsInit(rpmdsNew(header, RPMTAG_REQUIRENAME, 0));
    while (rpmdsNext(dep) >= 0)
        if (!(rpmdsFlags(dep) & RPMSENSE_RPMLIB) &&
            rpmdb_view_provider(view, 0, n + 1, dep) < 0)
            package_problem(check, "%s: %s requires %s, provided by no node of the chain",
                            node, nevra, rpmdsDNEVR(dep) + 2);
    rpmdsFree(dep);
    rpmfiles files = rpmfilesNew(NULL, header, RPMTAG_BASENAMES, 0);
    rpmfi fi = rpmfilesIter(files, RPMFI_ITER_FWD);
    while (rpmfiNext(fi) >= 0) {
        if (S_ISDIR(rpmfiFMode(fi)))
            continue;
        for (size_t a = 0; a < n; a++) {
            char *owner = rpmdb_file_owner(check->arena, view->ts[a], rpmfiFN(fi));
            if (owner)
                package_problem(check, "%s: file %s of %s is also installed by %s in ancestor %s",
                                node, rpmfiFN(fi), nevra, owner, view->nodes[a]);
        }
    }
    rpmfiFree(fi);
    rpmfilesFree(files);
}

int package_check_chain(arena_t *arena, const node_chain_t *chain,
                        bool leaf_only, package_report_t *report,
                        void *context, rp_error_t *err)
{
    if (rpmdb_setup(err) < 0)
        return -1;
    const char **paths = arena_alloc(arena, chain->count * sizeof(char *));
    for (size_t i = 0; i < chain->count; i++)
        paths[i] = chain->nodes[i].path;
    rpmdb_view_t view;
    if (rpmdb_view_open(arena, paths, chain->count, &view, err) < 0)
        return -1;
    package_check_t check = {.arena = arena, .view = &view, .report = report,
                             .context = context};
    for (size_t n = leaf_only ? chain->count - 1 : 0; n < chain->count; n++) {
        rpmdbMatchIterator it = rpmdb_all(view.ts[n]);
        Header header;
        while (it && (header = rpmdbNextIterator(it)))
            package_check_one(&check, n, header);
        rpmdbFreeIterator(it);
    }
    rpmdb_view_close(&view);
    return check.problems;
}
