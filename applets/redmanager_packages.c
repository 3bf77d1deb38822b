/* redmanager install|update|remove|list|repo: option parsing of the
 * package commands; the work is done by core/package and core/repo. */
#include "applets/redmanager_packages.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "core/arena.h"
#include "core/log.h"
#include "core/package.h"
#include "core/repo.h"

static int packages_usage(const char *command)
{
    fatal(EXIT_USAGE,
          "usage: redmanager %s -r PATH [--repo DIR]... [--test] [--noscripts] %s",
          command,
          strcmp(command, "remove") == 0   ? "NAME..."
          : strcmp(command, "update") == 0 ? "[PKG...]"
                                           : "PKG...");
}

static int packages_transaction(int argc, char **argv, package_action_t action)
{
    static const struct option options[] = {
        {"redpath", required_argument, NULL, 'r'},
        {"repo", required_argument, NULL, 'R'},
        {"test", no_argument, NULL, 't'},
        {"noscripts", no_argument, NULL, 'n'},
        {"verbose", no_argument, NULL, 'v'},
        {0},
    };
    arena_t *arena = arena_new();
    const char *redpath = NULL;
    const char **repos = NULL;
    package_request_t request = {.action = action};
    int option;
    optind = 1;
    opterr = 0; /* one usage line instead of getopt's own message */
    while ((option = getopt_long(argc, argv, "r:v", options, NULL)) != -1) {
        switch (option) {
        case 'r': redpath = optarg; break;
        case 'R':
            repos = arena_grow(arena, repos, request.repo_count * sizeof *repos,
                               (request.repo_count + 1) * sizeof *repos);
            repos[request.repo_count++] = optarg;
            break;
        case 't': request.test = true; break;
        case 'n': request.noscripts = true; break;
        case 'v': log_verbosity++; break;
        default: packages_usage(argv[0]);
        }
    }
    if (!redpath || (optind == argc && action != PACKAGE_UPDATE))
        packages_usage(argv[0]);
    request.repos = repos;
    request.targets = (const char *const *)argv + optind;
    request.target_count = (size_t)(argc - optind);
    rp_error_t err;
    node_chain_t chain;
    if (package_chain_open(arena, redpath, &chain, &request.gpgcheck, &err) < 0 ||
        package_run(arena, &chain, &request, &err) < 0)
        fatal_error(EXIT_FAIL, &err);
    arena_free(arena);
    return EXIT_OK;
}

int redmanager_install(int argc, char **argv)
{
    return packages_transaction(argc, argv, PACKAGE_INSTALL);
}

int redmanager_update(int argc, char **argv)
{
    return packages_transaction(argc, argv, PACKAGE_UPDATE);
}

int redmanager_remove(int argc, char **argv)
{
    return packages_transaction(argc, argv, PACKAGE_REMOVE);
}

/* -r PATH and nothing else but `extra` positional arguments. */
static const char *packages_redpath(int argc, char **argv, int extra_min,
                                    int extra_max, const char *usage)
{
    const char *redpath = NULL;
    int option;
    optind = 1;
    while ((option = getopt(argc, argv, "r:")) != -1) {
        if (option != 'r')
            fatal(EXIT_USAGE, "usage: %s", usage);
        redpath = optarg;
    }
    if (!redpath || argc - optind < extra_min || argc - optind > extra_max)
        fatal(EXIT_USAGE, "usage: %s", usage);
    return redpath;
}

/* The canonical path of the node REDPATH names; exits when it is none. */
static char *packages_node(arena_t *arena, const char *redpath)
{
    rp_error_t err;
    char *path;
    if (node_redpath_canonical(arena, redpath, &path, &err) < 0)
        fatal_error(EXIT_USAGE, &err);
    if (!node_exists(path))
        fatal(EXIT_FAIL, "%s is not a node", path);
    return path;
}

int redmanager_list(int argc, char **argv)
{
    const char *redpath = packages_redpath(argc, argv, 0, 0, "redmanager list -r PATH");
    arena_t *arena = arena_new();
    rp_error_t err;
    char *path = packages_node(arena, redpath);
    if (package_list(arena, path, &err) < 0)
        fatal_error(EXIT_FAIL, &err);
    arena_free(arena);
    return EXIT_OK;
}

static const char repo_usage[] =
    "redmanager repo add -r PATH ID BASEURL [NAME] [--disabled] [--gpgcheck]\n"
    "       redmanager repo list -r PATH\n"
    "       redmanager repo remove -r PATH ID";

static int repo_command_add(arena_t *arena, const char *node, int argc, char **argv)
{
    repo_t repo = {.enabled = true};
    const char *positional[3] = {NULL};
    int count = 0;
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--disabled") == 0)
            repo.enabled = false;
        else if (strcmp(argv[i], "--gpgcheck") == 0)
            repo.gpgcheck = true;
        else if (count < 3 && argv[i][0] != '-')
            positional[count++] = argv[i];
        else
            fatal(EXIT_USAGE, "usage: %s", repo_usage);
    }
    if (count < 2)
        fatal(EXIT_USAGE, "usage: %s", repo_usage);
    repo.id = positional[0];
    repo.baseurl = positional[1];
    repo.name = positional[2];
    rp_error_t err;
    if (repo_add(arena, node, &repo, &err) < 0)
        fatal_error(EXIT_FAIL, &err);
    return EXIT_OK;
}

static int repo_command_list(arena_t *arena, const char *node)
{
    repo_t *repos;
    size_t count;
    rp_error_t err;
    if (repo_load_node(arena, node, &repos, &count, &err) < 0)
        fatal_error(EXIT_FAIL, &err);
    for (size_t i = 0; i < count; i++)
        printf("%s\t%s\t%s\t%s%s\n", repos[i].id, repos[i].enabled ? "enabled" : "disabled",
               repos[i].baseurl ? repos[i].baseurl : "-",
               repos[i].name ? repos[i].name : repos[i].id,
               repos[i].gpgcheck ? "\tgpgcheck" : "");
    return EXIT_OK;
}

int redmanager_repo(int argc, char **argv)
{
    if (argc < 2)
        fatal(EXIT_USAGE, "usage: %s", repo_usage);
    const char *action = argv[1];
    /* -r PATH may come anywhere; the remaining words are the arguments */
    const char *redpath = NULL;
    char **rest = argv + 2;
    int rest_count = 0;
    for (int i = 2; i < argc; i++) {
        if (strcmp(argv[i], "-r") == 0 && i + 1 < argc)
            redpath = argv[++i];
        else
            rest[rest_count++] = argv[i];
    }
    if (!redpath)
        fatal(EXIT_USAGE, "usage: %s", repo_usage);
    arena_t *arena = arena_new();
    rp_error_t err;
    char *node = packages_node(arena, redpath);
    int rc;
    if (strcmp(action, "add") == 0)
        rc = repo_command_add(arena, node, rest_count, rest);
    else if (strcmp(action, "list") == 0 && rest_count == 0)
        rc = repo_command_list(arena, node);
    else if (strcmp(action, "remove") == 0 && rest_count == 1) {
        if (repo_remove(arena, node, rest[0], &err) < 0)
            fatal_error(EXIT_FAIL, &err);
        rc = EXIT_OK;
    } else
        fatal(EXIT_USAGE, "usage: %s", repo_usage);
    arena_free(arena);
    return rc;
}
