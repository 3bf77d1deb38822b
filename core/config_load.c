/* config_load: the strict YAML schema of SPEC §4, one table of keys per
 * section (machinery and scalar parsers in config_parse.c). Adding a key
 * is one table line, plus a parse function for a new kind of value. The
 * first error stops the load. */
#include "config.h"

#include <string.h>
#include <strings.h>

#include "cgroup_value.h"
#include "config_parse.h"

/* ---- config.cgroups and config.rlimits -------------------------------- */

/* A cgroups value, in the kernel's syntax: checked at load time so that
 * `redmanager check` finds a bad one too. */
static int parse_cgroup_value(config_loader_t *loader, const config_key_t *key,
                              void *target, const yaml_reader_event_t *value)
{
    if (config_parse_string(loader, key, target, value) < 0)
        return -1;
    return cgroup_value_validate(KEY_FIELD(target, key, config_string_t),
                                 (cgroup_key_t)key->arg, loader->err);
}

/* The keys of one cgroups section ("mem"...), from config_cgroup_keys. */
static int parse_cgroup_section(config_loader_t *loader,
                                const char *section_name,
                                const yaml_reader_event_t *start)
{
    config_key_t keys[CGROUP_KEY_COUNT];
    int count = 0;
    for (int i = 0; i < CGROUP_KEY_COUNT; i++)
        if (!strcmp(config_cgroup_keys[i].section, section_name))
            keys[count++] =
                (config_key_t){config_cgroup_keys[i].key, parse_cgroup_value,
                               offsetof(config_t, cgroups) +
                                   (size_t)i * sizeof(config_string_t),
                               i, false};
    config_section_t section = {
        arena_printf(loader->arena, "cgroups.%s", section_name), keys, count};
    return config_parse_section(loader, &section, loader->config, start);
}

static int parse_cgroup_section_key(config_loader_t *loader,
                                    const config_key_t *key, void *target,
                                    const yaml_reader_event_t *value)
{
    (void)target;
    return parse_cgroup_section(loader, key->name, value);
}

static const config_key_t cgroups_keys[] = {
    {"cpuset", parse_cgroup_section_key}, {"mem", parse_cgroup_section_key},
    {"cpu", parse_cgroup_section_key},    {"io", parse_cgroup_section_key},
    {"pids", parse_cgroup_section_key},
};
static const config_section_t cgroups_section = {"cgroups", cgroups_keys,
                                                 KEY_COUNT(cgroups_keys)};

static int parse_cgroups(config_loader_t *loader, const config_key_t *key,
                         void *target, const yaml_reader_event_t *value)
{
    (void)key;
    return config_parse_section(loader, &cgroups_section, target, value);
}

static int parse_rlimit(config_loader_t *loader, const config_key_t *key,
                        void *target, const yaml_reader_event_t *value)
{
    if (config_parse_expect_scalar(loader, key, value) < 0)
        return -1;
    config_rlimit_t *limit = &((config_t *)target)->rlimits[key->arg];
    *limit = (config_rlimit_t){.pos = value->pos, .from = loader->config};
    if (value->null)
        return 0;
    unsigned long long number = CONFIG_RLIMIT_UNLIMITED;
    if (strcasecmp(value->scalar, "unlimited") &&
        !config_parse_unsigned(value->scalar, 10, CONFIG_RLIMIT_UNLIMITED - 1,
                               &number))
        return config_parse_bad_value(loader, key, value,
                                      "a non-negative integer or unlimited");
    limit->set = true;
    limit->value = number;
    return 0;
}

static int parse_rlimits(config_loader_t *loader, const config_key_t *key,
                         void *target, const yaml_reader_event_t *value)
{
    (void)key;
    config_key_t keys[CONFIG_RLIMIT_COUNT];
    for (int i = 0; i < CONFIG_RLIMIT_COUNT; i++)
        keys[i] = (config_key_t){config_rlimit_names[i], parse_rlimit, 0, i};
    config_section_t section = {"rlimits", keys, CONFIG_RLIMIT_COUNT};
    return config_parse_section(loader, &section, target, value);
}

/* ---- config.capabilities ---------------------------------------------- */

static int parse_capability_name(config_loader_t *loader,
                                 const config_key_t *key, void *target,
                                 const yaml_reader_event_t *value)
{
    if (config_parse_expect_scalar(loader, key, value) < 0)
        return -1;
    int cap = CAPABILITY_ALL;
    if (strcasecmp(value->scalar, "ALL") &&
        (cap = capability_from_name(value->scalar)) < 0)
        return error_at(loader->err, &value->pos, "unknown capability '%s'",
                        value->scalar);
    ((config_capability_t *)target)->cap = cap;
    return 0;
}

static int parse_capability_add(config_loader_t *loader,
                                const config_key_t *key, void *target,
                                const yaml_reader_event_t *value)
{
    return config_parse_boolean(loader, key, value,
                                &((config_capability_t *)target)->add);
}

static const config_key_t capability_keys[] = {
    {"cap", parse_capability_name, 0, 0, true},
    {"add", parse_capability_add, 0, 0, true},
    {"info", config_parse_text, offsetof(config_capability_t, info)},
    {"warn", config_parse_text, offsetof(config_capability_t, warn)},
};
static const config_section_t capability_section = {
    "capabilities entry", capability_keys, KEY_COUNT(capability_keys)};

static int parse_capability_entry(config_loader_t *loader,
                                  const yaml_reader_event_t *start)
{
    config_t *config = loader->config;
    config->capabilities = config_parse_grow(loader, config->capabilities,
                                             config->capability_count,
                                             sizeof *config->capabilities);
    config_capability_t *entry =
        &config->capabilities[config->capability_count++];
    entry->pos = start->pos;
    entry->from = config;
    return config_parse_section(loader, &capability_section, entry, start);
}

static int parse_capabilities(config_loader_t *loader, const config_key_t *key,
                              void *target, const yaml_reader_event_t *value)
{
    (void)target;
    return config_parse_list(loader, key, value, parse_capability_entry);
}

/* ---- environ ---------------------------------------------------------- */

static int parse_environ_mode(config_loader_t *loader, const config_key_t *key,
                              void *target, const yaml_reader_event_t *value)
{
    int mode = config_parse_enum(loader, key, value, config_environ_mode_names,
                                 ENVIRON_MODE_COUNT);
    if (mode < 0)
        return -1;
    ((config_environ_t *)target)->mode = (environ_mode_t)mode;
    return 0;
}

enum { ENVIRON_KEY_MODE, ENVIRON_KEY_KEY, ENVIRON_KEY_VALUE };
static const config_key_t environ_keys[] = {
    [ENVIRON_KEY_MODE] = {"mode", parse_environ_mode, 0, 0, true},
    [ENVIRON_KEY_KEY] = {"key", config_parse_text,
                         offsetof(config_environ_t, key), 0, true},
    [ENVIRON_KEY_VALUE] = {"value", config_parse_text,
                           offsetof(config_environ_t, value)},
    {"info", config_parse_text, offsetof(config_environ_t, info)},
    {"warn", config_parse_text, offsetof(config_environ_t, warn)},
};
static const config_section_t environ_section = {"environ entry", environ_keys,
                                                 KEY_COUNT(environ_keys)};

static int check_environ_entry(config_loader_t *loader,
                               const config_environ_t *entry,
                               const source_pos_t *seen)
{
    const char *mode = config_environ_mode_names[entry->mode];
    bool needs_value = entry->mode == ENVIRON_DEFAULT ||
                       entry->mode == ENVIRON_STATIC ||
                       entry->mode == ENVIRON_EXECFD;
    if (needs_value && !entry->value)
        return error_at(loader->err, &entry->pos,
                        "missing key 'value' in environ entry (mode %s "
                        "needs one)", mode);
    if (!needs_value && seen[ENVIRON_KEY_VALUE].line)
        return error_at(loader->err, &seen[ENVIRON_KEY_VALUE],
                        "'value' is not allowed with mode %s", mode);
    return 0;
}

static int parse_environ_entry(config_loader_t *loader,
                               const yaml_reader_event_t *start)
{
    config_t *config = loader->config;
    config->environment = config_parse_grow(loader, config->environment,
                                            config->environment_count,
                                            sizeof *config->environment);
    config_environ_t *entry = &config->environment[config->environment_count++];
    entry->pos = start->pos;
    entry->from = config;
    source_pos_t seen[KEY_COUNT(environ_keys)] = {0};
    if (config_parse_mapping(loader, &environ_section, entry, start, seen) < 0)
        return -1;
    return check_environ_entry(loader, entry, seen);
}

static int parse_environ(config_loader_t *loader, const config_key_t *key,
                         void *target, const yaml_reader_event_t *value)
{
    (void)target;
    return config_parse_list(loader, key, value, parse_environ_entry);
}

/* ---- exports ---------------------------------------------------------- */

static int parse_export_mode(config_loader_t *loader, const config_key_t *key,
                             void *target, const yaml_reader_event_t *value)
{
    int mode = config_parse_enum(loader, key, value, config_export_mode_names,
                                 EXPORT_MODE_COUNT);
    if (mode < 0)
        return -1;
    ((config_export_t *)target)->mode = (export_mode_t)mode;
    return 0;
}

static const config_key_t export_keys[] = {
    {"mode", parse_export_mode, 0, 0, true},
    {"mount", config_parse_text, offsetof(config_export_t, mount), 0, true},
    {"path", config_parse_text, offsetof(config_export_t, path)},
    {"info", config_parse_text, offsetof(config_export_t, info)},
    {"warn", config_parse_text, offsetof(config_export_t, warn)},
};
static const config_section_t export_section = {"exports entry", export_keys,
                                                KEY_COUNT(export_keys)};

/* Bind modes take their source from `path`, which defaults to `mount`;
 * Symlink (the target) and Execfd (the command) cannot do without it. */
static int complete_export_entry(config_loader_t *loader,
                                 config_export_t *entry)
{
    switch (entry->mode) {
    case EXPORT_PUBLIC:
    case EXPORT_RESTRICTED:
    case EXPORT_PRIVATE:
    case EXPORT_PRIVATE_RESTRICTED:
    case EXPORT_PUBLIC_FILE:
    case EXPORT_RESTRICTED_FILE:
    case EXPORT_PRIVATE_FILE:
        if (!entry->path)
            entry->path = entry->mount;
        return 0;
    case EXPORT_SYMLINK:
    case EXPORT_EXECFD:
        if (!entry->path || !*entry->path)
            return error_at(loader->err, &entry->pos,
                            "missing key 'path' in exports entry (mode %s "
                            "needs one)",
                            config_export_mode_names[entry->mode]);
        return 0;
    default:
        return 0;
    }
}

static int parse_export_entry(config_loader_t *loader,
                              const yaml_reader_event_t *start)
{
    config_t *config = loader->config;
    config->exports = config_parse_grow(
        loader, config->exports, config->export_count, sizeof *config->exports);
    config_export_t *entry = &config->exports[config->export_count++];
    entry->pos = start->pos;
    entry->from = config;
    if (config_parse_section(loader, &export_section, entry, start) < 0)
        return -1;
    return complete_export_entry(loader, entry);
}

static int parse_exports(config_loader_t *loader, const config_key_t *key,
                         void *target, const yaml_reader_event_t *value)
{
    (void)target;
    return config_parse_list(loader, key, value, parse_export_entry);
}

/* ---- config, headers, the file ---------------------------------------- */

#define CONFIG_FIELD(field) offsetof(config_t, field)

static const config_key_t config_keys[] = {
    {"path", config_parse_string, CONFIG_FIELD(path)},
    {"ldpath", config_parse_string, CONFIG_FIELD(ldpath)},
    {"hostname", config_parse_string, CONFIG_FIELD(hostname)},
    {"chdir", config_parse_string, CONFIG_FIELD(chdir)},
    {"umask", config_parse_umask, CONFIG_FIELD(umask)},
    {"set-user", config_parse_string, CONFIG_FIELD(set_user)},
    {"set-group", config_parse_string, CONFIG_FIELD(set_group)},
    {"cgrouproot", config_parse_string, CONFIG_FIELD(cgrouproot)},
    {"rpmdir", config_parse_string, CONFIG_FIELD(rpmdir)},
    {"persistdir", config_parse_string, CONFIG_FIELD(persistdir)},
    {"cachedir", config_parse_string, CONFIG_FIELD(cachedir)},
    {"verbose", config_parse_integer, CONFIG_FIELD(verbose)},
    {"share_all", config_parse_share, CONFIG_FIELD(share[SHARE_ALL])},
    {"share_user", config_parse_share, CONFIG_FIELD(share[SHARE_USER])},
    {"share_cgroup", config_parse_share, CONFIG_FIELD(share[SHARE_CGROUP])},
    {"share_net", config_parse_share, CONFIG_FIELD(share[SHARE_NET])},
    {"share_pid", config_parse_share, CONFIG_FIELD(share[SHARE_PID])},
    {"share_ipc", config_parse_share, CONFIG_FIELD(share[SHARE_IPC])},
    {"share_time", config_parse_share, CONFIG_FIELD(share[SHARE_TIME])},
    {"die-with-parent", config_parse_tristate, CONFIG_FIELD(die_with_parent)},
    {"new-session", config_parse_tristate, CONFIG_FIELD(new_session)},
    {"inherit-env", config_parse_boolean_flag, CONFIG_FIELD(inherit_env)},
    {"map-root-user", config_parse_boolean_flag, CONFIG_FIELD(map_root_user)},
    {"gpgcheck", config_parse_boolean_flag, CONFIG_FIELD(gpgcheck)},
    {"capabilities", parse_capabilities},
    {"cgroups", parse_cgroups},
    {"rlimits", parse_rlimits},
    {"seccomp", config_parse_seccomp},
    {"maxage", config_parse_ignored},  /* legacy, accepted and ignored */
    {"inherit", config_parse_ignored}, /* legacy, accepted and ignored */
};

static int parse_config(config_loader_t *loader, const config_key_t *key,
                        void *target, const yaml_reader_event_t *value)
{
    (void)key;
    static const config_section_t section = {"config", config_keys,
                                             KEY_COUNT(config_keys)};
    return config_parse_section(loader, &section, target, value);
}

static const char alias_characters[] = "abcdefghijklmnopqrstuvwxyz"
                                       "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                       "0123456789+-_@:";

/* The alias names /nodes/ALIAS and a cgroup: no slash, dot or blank. */
static int parse_alias(config_loader_t *loader, const config_key_t *key,
                       void *target, const yaml_reader_event_t *value)
{
    if (config_parse_string(loader, key, target, value) < 0)
        return -1;
    const char *alias = KEY_FIELD(target, key, config_string_t)->value;
    if (alias && (!*alias || alias[strspn(alias, alias_characters)]))
        return error_at(loader->err, &value->pos,
                        "bad alias '%s': only letters, digits and +-_@: are "
                        "allowed", alias);
    return 0;
}

static const config_key_t header_keys[] = {
    {"alias", parse_alias, CONFIG_FIELD(alias)},
    {"name", config_parse_string, CONFIG_FIELD(name)},
    {"info", config_parse_string, CONFIG_FIELD(info)},
};

static int parse_headers(config_loader_t *loader, const config_key_t *key,
                         void *target, const yaml_reader_event_t *value)
{
    (void)key;
    static const config_section_t section = {"headers", header_keys,
                                             KEY_COUNT(header_keys)};
    return config_parse_section(loader, &section, target, value);
}

static const config_key_t top_keys[] = {
    {"headers", parse_headers},
    {"config", parse_config},
    {"environ", parse_environ},
    {"exports", parse_exports},
};
static const config_section_t top_section = {"the file", top_keys,
                                             KEY_COUNT(top_keys)};

/* The stream holds one document, the document one mapping. libyaml
 * guarantees the order of the structural events skipped here. */
static int parse_document(config_loader_t *loader)
{
    yaml_reader_event_t event;
    if (config_parse_next(loader, &event) < 0 || /* stream start */
        config_parse_next(loader, &event) < 0)
        return -1;
    if (event.type == YAML_READER_STREAM_END)
        return error_at(loader->err, &event.pos, "empty file");
    if (config_parse_next(loader, &event) < 0) /* after document start */
        return -1;
    if (event.type == YAML_READER_SCALAR && event.null)
        return error_at(loader->err, &event.pos, "empty file");
    if (event.type != YAML_READER_MAPPING_START)
        return error_at(loader->err, &event.pos,
                        "expected a mapping at the top level, found %s",
                        yaml_reader_event_name(event.type));
    config_t *config = loader->config;
    if (config_parse_section(loader, &top_section, config, &event) < 0 ||
        config_parse_next(loader, &event) < 0 || /* document end */
        config_parse_next(loader, &event) < 0)
        return -1;
    if (event.type != YAML_READER_STREAM_END)
        return error_at(loader->err, &event.pos,
                        "only one YAML document is allowed");
    return 0;
}

/* A node's own file must name its alias; main.yaml and admin files may
 * leave it to the node. */
static int check_headers(config_loader_t *loader)
{
    const config_t *config = loader->config;
    if (!config->node_path || config->admin || config->alias.value)
        return 0;
    if (config->alias.pos.line)
        return error_at(loader->err, &config->alias.pos,
                        "'alias': empty value");
    source_pos_t start = {config->file, 1, 1};
    return error_at(loader->err, &start, "missing key 'alias' in headers");
}

static config_t *config_new(arena_t *arena, const char *file,
                            const char *node_path, bool admin)
{
    config_t *config = arena_alloc(arena, sizeof *config);
    config->file = arena_strdup(arena, file);
    config->node_path = arena_strdup(arena, node_path);
    config->admin = admin;
    return config;
}

static int load(arena_t *arena, config_t *config, yaml_reader_t *reader,
                config_t **out, rp_error_t *err)
{
    config_loader_t loader = {arena, reader, config, err};
    int rc = parse_document(&loader);
    yaml_reader_close(reader);
    if (rc < 0 || check_headers(&loader) < 0)
        return -1;
    *out = config;
    return 0;
}

int config_load_buffer(arena_t *arena, const char *name, const char *data,
                       size_t length, const char *node_path, bool admin,
                       config_t **out, rp_error_t *err)
{
    config_t *config = config_new(arena, name, node_path, admin);
    yaml_reader_t *reader;
    if (yaml_reader_open_buffer(arena, config->file, data, length, &reader,
                                err) < 0)
        return -1;
    return load(arena, config, reader, out, err);
}

int config_load_file(arena_t *arena, const char *file, const char *node_path,
                     bool admin, config_t **out, rp_error_t *err)
{
    config_t *config = config_new(arena, file, node_path, admin);
    yaml_reader_t *reader;
    if (yaml_reader_open_file(arena, config->file, &reader, err) < 0)
        return -1;
    return load(arena, config, reader, out, err);
}
