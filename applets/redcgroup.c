/* redcgroup: cgroup v2 control of a node and its chain (SPEC §2).
 *
 *   redcgroup [--json] [--admin] -r PATH COMMAND
 *
 * COMMAND: apply, show, stat, procs, freeze, thaw, kill, clean. The
 * cgroups are those of core/cgroup.h: one per node of the chain, nested;
 * freeze, thaw, kill and procs act on the leaf's cgroup and below. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "applets/applets.h"
#include "core/cgroup.h"
#include "core/log.h"
#include "core/merge.h"
#include "core/node.h"

static const char redcgroup_help[] =
    "usage: redcgroup [OPTIONS] -r PATH COMMAND\n"
    "\n"
    "cgroup v2 control of the node PATH: one cgroup per node of its chain,\n"
    "nested like the nodes (CGROUPROOT/redpak-ALIAS-HASH/.../run).\n"
    "\n"
    "commands:\n"
    "  apply   create the chain's cgroups and write their limits\n"
    "  show    the limits of each node: configured value and kernel value\n"
    "  stat    memory.current, pids.current and cpu usage of each node\n"
    "  procs   processes in the node's cgroup and below\n"
    "  freeze  freeze the node's cgroup (and below)\n"
    "  thaw    thaw it\n"
    "  kill    kill every process in it (cgroup.kill)\n"
    "  clean   remove the chain's empty cgroups, deepest first\n"
    "\n"
    "options:\n"
    "  -r, --redpath PATH  the node\n"
    "      --admin         use the admin configuration files too\n"
    "      --json          JSON output (show, stat, procs)\n"
    "  -v, --verbose       more messages\n"
    "  -h, --help          this help\n"
    "  -V, --version       the version\n"
    "\n"
    "environment: CGROUPS_MOUNT_POINT overrides the cgroup2 mount point.\n";

typedef struct redcgroup {
    arena_t *arena;
    cgroup_plan_t plan;
    bool json;
} redcgroup_t;

/* JSON string literal (or null) on stdout. */
static void json_string(const char *text)
{
    if (!text) {
        fputs("null", stdout);
        return;
    }
    putchar('"');
    for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
        if (*p == '"' || *p == '\\')
            printf("\\%c", *p);
        else if (*p < 0x20)
            printf("\\u%04x", *p);
        else
            putchar(*p);
    }
    putchar('"');
}

/* A counter as a JSON number (null when unknown). */
static void json_counter(const char *key, const char *value, bool comma)
{
    json_string(key);
    bool number = value && *value && strspn(value, "0123456789") == strlen(value);
    printf(":%s%s", number ? value : "null", comma ? "," : "");
}

static void json_key(const char *key, const char *value, bool comma)
{
    json_string(key);
    putchar(':');
    json_string(value);
    if (comma)
        putchar(',');
}

static const char *position(arena_t *arena, const source_pos_t *pos)
{
    return arena_printf(arena, "%s:%d:%d", pos->file ? pos->file : "-",
                        pos->line, pos->column);
}

static int command_show(redcgroup_t *self)
{
    const cgroup_plan_t *plan = &self->plan;
    if (self->json) {
        printf("{");
        json_key("mount", plan->mount, true);
        json_key("root", plan->root, true);
        json_key("run", plan->run, true);
        printf("\"nodes\":[");
    } else {
        printf("mount %s\nroot %s\n", plan->mount, plan->root);
    }
    for (size_t i = 0; i < plan->count; i++) {
        const cgroup_node_t *node = &plan->nodes[i];
        if (self->json) {
            printf("%s{", i ? "," : "");
            json_key("node", node->node->path, true);
            json_key("cgroup", node->dir, true);
            printf("\"limits\":{");
        } else {
            printf("node %s %s\n", node->node->path, node->dir);
        }
        bool first = true;
        for (int key = 0; key < CGROUP_KEY_COUNT; key++) {
            const config_string_t *value = &node->values[key];
            if (!value->value)
                continue;
            const char *file = config_cgroup_keys[key].file;
            const char *kernel = cgroup_read(self->arena, node->dir, file);
            const char *from = position(self->arena, &value->pos);
            if (self->json) {
                printf("%s", first ? "" : ",");
                json_string(file);
                printf(":{");
                json_key("value", value->value, true);
                json_key("kernel", kernel, true);
                json_key("from", from, false);
                printf("}");
            } else {
                printf("  %s=%s kernel=%s from=%s\n", file, value->value,
                       kernel ? kernel : "-", from);
            }
            first = false;
        }
        if (self->json)
            printf("}}");
    }
    if (self->json)
        printf("]}\n");
    else
        printf("run %s\n", plan->run);
    return EXIT_OK;
}

/* The "usage_usec N" line of cpu.stat. */
static const char *cpu_usage(arena_t *arena, const char *dir)
{
    char *stat = cgroup_read(arena, dir, "cpu.stat");
    char *line = stat ? strstr(stat, "usage_usec ") : NULL;
    if (!line)
        return NULL;
    line += strlen("usage_usec ");
    return arena_strndup(arena, line, strcspn(line, "\n"));
}

static int command_stat(redcgroup_t *self)
{
    static const char *const names[] = {"memory.current", "pids.current",
                                        "cpu.usage_usec"};
    if (self->json)
        printf("{\"nodes\":[");
    for (size_t i = 0; i < self->plan.count; i++) {
        const cgroup_node_t *node = &self->plan.nodes[i];
        const char *values[] = {
            cgroup_read(self->arena, node->dir, "memory.current"),
            cgroup_read(self->arena, node->dir, "pids.current"),
            cpu_usage(self->arena, node->dir),
        };
        if (self->json) {
            printf("%s{", i ? "," : "");
            json_key("node", node->node->path, true);
            json_key("cgroup", node->dir, true);
        } else {
            printf("%s", node->node->path);
        }
        for (size_t k = 0; k < 3; k++) {
            if (self->json)
                json_counter(names[k], values[k], k < 2);
            else
                printf(" %s=%s", names[k], values[k] ? values[k] : "-");
        }
        printf(self->json ? "}" : "\n");
    }
    if (self->json)
        printf("]}\n");
    return EXIT_OK;
}

/* The leaf's cgroup, which procs, freeze, thaw and kill act on. */
static const char *leaf_dir(const redcgroup_t *self)
{
    const cgroup_node_t *leaf = &self->plan.nodes[self->plan.count - 1];
    struct stat info;
    if (stat(leaf->dir, &info) == 0)
        return leaf->dir;
    if (errno == ENOENT)
        fatal(EXIT_FAIL, "%s has no cgroup %s yet (redwrap or redcgroup apply "
              "creates it)", leaf->node->path, leaf->dir);
    fatal_errno(EXIT_FAIL, "cannot access %s", leaf->dir);
}

static int command_procs(redcgroup_t *self)
{
    cgroup_process_t *processes;
    size_t count;
    rp_error_t err;
    if (cgroup_processes(self->arena, leaf_dir(self), &processes, &count, &err))
        fatal_error(EXIT_FAIL, &err);
    if (self->json)
        printf("[");
    for (size_t i = 0; i < count; i++) {
        if (self->json) {
            printf("%s{\"pid\":%d,", i ? "," : "", (int)processes[i].pid);
            json_key("cgroup", processes[i].dir, false);
            printf("}");
        } else {
            printf("%d %s\n", (int)processes[i].pid, processes[i].dir);
        }
    }
    if (self->json)
        printf("]\n");
    return EXIT_OK;
}

static void report_clean(const char *dir, bool kept)
{
    printf("%s %s\n", kept ? "kept" : "removed", dir);
}

static int command_control(redcgroup_t *self, const char *command)
{
    rp_error_t err;
    int result;
    if (strcmp(command, "apply") == 0)
        result = cgroup_plan_apply(&self->plan, &err);
    else if (strcmp(command, "freeze") == 0 || strcmp(command, "thaw") == 0)
        result = cgroup_freeze(leaf_dir(self), strcmp(command, "freeze") == 0,
                               &err);
    else if (strcmp(command, "kill") == 0)
        result = cgroup_kill(self->arena, leaf_dir(self), &err);
    else
        result = cgroup_clean(self->arena, &self->plan, report_clean, &err);
    if (result)
        fatal_error(EXIT_FAIL, &err);
    return EXIT_OK;
}

static void redcgroup_load(redcgroup_t *self, const char *redpath, bool admin)
{
    rp_error_t err;
    char *canonical;
    node_chain_t chain;
    config_t *merged;
    merge_options_t options = {.admin = admin, .expand = true};
    if (node_redpath_canonical(self->arena, redpath, &canonical, &err) ||
        node_chain_load(self->arena, canonical, admin, &chain, &err) ||
        merge_chain(self->arena, &chain, &options, &merged, &err) ||
        cgroup_plan_build(self->arena, &chain, &self->plan, &err) ||
        cgroup_plan_locate(self->arena, &self->plan, &merged->cgrouproot, &err))
        fatal_error(EXIT_FAIL, &err);
}

static const char *const redcgroup_commands[] = {
    "apply", "show", "stat", "procs", "freeze", "thaw", "kill", "clean", NULL,
};

static bool redcgroup_command_known(const char *command)
{
    for (const char *const *known = redcgroup_commands; *known; known++)
        if (strcmp(*known, command) == 0)
            return true;
    return false;
}

int redcgroup_main(int argc, char **argv)
{
    enum { OPTION_JSON = 256, OPTION_ADMIN };
    static const struct option options[] = {
        {"redpath", required_argument, NULL, 'r'},
        {"admin", no_argument, NULL, OPTION_ADMIN},
        {"json", no_argument, NULL, OPTION_JSON},
        {"verbose", no_argument, NULL, 'v'},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},
        {NULL, 0, NULL, 0},
    };
    redcgroup_t self = {0};
    const char *redpath = NULL;
    bool admin = false;
    int option;
    while ((option = getopt_long(argc, argv, "r:vhV", options, NULL)) != -1) {
        switch (option) {
        case 'r': redpath = optarg; break;
        case OPTION_ADMIN: admin = true; break;
        case OPTION_JSON: self.json = true; break;
        case 'v': log_verbosity++; break;
        case 'h': fputs(redcgroup_help, stdout); return EXIT_OK;
        case 'V': printf("redcgroup %s\n", REDPAK_VERSION); return EXIT_OK;
        default: fatal(EXIT_USAGE, "usage: redcgroup [OPTIONS] -r PATH COMMAND "
                       "(redcgroup --help)");
        }
    }
    if (!redpath || optind != argc - 1)
        fatal(EXIT_USAGE, "usage: redcgroup [OPTIONS] -r PATH COMMAND "
              "(redcgroup --help)");
    const char *command = argv[optind];
    if (!redcgroup_command_known(command))
        fatal(EXIT_USAGE, "unknown command '%s' (redcgroup --help)", command);
    if (self.json && strcmp(command, "show") && strcmp(command, "stat") &&
        strcmp(command, "procs"))
        fatal(EXIT_USAGE, "--json applies to show, stat and procs");
    self.arena = arena_new();
    redcgroup_load(&self, redpath, admin);
    int status = strcmp(command, "show") == 0    ? command_show(&self)
                 : strcmp(command, "stat") == 0  ? command_stat(&self)
                 : strcmp(command, "procs") == 0 ? command_procs(&self)
                                                 : command_control(&self, command);
    arena_free(self.arena);
    return status;
}
