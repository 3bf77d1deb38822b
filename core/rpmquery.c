/* rpmquery: rpm queries over a chain of node databases. */
#include "core/rpmquery.h"

#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <rpm/header.h>
#include <rpm/rpmcli.h>
#include <rpm/rpmdb.h>
#include <rpm/rpmds.h>
#include <rpm/rpmlog.h>
#include <rpm/rpmmacro.h>
#include <rpm/rpmts.h>

#include "core/rpmdb.h"

/* The formats of rpm's own --info, --requires and --provides aliases
 * (rpmpopt-4.18), which a static binary cannot read from disk. */
static const char *const rpmquery_formats[] = {
    [RPMQUERY_FORMAT_INFO] =
        "Name        : %{NAME}\n"
        "%|EPOCH?{Epoch       : %{EPOCH}\n}|"
        "Version     : %{VERSION}\n"
        "Release     : %{RELEASE}\n"
        "%|DISTTAG?{DistTag     : %{DISTTAG}\n}|"
        "Architecture: %{ARCH}\n"
        "Install Date: %|INSTALLTIME?{%{INSTALLTIME:date}}:{(not installed)}|\n"
        "Group       : %{GROUP}\n"
        "Size        : %{LONGSIZE}\n"
        "%|LICENSE?{License     : %{LICENSE}}|\n"
        "Signature   : %|DSAHEADER?{%{DSAHEADER:pgpsig}}:{%|RSAHEADER?{%{RSAHEADER:pgpsig}}:"
        "{%|SIGGPG?{%{SIGGPG:pgpsig}}:{%|SIGPGP?{%{SIGPGP:pgpsig}}:{(none)}|}|}|}|\n"
        "Source RPM  : %{SOURCERPM}\n"
        "Build Date  : %{BUILDTIME:date}\n"
        "Build Host  : %{BUILDHOST}\n"
        "%|PREFIXES?{Relocations : [%{PREFIXES} ]\n}|"
        "%|PACKAGER?{Packager    : %{PACKAGER}\n}|"
        "%|VENDOR?{Vendor      : %{VENDOR}\n}|"
        "%|URL?{URL         : %{URL}\n}|"
        "%|BUGURL?{Bug URL     : %{BUGURL}\n}|"
        "Summary     : %{SUMMARY}\n"
        "Description :\n%{DESCRIPTION}\n",
    [RPMQUERY_FORMAT_REQUIRES] =
        "[%|VERBOSE?{%{REQUIREFLAGS:deptype}: }:{}|%{REQUIRENEVRS}\n]",
    [RPMQUERY_FORMAT_PROVIDES] =
        "[%|VERBOSE?{%{PROVIDEFLAGS:deptype}: }:{}|%{PROVIDENEVRS}\n]",
};

/* `format` with %{REDNODE} replaced by the node path (its % doubled). */
static char *rpmquery_node_format(arena_t *arena, const char *format,
                                  const char *node)
{
    size_t length = strlen(node);
    for (const char *c = node; *c; c++)
        length += *c == '%';
    char *escaped = arena_alloc(arena, length + 1), *end = escaped;
    for (const char *c = node; *c; c++) {
        if (*c == '%')
            *end++ = '%';
        *end++ = *c;
    }
    *end = '\0';
    char *out = arena_strdup(arena, "");
    const char *tag;
    while ((tag = strcasestr(format, RPMQUERY_NODE_TAG))) {
        out = arena_printf(arena, "%s%.*s%s", out, (int)(tag - format), format, escaped);
        format = tag + strlen(RPMQUERY_NODE_TAG);
    }
    return arena_printf(arena, "%s%s", out, format);
}

typedef struct rpmquery_state {
    arena_t *arena;
    const rpmquery_t *query;
    rpmdb_view_t view; /* root-most first; queried leaf first */
    struct rpmQVKArguments_s qva;
    char **formats; /* per node of the view, built at its first package */
} rpmquery_state_t;

/* rpm -V checks dependencies against one database; here they are
 * checked through the chain, and reported in rpm's words. */
static int rpmquery_verify_deps(rpmquery_state_t *state, size_t n, Header header)
{
    rpmds dep = rpmdsInit(rpmdsNew(header, RPMTAG_REQUIRENAME, 0));
    char *nevra = rpmdb_nevra(state->arena, header);
    int missing = 0;
    while (rpmdsNext(dep) >= 0) {
        if ((rpmdsFlags(dep) & RPMSENSE_RPMLIB) ||
            rpmdb_view_provider(&state->view, 0, n + 1, dep) >= 0)
            continue;
        if (missing++ == 0)
            printf("Unsatisfied dependencies for %s:\n", nevra);
        printf("\t%s is needed by (installed) %s\n", rpmdsDNEVR(dep) + 2, nevra);
    }
    rpmdsFree(dep);
    return missing ? 1 : 0;
}

static int rpmquery_show(rpmquery_state_t *state, size_t n, Header header)
{
    rpmts ts = state->view.ts[n];
    if (state->query->verify) {
        int rc = showVerifyPackage(&state->qva, ts, header);
        return rpmquery_verify_deps(state, n, header) || rc;
    }
    const char *format = state->query->user_format;
    if (!format && state->query->format == RPMQUERY_FORMAT_DEFAULT)
        format = "%{nvr}%{archsuffix}\n";
    else if (!format && state->query->format != RPMQUERY_FORMAT_NONE)
        format = rpmquery_formats[state->query->format];
    if (format && !state->formats[n])
        state->formats[n] = rpmquery_node_format(state->arena, format,
                                                 state->view.nodes[n]);
    state->qva.qva_queryFormat = format ? state->formats[n] : NULL;
    return showQueryPackage(&state->qva, ts, header);
}

static int rpmquery_node(rpmquery_state_t *state, size_t n, rpmDbiTagVal tag,
                         const char *arg, int *matched)
{
    int rc = 0;
    rpmdbMatchIterator it = rpmtsInitIterator(state->view.ts[n], tag, arg, 0);
    Header header;
    while (it && (header = rpmdbNextIterator(it))) {
        (*matched)++;
        rc |= rpmquery_show(state, n, header);
    }
    rpmdbFreeIterator(it);
    return rc;
}

/* rpm verifies file paths as seen from the install root (rpm --root
 * chroots first): do the same in a child chrooted into the node (in a
 * user namespace when not root). The databases are already open. */
static int rpmquery_verify_node(rpmquery_state_t *state, size_t n,
                                rpmDbiTagVal tag, const char *arg, int *matched)
{
    int count = 0;
    rpmdbMatchIterator it = rpmtsInitIterator(state->view.ts[n], tag, arg, 0);
    while (it && rpmdbNextIterator(it))
        count++;
    rpmdbFreeIterator(it);
    if (count == 0)
        return 0;
    *matched += count;
    fflush(stdout);
    pid_t pid = fork();
    if (pid < 0)
        return 1;
    if (pid == 0) {
        if ((geteuid() != 0 && unshare(CLONE_NEWUSER) < 0) ||
            chroot(state->view.nodes[n]) < 0 || chdir("/") < 0) {
            warn("cannot enter %s to verify it: %s", state->view.nodes[n], strerror(errno));
            _exit(1);
        }
        int rc = rpmquery_node(state, n, tag, arg, &count);
        fflush(stdout);
        _exit(rc ? 1 : 0);
    }
    int status;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    return !WIFEXITED(status) || WEXITSTATUS(status) != 0;
}

/* Every package of the chain matching one argument, leaf first. */
static int rpmquery_match(rpmquery_state_t *state, rpmDbiTagVal tag,
                          const char *arg, int *matched)
{
    int rc = 0;
    for (size_t n = state->view.count; n-- > 0;)
        if (state->view.ts[n])
            rc |= state->query->verify
                      ? rpmquery_verify_node(state, n, tag, arg, matched)
                      : rpmquery_node(state, n, tag, arg, matched);
    return rc;
}

static int rpmquery_argument(rpmquery_state_t *state, const char *arg)
{
    static const struct {
        rpmDbiTagVal tag;
        const char *missing;
    } sources[] = {
        [RPMQUERY_ALL] = {RPMDBI_PACKAGES, NULL},
        [RPMQUERY_NAME] = {RPMDBI_LABEL, "package %s is not installed\n"},
        [RPMQUERY_FILE] = {RPMDBI_INSTFILENAMES, "file %s is not owned by any package\n"},
        [RPMQUERY_WHATPROVIDES] = {RPMDBI_PROVIDENAME, "no package provides %s\n"},
        [RPMQUERY_WHATREQUIRES] = {RPMDBI_REQUIRENAME, "no package requires %s\n"},
    };
    int matched = 0;
    int rc = rpmquery_match(state, sources[state->query->source].tag, arg, &matched);
    if (!matched && sources[state->query->source].missing) {
        printf(sources[state->query->source].missing, arg);
        return 1;
    }
    return rc ? 1 : 0;
}

int rpmquery_run(arena_t *arena, const node_chain_t *chain,
                 const rpmquery_t *query, char *const *args, size_t count,
                 rp_error_t *err)
{
    if (rpmdb_setup(err) < 0)
        return -1;
    rpmquery_state_t state = {.arena = arena, .query = query};
    const char **paths = arena_alloc(arena, chain->count * sizeof(char *));
    for (size_t i = 0; i < chain->count; i++)
        paths[i] = chain->nodes[i].path;
    if (rpmdb_view_open(arena, paths, chain->count, &state.view, err) < 0)
        return -1;
    state.formats = arena_alloc(arena, state.view.count * sizeof(char *));
    state.qva.qva_mode = query->verify ? 'V' : 'q';
    state.qva.qva_flags = query->verify ? (rpmQueryFlags)VERIFY_FILES
                          : query->list || query->config_files || query->doc_files
                              ? QUERY_FOR_LIST : QUERY_FOR_DEFAULT;
    state.qva.qva_incattr = (query->config_files ? RPMFILE_CONFIG : 0) |
                            (query->doc_files ? RPMFILE_DOC : 0);
    int failures = 0;
    if (query->source == RPMQUERY_ALL)
        failures = rpmquery_argument(&state, NULL);
    for (size_t i = 0; i < count; i++)
        failures += rpmquery_argument(&state, args[i]);
    fflush(stdout);
    state.qva.qva_queryFormat = NULL;
    rpmdb_view_close(&state.view);
    return failures;
}
