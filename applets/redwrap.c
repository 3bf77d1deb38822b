/* redwrap: run a program inside a node (SPEC §5). Loads and merges the
 * redpath's chain, builds the plan, prints it (--dump-only) or runs it. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/stat.h>
#include <unistd.h>

#include "applets/applets.h"
#include "core/cgroup.h"
#include "core/container.h"
#include "core/credentials.h"
#include "core/log.h"
#include "core/merge.h"
#include "core/node.h"
#include "core/plan.h"

static const char redwrap_help[] =
    "usage: redwrap -r|--redpath PATH [OPTIONS] [--] PROGRAM [ARGS...]\n"
    "Run PROGRAM inside the node PATH (new namespaces, a root made of the\n"
    "exports of the node and its ancestors).\n"
    "\n"
    "  -r, --redpath PATH  the node to run in (the leaf of the chain)\n"
    "  -a, --admin         merge the admin configuration files too\n"
    "  -d, --dump-only     print the plan (namespaces, mounts, environment,\n"
    "                      capabilities, limits, ids) and exit; runs nothing\n"
    "  -s, --strict        missing export sources are errors\n"
    "  -f, --force         run even if a node of the chain is not Enable\n"
    "                      (skips only that state check)\n"
    "  -u, --user U        run as user U (name or number) inside\n"
    "  -g, --group G       run as group G (name or number) inside\n"
    "  -v, --verbose       say what is being done\n"
    "  -h, --help          this help\n"
    "  -V, --version       print the version\n"
    "\n"
    "Exit status: the program's; 128+N when it was killed by signal N;\n"
    "  125 redwrap failed (bad configuration, setup error), 126 the\n"
    "  program cannot be executed, 127 the program was not found,\n"
    "  2 bad command line.\n";

typedef struct redwrap_options {
    const char *redpath, *user, *group;
    bool admin, dump_only, strict, force;
    char **argv;
} redwrap_options_t;

static void redwrap_parse(int argc, char **argv, redwrap_options_t *options)
{
    static const struct option longs[] = {
        {"redpath", required_argument, NULL, 'r'}, {"admin", no_argument, NULL, 'a'},
        {"dump-only", no_argument, NULL, 'd'}, {"strict", no_argument, NULL, 's'},
        {"force", no_argument, NULL, 'f'}, {"user", required_argument, NULL, 'u'},
        {"group", required_argument, NULL, 'g'}, {"verbose", no_argument, NULL, 'v'},
        {"help", no_argument, NULL, 'h'}, {"version", no_argument, NULL, 'V'},
        {NULL, 0, NULL, 0},
    };
    int option;
    /* '+': options end at PROGRAM, its own options are its business */
    while ((option = getopt_long(argc, argv, "+r:adsfu:g:vhV", longs, NULL)) != -1) {
        switch (option) {
        case 'r': options->redpath = optarg; break;
        case 'a': options->admin = true; break;
        case 'd': options->dump_only = true; break;
        case 's': options->strict = true; break;
        case 'f': options->force = true; break;
        case 'u': options->user = optarg; break;
        case 'g': options->group = optarg; break;
        case 'v': log_verbosity++; break;
        case 'h': fputs(redwrap_help, stdout); exit(EXIT_OK);
        case 'V': printf("redwrap %s\n", REDPAK_VERSION); exit(EXIT_OK);
        default: fputs(redwrap_help, stderr); exit(EXIT_USAGE);
        }
    }
    if (!options->redpath)
        fatal(EXIT_USAGE, "missing --redpath PATH (redwrap --help)");
    if (optind >= argc)
        fatal(EXIT_USAGE, "missing PROGRAM (redwrap --help)");
    options->argv = argv + optind;
}

/* Never setuid: a setuid redwrap would let any user build mounts. */
static void redwrap_refuse_setuid(void)
{
    struct stat self;
    if (getauxval(AT_SECURE))
        fatal(EXIT_SETUP, "refusing to run setuid or setgid");
    if (stat("/proc/self/exe", &self) == 0 && (self.st_mode & (S_ISUID | S_ISGID)))
        fatal(EXIT_SETUP, "refusing to run: /proc/self/exe is setuid or setgid");
}

static void redwrap_check_states(const node_chain_t *chain)
{
    for (size_t i = 0; i < chain->count; i++) {
        const node_t *node = &chain->nodes[i];
        if (node->status.state != NODE_STATE_ENABLE)
            fatal(EXIT_SETUP, "node %s is %s, not Enable (--force runs it anyway)",
                  node->path, node_state_names[node->status.state]);
    }
}

int redwrap_main(int argc, char **argv)
{
    redwrap_options_t options = {0};
    redwrap_refuse_setuid();
    redwrap_parse(argc, argv, &options);
    arena_t *arena = arena_new();
    rp_error_t err;
    node_chain_t chain;
    config_t *merged;
    /* --dump-only runs nothing: $(...) is shown as written */
    merge_options_t merge = {.admin = options.admin, .expand = true,
                             .keep_commands = options.dump_only};
    if (node_chain_load(arena, options.redpath, options.admin, &chain, &err) < 0)
        fatal_error(EXIT_SETUP, &err);
    if (!options.force)
        redwrap_check_states(&chain);
    if (merge_chain(arena, &chain, &merge, &merged, &err) < 0)
        fatal_error(EXIT_SETUP, &err);
    const char **nodes = arena_alloc(arena, (chain.count + 1) * sizeof *nodes);
    for (size_t i = 0; i < chain.count; i++)
        nodes[i] = chain.nodes[i].path;
    extern char **environ;
    plan_options_t plan_options = {
        .uid = getuid(), .gid = getgid(), .user = options.user,
        .group = options.group, .strict = options.strict, .node_paths = nodes,
        .node_count = chain.count, .resolve_id = credentials_resolve_id,
        .environ = environ, .argv = options.argv,
    };
    plan_t *plan;
    if (plan_build(arena, merged, chain.nodes[chain.count - 1].path,
                   &plan_options, &plan, &err) < 0)
        fatal_error(EXIT_SETUP, &err);
    /* limits that cannot be applied stop redwrap (fail closed) */
    if (cgroup_run_path(arena, &chain, &merged->cgrouproot, !options.dump_only,
                        &plan->cgroup_path, &err) < 0)
        fatal_error(EXIT_SETUP, &err);
    if (options.dump_only) {
        plan_dump(plan, stdout);
        arena_free(arena);
        return fflush(stdout) == 0 ? EXIT_OK : EXIT_FAIL;
    }
    container_process_t process;
    int status = container_start(arena, plan, &process);
    arena_free(arena); /* while the child builds the container */
    return status ? status : container_wait(&process);
}
