/* redpak: multicall dispatch. The base name of argv[0] selects the applet;
 * `redpak APPLET ARGS...` works too. Nothing else lives here. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "applets/applets.h"
#include "core/log.h"

struct applet {
    const char *name;
    int (*main)(int argc, char **argv);
};

/* Sorted by name. */
static const struct applet applets[] = {
    {"redcgroup", redcgroup_main},
    {"redmanager", redmanager_main},
    {"redrpm", redrpm_main},
    {"redwrap", redwrap_main},
};

static const struct applet *applet_find(const char *name)
{
    for (size_t i = 0; i < sizeof applets / sizeof applets[0]; i++)
        if (strcmp(applets[i].name, name) == 0)
            return &applets[i];
    return NULL;
}

static int applet_install(const char *dir)
{
    char self[PATH_MAX];
    ssize_t length = readlink("/proc/self/exe", self, sizeof self - 1);
    if (length < 0)
        fatal_errno(EXIT_FAIL, "cannot read /proc/self/exe");
    self[length] = '\0';
    for (size_t i = 0; i < sizeof applets / sizeof applets[0]; i++) {
        char link[PATH_MAX];
        snprintf(link, sizeof link, "%s/%s", dir, applets[i].name);
        if (symlink(self, link) < 0 && errno != EEXIST)
            fatal_errno(EXIT_FAIL, "cannot create symlink %s", link);
    }
    return EXIT_OK;
}

static int redpak_usage(FILE *out, int code)
{
    fprintf(out,
            "usage: redpak APPLET [ARGS...]   (or call it as APPLET)\n"
            "       redpak --list             list the applets\n"
            "       redpak --install DIR      create the applet symlinks in DIR\n"
            "       redpak --version\n");
    return code;
}

int main(int argc, char **argv)
{
    const char *base = strrchr(argv[0], '/');
    base = base ? base + 1 : argv[0];
    const struct applet *applet = applet_find(base);
    if (applet) {
        log_set_program(applet->name);
        return applet->main(argc, argv);
    }
    if (argc < 2)
        return redpak_usage(stderr, EXIT_USAGE);
    if (strcmp(argv[1], "--list") == 0) {
        for (size_t i = 0; i < sizeof applets / sizeof applets[0]; i++)
            puts(applets[i].name);
        return EXIT_OK;
    }
    if (strcmp(argv[1], "--install") == 0) {
        if (argc != 3)
            return redpak_usage(stderr, EXIT_USAGE);
        return applet_install(argv[2]);
    }
    if (strcmp(argv[1], "--version") == 0) {
        printf("redpak %s\n", REDPAK_VERSION);
        return EXIT_OK;
    }
    if (strcmp(argv[1], "--help") == 0)
        return redpak_usage(stdout, EXIT_OK);
    applet = applet_find(argv[1]);
    if (!applet)
        fatal(EXIT_NOT_FOUND, "unknown applet '%s' (redpak --list shows them)",
              argv[1]);
    log_set_program(applet->name);
    return applet->main(argc - 1, argv + 1);
}
