/* redmanager: node lifecycle. (Skeleton: the lifecycle commands land with
 * the foundation issue; the package commands are wired already.) */
#include <stdio.h>
#include <string.h>

#include "applets/applets.h"
#include "applets/redmanager_packages.h"
#include "core/log.h"

static const struct {
    const char *name;
    int (*run)(int argc, char **argv);
} commands[] = {
    {"install", redmanager_install},
    {"list", redmanager_list},
    {"remove", redmanager_remove},
    {"repo", redmanager_repo},
    {"update", redmanager_update},
};

int redmanager_main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "--version") == 0) {
        printf("redmanager %s\n", REDPAK_VERSION);
        return EXIT_OK;
    }
    for (size_t i = 0; argc > 1 && i < sizeof commands / sizeof commands[0]; i++)
        if (strcmp(argv[1], commands[i].name) == 0)
            return commands[i].run(argc - 1, argv + 1);
    fatal(EXIT_USAGE, "usage: redmanager COMMAND -r PATH [OPTIONS]");
}
