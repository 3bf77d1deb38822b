/* redmanager: the node manager. One table of subcommands: the lifecycle
 * ones parse the common options here and call the core (core/manage.c,
 * core/config_print.c); the package ones (applets/redmanager_packages.c)
 * parse their own argv. A new subcommand is one line in `commands`. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "applets/applets.h"
#include "applets/redmanager_packages.h"
#include "core/arena.h"
#include "core/config_print.h"
#include "core/expand.h"
#include "core/log.h"
#include "core/manage.h"
#include "core/merge.h"
#include "core/node.h"

/* Options every subcommand may accept (each says which in its mask). */
enum {
    OPTION_ALIAS = 1 << 0, OPTION_TEMPLATE = 1 << 1,
    OPTION_ADMIN_TEMPLATE = 1 << 2, OPTION_INFO = 1 << 3,
    OPTION_UPDATE = 1 << 4, OPTION_RECURSIVE = 1 << 5,
    OPTION_MERGED = 1 << 6, OPTION_EXPAND = 1 << 7, OPTION_ADMIN = 1 << 8,
    OPTION_JSON = 1 << 9, OPTION_OPERANDS = 1 << 10,
};

typedef struct options {
    const char *redpath; /* canonical */
    const char *alias, *template_spec, *admin_template, *info;
    bool update, recursive, merged, expand, admin, json;
    char **operands; /* what follows the options */
    int operand_count;
    arena_t *arena;
} options_t;

typedef struct command {
    const char *name;
    int (*run)(const options_t *options);  /* common options parsed */
    int (*run_argv)(int argc, char **argv); /* or argv[0] = the command */
    unsigned accepted;
    const char *usage, *summary;
} command_t;

static int command_create(const options_t *options);
static int command_tree(const options_t *options);
static int command_config(const options_t *options);
static int command_enable(const options_t *options);
static int command_disable(const options_t *options);
static int command_delete(const options_t *options);
static int command_check(const options_t *options);

static const command_t commands[] = {
    {"check", command_check, NULL, 0, "check -r PATH",
     "validate every node at or below PATH and the merge of each chain"},
    {"config", command_config, NULL,
     OPTION_MERGED | OPTION_EXPAND | OPTION_ADMIN | OPTION_JSON,
     "config -r PATH [--merged] [--expand] [--admin] [--json]",
     "print the node's configuration, or the merged one with provenance"},
    {"create", command_create, NULL,
     OPTION_ALIAS | OPTION_TEMPLATE | OPTION_ADMIN_TEMPLATE | OPTION_INFO |
         OPTION_UPDATE,
     "create -r PATH [--alias A] [--template NAME|FILE] "
     "[--admin-template NAME|FILE] [--info TEXT] [--update]",
     "create a node (template: default below a node, else system)"},
    {"delete", command_delete, NULL, OPTION_RECURSIVE,
     "delete -r PATH [--recursive]", "delete a node (and its children)"},
    {"disable", command_disable, NULL, 0, "disable -r PATH",
     "mark the node Disable (nothing runs in it or below it)"},
    {"enable", command_enable, NULL, 0, "enable -r PATH",
     "mark the node Enable (after checking its chain merges)"},
    {"install", NULL, redmanager_install, 0,
     "install -r PATH [--repo DIR]... [--test] [--noscripts] PKG...",
     "install packages (rpm files or from repositories) into the node"},
    {"list", NULL, redmanager_list, 0, "list -r PATH",
     "list the node's own packages"},
    {"remove", NULL, redmanager_remove, 0,
     "remove -r PATH [--test] [--noscripts] NAME...",
     "remove packages from the node"},
    {"repo", NULL, redmanager_repo, 0,
     "repo add|list|remove -r PATH [ID [BASEURL [NAME]]] [--disabled] "
     "[--gpgcheck]",
     "manage the node's package repositories"},
    {"tree", command_tree, NULL, OPTION_JSON, "tree -r PATH [--json]",
     "draw the nodes at or below PATH with alias and state"},
    {"update", NULL, redmanager_update, 0,
     "update -r PATH [--repo DIR]... [--test] [--noscripts] [PKG...]",
     "update packages of the node"},
};
#define COMMAND_COUNT (sizeof commands / sizeof commands[0])

/* ---- command line ---------------------------------------------------- */

static const struct option long_options[] = {
    {"redpath", required_argument, NULL, 'r'},
    {"alias", required_argument, NULL, OPTION_ALIAS},
    {"template", required_argument, NULL, OPTION_TEMPLATE},
    {"admin-template", required_argument, NULL, OPTION_ADMIN_TEMPLATE},
    {"info", required_argument, NULL, OPTION_INFO},
    {"update", no_argument, NULL, OPTION_UPDATE},
    {"recursive", no_argument, NULL, OPTION_RECURSIVE},
    {"merged", no_argument, NULL, OPTION_MERGED},
    {"expand", no_argument, NULL, OPTION_EXPAND},
    {"admin", no_argument, NULL, OPTION_ADMIN},
    {"json", no_argument, NULL, OPTION_JSON},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

static int usage(FILE *out, int code)
{
    fprintf(out, "usage: redmanager COMMAND -r PATH [OPTIONS]\n"
                 "       redmanager COMMAND --help | --help | --version\n"
                 "commands:\n");
    for (size_t i = 0; i < COMMAND_COUNT; i++)
        fprintf(out, "  %-9s %s\n", commands[i].name, commands[i].summary);
    return code;
}

static int command_help(const command_t *command)
{
    printf("usage: redmanager %s\n%s\n", command->usage, command->summary);
    return EXIT_OK;
}

static void option_set(options_t *options, int option, const char *value)
{
    switch (option) {
    case OPTION_ALIAS: options->alias = value; break;
    case OPTION_TEMPLATE: options->template_spec = value; break;
    case OPTION_ADMIN_TEMPLATE: options->admin_template = value; break;
    case OPTION_INFO: options->info = value; break;
    case OPTION_UPDATE: options->update = true; break;
    case OPTION_RECURSIVE: options->recursive = true; break;
    case OPTION_MERGED: options->merged = true; break;
    case OPTION_EXPAND: options->expand = true; break;
    case OPTION_ADMIN: options->admin = true; break;
    case OPTION_JSON: options->json = true; break;
    }
}

/* Returns -1 after printing a one-line usage error, 1 for --help. */
static int options_parse(const command_t *command, int argc, char **argv,
                         options_t *options)
{
    const char *redpath = NULL;
    optind = 1;
    opterr = 0;
    for (int option; (option = getopt_long(argc, argv, "+:r:h", long_options,
                                           NULL)) != -1;) {
        if (option == 'h')
            return 1;
        if (option == 'r') {
            redpath = optarg;
        } else if (option == '?' || option == ':' ||
                   !(command->accepted & (unsigned)option)) {
            const char *bad = argv[optind - 1];
            fprintf(stderr, "%s: %s: %s '%s' (redmanager %s --help)\n",
                    log_program(), command->name,
                    option == ':' ? "missing value for" : "unknown option",
                    bad, command->name);
            return -1;
        } else {
            option_set(options, option, optarg);
        }
    }
    options->operands = argv + optind;
    options->operand_count = argc - optind;
    if (options->operand_count && !(command->accepted & OPTION_OPERANDS)) {
        fprintf(stderr, "%s: %s: unexpected argument '%s'\n", log_program(),
                command->name, argv[optind]);
        return -1;
    }
    if (!redpath) {
        fprintf(stderr, "%s: %s: missing -r/--redpath PATH\n", log_program(),
                command->name);
        return -1;
    }
    char *canonical;
    rp_error_t err;
    if (node_redpath_canonical(options->arena, redpath, &canonical, &err) < 0)
        fatal_error(EXIT_FAIL, &err);
    options->redpath = canonical;
    return 0;
}

/* ---- lifecycle ------------------------------------------------------- */

static int command_create(const options_t *options)
{
    rp_error_t err;
    manage_create_options_t create = {
        .alias = options->alias,
        .template_spec = options->template_spec,
        .admin_template = options->admin_template,
        .info = options->info,
        .update = options->update,
    };
    if (manage_create(options->arena, options->redpath, &create, &err) < 0)
        fatal_error(EXIT_FAIL, &err);
    printf("%s node %s\n", options->update ? "updated" : "created",
           options->redpath);
    return EXIT_OK;
}

static int state_set(const options_t *options, node_state_t state)
{
    rp_error_t err;
    if (manage_set_state(options->arena, options->redpath, state, &err) < 0)
        fatal_error(EXIT_FAIL, &err);
    return EXIT_OK;
}

static int command_enable(const options_t *options)
{
    return state_set(options, NODE_STATE_ENABLE);
}

static int command_disable(const options_t *options)
{
    return state_set(options, NODE_STATE_DISABLE);
}

static int command_delete(const options_t *options)
{
    rp_error_t err;
    if (manage_delete(options->arena, options->redpath, options->recursive,
                      &err) < 0)
        fatal_error(EXIT_FAIL, &err);
    return EXIT_OK;
}

static void problem_print(const char *problem)
{
    fprintf(stderr, "%s: %s\n", log_program(), problem);
}

static int command_check(const options_t *options)
{
    size_t checked;
    size_t problems = manage_check(options->arena, options->redpath, &checked,
                                   problem_print);
    printf("%zu node%s checked, %zu problem%s\n", checked,
           checked == 1 ? "" : "s", problems, problems == 1 ? "" : "s");
    return problems ? EXIT_FAIL : EXIT_OK;
}

/* ---- config ---------------------------------------------------------- */

static const config_t *config_own(const options_t *options)
{
    rp_error_t err;
    node_t node;
    if (manage_require_node(options->redpath, &err) < 0 ||
        node_load(options->arena, options->redpath, options->admin, &node,
                  &err) < 0)
        fatal_error(EXIT_FAIL, &err);
    const config_t *config = options->admin ? node.admin : node.config;
    if (!config)
        fatal(EXIT_FAIL, "node %s has no %s", options->redpath,
              NODE_ADMIN_FILE);
    config_t *expanded;
    expand_context_t context = {&node, &node, true};
    if (options->expand &&
        expand_config(options->arena, &context, config, &expanded, &err) < 0)
        fatal_error(EXIT_FAIL, &err);
    return options->expand ? expanded : config;
}

static const config_t *config_merged(const options_t *options)
{
    rp_error_t err;
    node_chain_t chain;
    config_t *merged;
    merge_options_t merge = {.admin = options->admin,
                             .expand = options->expand};
    if (manage_require_node(options->redpath, &err) < 0 ||
        node_chain_load(options->arena, options->redpath, options->admin,
                        &chain, &err) < 0 ||
        merge_chain(options->arena, &chain, &merge, &merged, &err) < 0)
        fatal_error(EXIT_FAIL, &err);
    return merged;
}

static int command_config(const options_t *options)
{
    const config_t *config =
        options->merged ? config_merged(options) : config_own(options);
    config_print_options_t print = {
        .format = options->json ? CONFIG_PRINT_JSON : CONFIG_PRINT_YAML,
        .provenance = options->merged,
    };
    config_print(stdout, config, &print);
    return EXIT_OK;
}

/* ---- tree ------------------------------------------------------------ */

typedef struct tree_node {
    const char *path, *alias, *state;
    struct tree_node **children;
    size_t child_count;
} tree_node_t;

/* A node that cannot be read still shows, as Error; the problem goes to
 * stderr and the command fails at the end. */
static tree_node_t *tree_build(arena_t *arena, const char *path, bool *failed)
{
    tree_node_t *tree = arena_alloc(arena, sizeof *tree);
    rp_error_t err;
    node_t node;
    char **children;
    tree->path = path;
    tree->alias = "?";
    tree->state = node_state_names[NODE_STATE_ERROR];
    if (node_load(arena, path, false, &node, &err) < 0) {
        error_print(&err);
        *failed = true;
    } else {
        tree->alias = node.config->alias.value;
        tree->state = node_state_names[node.status.state];
    }
    if (node_children(arena, path, &children, &tree->child_count, &err) < 0) {
        error_print(&err);
        *failed = true;
        tree->child_count = 0;
    }
    tree->children = arena_alloc(arena, (tree->child_count + 1) *
                                            sizeof *tree->children);
    for (size_t i = 0; i < tree->child_count; i++)
        tree->children[i] = tree_build(arena, children[i], failed);
    return tree;
}

static void tree_print_text(const tree_node_t *tree, char *prefix, size_t used,
                            bool last, bool root)
{
    printf("%.*s%s%s [%s] %s\n", (int)used, prefix,
           root ? "" : last ? "`-- " : "|-- ", tree->alias, tree->state,
           tree->path);
    size_t more = root ? 0 : 4;
    if (used + more + 1 >= 4096)
        return;
    if (!root)
        memcpy(prefix + used, last ? "    " : "|   ", 4);
    for (size_t i = 0; i < tree->child_count; i++)
        tree_print_text(tree->children[i], prefix, used + more,
                        i + 1 == tree->child_count, false);
}

static void tree_print_json(const tree_node_t *tree, int depth)
{
    printf("%*s{\"alias\": ", 2 * depth, "");
    config_print_json_string(stdout, tree->alias);
    printf(", \"state\": ");
    config_print_json_string(stdout, tree->state);
    printf(", \"path\": ");
    config_print_json_string(stdout, tree->path);
    printf(", \"children\": [");
    for (size_t i = 0; i < tree->child_count; i++) {
        printf(i ? ",\n" : "\n");
        tree_print_json(tree->children[i], depth + 1);
    }
    printf(tree->child_count ? "\n%*s]}" : "]}", 2 * depth, "");
}

static int command_tree(const options_t *options)
{
    rp_error_t err;
    char **roots;
    size_t count;
    bool failed = false;
    struct stat info;
    if (lstat(options->redpath, &info) < 0)
        fatal_errno(EXIT_FAIL, "%s", options->redpath);
    if (!S_ISDIR(info.st_mode))
        fatal(EXIT_FAIL, "%s is %s", options->redpath,
              S_ISLNK(info.st_mode) ? "a symlink" : "not a directory");
    char *single[] = {(char *)options->redpath};
    if (node_exists(options->redpath)) {
        roots = single;
        count = 1;
    } else if (node_children(options->arena, options->redpath, &roots, &count,
                             &err) < 0) {
        fatal_error(EXIT_FAIL, &err);
    }
    if (options->json)
        printf("[");
    for (size_t i = 0; i < count; i++) {
        tree_node_t *tree = tree_build(options->arena, roots[i], &failed);
        if (options->json) {
            printf(i ? ",\n" : "\n");
            tree_print_json(tree, 1);
        } else {
            char prefix[4096];
            tree_print_text(tree, prefix, 0, true, true);
        }
    }
    if (options->json)
        printf(count ? "\n]\n" : "]\n");
    return failed ? EXIT_FAIL : EXIT_OK;
}

/* ---- dispatch -------------------------------------------------------- */

int redmanager_main(int argc, char **argv)
{
    if (argc < 2)
        return usage(stderr, EXIT_USAGE);
    if (strcmp(argv[1], "--version") == 0) {
        printf("redmanager %s\n", REDPAK_VERSION);
        return EXIT_OK;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)
        return usage(stdout, EXIT_OK);
    const command_t *command = NULL;
    for (size_t i = 0; i < COMMAND_COUNT && !command; i++)
        if (strcmp(commands[i].name, argv[1]) == 0)
            command = &commands[i];
    if (!command)
        fatal(EXIT_USAGE, "unknown command '%s' (redmanager --help)", argv[1]);
    if (command->run_argv && argc > 2 &&
        (strcmp(argv[2], "--help") == 0 || strcmp(argv[2], "-h") == 0))
        return command_help(command);
    if (command->run_argv)
        return command->run_argv(argc - 1, argv + 1);
    options_t options = {.arena = arena_new()};
    int rc = options_parse(command, argc - 1, argv + 1, &options);
    if (rc != 0) {
        arena_free(options.arena);
        return rc > 0 ? command_help(command) : EXIT_USAGE;
    }
    rc = command->run(&options);
    arena_free(options.arena);
    return rc;
}
