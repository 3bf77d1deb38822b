/* libFuzzer target: config_load_buffer over arbitrary bytes. Every input
 * must either load or fail with a positioned message; on success every
 * string of the result is read, so a dangling or unterminated one shows
 * up under AddressSanitizer. The input's length picks the kind of file
 * (node, admin, main.yaml), so each schema path is exercised. */
#include <stdint.h>
#include <string.h>

#include "core/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static size_t touch(const char *text)
{
    return text ? strlen(text) : 0;
}

static size_t touch_config(const config_t *c)
{
    size_t sum = touch(c->alias.value) + touch(c->name.value) +
                 touch(c->info.value) + touch(c->path.value) +
                 touch(c->ldpath.value) + touch(c->hostname.value) +
                 touch(c->chdir.value) + touch(c->set_user.value) +
                 touch(c->set_group.value) + touch(c->cgrouproot.value) +
                 touch(c->rpmdir.value) + touch(c->persistdir.value) +
                 touch(c->cachedir.value);
    for (int i = 0; i < SHARE_COUNT; i++)
        sum += touch(c->share[i].path) + touch(c->share[i].pos.file);
    for (int i = 0; i < CGROUP_KEY_COUNT; i++)
        sum += touch(c->cgroups[i].value);
    for (size_t i = 0; i < c->capability_count; i++)
        sum += touch(c->capabilities[i].info) +
               touch(c->capabilities[i].warn) +
               touch(capability_name(c->capabilities[i].cap));
    for (size_t i = 0; i < c->environment_count; i++)
        sum += touch(c->environment[i].key) + touch(c->environment[i].value) +
               touch(c->environment[i].info) + touch(c->environment[i].warn) +
               touch(config_environ_mode_names[c->environment[i].mode]);
    for (size_t i = 0; i < c->export_count; i++)
        sum += touch(c->exports[i].mount) + touch(c->exports[i].path) +
               touch(c->exports[i].info) + touch(c->exports[i].warn) +
               touch(config_export_mode_names[c->exports[i].mode]);
    for (size_t i = 0; i < c->seccomp.rule_count; i++)
        sum += touch(c->seccomp.rules[i].syscall);
    return sum;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const struct {
        const char *node_path;
        int admin;
    } kinds[] = {{"/n", 0}, {"/n", 1}, {NULL, 0}};
    arena_t *arena = arena_new();
    rp_error_t err;
    config_t *config = NULL;
    int kind = (int)(size % 3);
    if (config_load_buffer(arena, "fuzz.yaml", (const char *)data, size,
                           kinds[kind].node_path, kinds[kind].admin, &config,
                           &err) == 0) {
        volatile size_t sum = touch_config(config);
        (void)sum;
    } else if (strncmp(err.message, "fuzz.yaml:", 10) != 0) {
        __builtin_trap(); /* every error names the file */
    }
    arena_free(arena);
    return 0;
}
