/* redmanager: node lifecycle. (Skeleton: the lifecycle commands land with
 * the foundation issue.) */
#include <stdio.h>
#include <string.h>

#include "applets/applets.h"
#include "core/log.h"

int redmanager_main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "--version") == 0) {
        printf("redmanager %s\n", REDPAK_VERSION);
        return EXIT_OK;
    }
    fatal(EXIT_USAGE, "usage: redmanager COMMAND -r PATH [OPTIONS]");
}
