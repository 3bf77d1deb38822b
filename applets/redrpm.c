/* redrpm: rpm's query, verify and install options over a node's chain.
 *
 *   redrpm -r PATH -q[ailcdfR] [--provides] [--whatprovides CAP]
 *          [--whatrequires CAP] [--qf FMT] [ARGS...]
 *   redrpm -r PATH -V[a] [NAME...]
 *   redrpm -r PATH -i|-U [--test] [--noscripts] FILE.rpm...
 *   redrpm -r PATH -e [--test] [--noscripts] NAME...
 *
 * Queries read the databases of the node and its ancestors, leaf first;
 * --qf accepts %{REDNODE}, the node holding the package. Installs and
 * erasures go through the same engine as redmanager install/remove. */
#include <stdio.h>
#include <string.h>

#include "applets/applets.h"
#include "core/arena.h"
#include "core/log.h"
#include "core/package.h"
#include "core/rpmquery.h"

typedef struct redrpm_options {
    char mode; /* 'q', 'V', 'i', 'U', 'e' */
    const char *redpath;
    rpmquery_t query;
    package_request_t request;
} redrpm_options_t;

static const char redrpm_help[] =
    "usage: redrpm -r PATH -q [-a|-f FILE|--whatprovides CAP|--whatrequires CAP|NAME...]\n"
    "              [-i] [-l] [-c] [-d] [-R] [--provides] [--qf FMT]\n"
    "       redrpm -r PATH -V [-a|NAME...]\n"
    "       redrpm -r PATH -i|-U [--test] [--noscripts] FILE.rpm...\n"
    "       redrpm -r PATH -e [--test] [--noscripts] NAME...\n"
    "Queries read the rpm databases of the node PATH and of its ancestors,\n"
    "leaf first, and print what rpm prints. In --qf formats, %{REDNODE} is\n"
    "the path of the node holding the package. Exit: 0 ok, 1 no match,\n"
    "verification failed or operation refused, 2 usage.\n";

static noreturn void redrpm_usage(void)
{
    fatal(EXIT_USAGE,
          "usage: redrpm -r PATH -q[ailcdfR]|-V[a]|-i|-U|-e [--provides] [--whatprovides CAP] "
          "[--whatrequires CAP] [--qf FMT] [--test] [--noscripts] [ARGS...]");
}

static void redrpm_set_mode(redrpm_options_t *o, char mode)
{
    if (o->mode && o->mode != mode)
        fatal(EXIT_USAGE, "only one major mode may be specified");
    o->mode = mode;
}

/* Bundled short options (-qa, -qil, -Va...). 'i' installs unless a
 * query mode came first, as in rpm. */
static void redrpm_short(redrpm_options_t *o, const char *flags)
{
    for (const char *c = flags; *c; c++) {
        switch (*c) {
        case 'q': redrpm_set_mode(o, 'q'); break;
        case 'V': redrpm_set_mode(o, 'V'); o->query.verify = true; break;
        case 'U': redrpm_set_mode(o, 'U'); break;
        case 'e': redrpm_set_mode(o, 'e'); break;
        case 'i':
            if (o->mode == 'q')
                o->query.format = RPMQUERY_FORMAT_INFO;
            else
                redrpm_set_mode(o, 'i');
            break;
        case 'a': o->query.source = RPMQUERY_ALL; break;
        case 'f': o->query.source = RPMQUERY_FILE; break;
        case 'l': o->query.list = true; break;
        case 'c': o->query.config_files = true; break;
        case 'd': o->query.doc_files = true; break;
        case 'R': o->query.format = RPMQUERY_FORMAT_REQUIRES; break;
        case 'v': log_verbosity++; break;
        case 'h': break; /* hash marks: nothing to show */
        default: fatal(EXIT_USAGE, "unknown option -%c", *c);
        }
    }
}

/* Returns the number of argv entries consumed (1 or 2). */
static int redrpm_long(redrpm_options_t *o, int argc, char **argv, int i)
{
    const char *option = argv[i];
    const char *value = i + 1 < argc ? argv[i + 1] : NULL;
    static const struct { const char *name; const char *shorts; } aliases[] = {
        {"--query", "q"}, {"--verify", "V"}, {"--install", "i"},
        {"--upgrade", "U"}, {"--erase", "e"}, {"--all", "a"}, {"--file", "f"},
        {"--list", "l"}, {"--configfiles", "c"}, {"--docfiles", "d"},
        {"--requires", "R"}, {"--verbose", "v"}, {"--hash", "h"},
    };
    for (size_t a = 0; a < sizeof aliases / sizeof aliases[0]; a++)
        if (strcmp(option, aliases[a].name) == 0) {
            if (strcmp(option, "--install") == 0)
                redrpm_set_mode(o, 'i');
            else
                redrpm_short(o, aliases[a].shorts);
            return 1;
        }
    if (strcmp(option, "--info") == 0)
        o->query.format = RPMQUERY_FORMAT_INFO;
    else if (strcmp(option, "--provides") == 0)
        o->query.format = RPMQUERY_FORMAT_PROVIDES;
    else if (strcmp(option, "--test") == 0)
        o->request.test = true;
    else if (strcmp(option, "--noscripts") == 0)
        o->request.noscripts = true;
    else if (strncmp(option, "--qf=", 5) == 0 || strncmp(option, "--queryformat=", 14) == 0)
        o->query.user_format = strchr(option, '=') + 1;
    else if (strcmp(option, "--whatprovides") == 0)
        o->query.source = RPMQUERY_WHATPROVIDES; /* the capability follows */
    else if (strcmp(option, "--whatrequires") == 0)
        o->query.source = RPMQUERY_WHATREQUIRES;
    else if (!value)
        redrpm_usage();
    else if (strcmp(option, "--qf") == 0 || strcmp(option, "--queryformat") == 0) {
        o->query.user_format = value;
        return 2;
    } else if (strcmp(option, "--redpath") == 0) {
        o->redpath = value;
        return 2;
    } else
        fatal(EXIT_USAGE, "unknown option %s", option);
    return 1;
}

int redrpm_main(int argc, char **argv)
{
    redrpm_options_t o = {.query.source = RPMQUERY_NAME};
    char **args = argv + 1;
    size_t count = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            fputs(redrpm_help, stdout);
            return EXIT_OK;
        } else if (strcmp(argv[i], "--version") == 0) {
            printf("redrpm %s\n", REDPAK_VERSION);
            return EXIT_OK;
        } else if (strcmp(argv[i], "-r") == 0 && i + 1 < argc)
            o.redpath = argv[++i];
        else if (strncmp(argv[i], "--", 2) == 0 && argv[i][2])
            i += redrpm_long(&o, argc, argv, i) - 1;
        else if (argv[i][0] == '-' && argv[i][1])
            redrpm_short(&o, argv[i] + 1);
        else
            args[count++] = argv[i];
    }
    if (!o.redpath || !o.mode)
        redrpm_usage();
    if (o.query.user_format || o.query.list || o.query.config_files || o.query.doc_files)
        if (!o.query.user_format && o.query.format == RPMQUERY_FORMAT_DEFAULT)
            o.query.format = RPMQUERY_FORMAT_NONE;
    if ((o.mode == 'q' || o.mode == 'V') && o.query.source != RPMQUERY_ALL && count == 0)
        fatal(EXIT_USAGE, "no arguments given for %s", o.mode == 'q' ? "query" : "verify");
    arena_t *arena = arena_new();
    rp_error_t err;
    node_chain_t chain;
    bool gpgcheck;
    if (package_chain_open(arena, o.redpath, &chain, &gpgcheck, &err) < 0)
        fatal_error(EXIT_FAIL, &err);
    int rc;
    if (o.mode == 'q' || o.mode == 'V') {
        rc = rpmquery_run(arena, &chain, &o.query, args, count, &err);
        if (rc < 0)
            fatal_error(EXIT_FAIL, &err);
        rc = rc > 0 ? EXIT_FAIL : EXIT_OK;
    } else {
        if (count == 0)
            fatal(EXIT_USAGE, "no packages given for %s",
                  o.mode == 'e' ? "erase" : "install");
        o.request.action = o.mode == 'e'   ? PACKAGE_REMOVE
                           : o.mode == 'U' ? PACKAGE_UPDATE
                                           : PACKAGE_INSTALL;
        o.request.gpgcheck = gpgcheck;
        o.request.targets = (const char *const *)args;
        o.request.target_count = count;
        if (package_run(arena, &chain, &o.request, &err) < 0)
            fatal_error(EXIT_FAIL, &err);
        rc = EXIT_OK;
    }
    arena_free(arena);
    return rc;
}
