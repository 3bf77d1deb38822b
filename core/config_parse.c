/* config_parse: sections of keys, the walk of mappings and lists, and
 * the parsers of scalar values of the configuration loader. */
#include "config_parse.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- events ---------------------------------------------------------- */

int config_parse_next(config_loader_t *loader, yaml_reader_event_t *event)
{
    if (yaml_reader_next(loader->reader, event, loader->err) < 0)
        return -1;
    if (event->type == YAML_READER_SCALAR && event->length > CONFIG_MAX_STRING)
        return error_at(loader->err, &event->pos, "value longer than %d bytes",
                        CONFIG_MAX_STRING);
    return 0;
}

int config_parse_wrong_type(config_loader_t *loader, const config_key_t *key,
                            const char *expected,
                            const yaml_reader_event_t *value)
{
    return error_at(loader->err, &value->pos, "'%s': expected %s, found %s",
                    key->name, expected, yaml_reader_event_name(value->type));
}

int config_parse_expect_scalar(config_loader_t *loader, const config_key_t *key,
                               const yaml_reader_event_t *value)
{
    if (value->type != YAML_READER_SCALAR)
        return config_parse_wrong_type(loader, key, "a scalar", value);
    return 0;
}

/* "a, b or c" from a name table, for bad enum value messages. */
static const char *names_list(config_loader_t *loader, const char *const *names,
                              int count)
{
    char *list = arena_strdup(loader->arena, names[0]);
    for (int i = 1; i < count; i++)
        list = arena_printf(loader->arena, "%s%s%s", list,
                            i == count - 1 ? " or " : ", ", names[i]);
    return list;
}

int config_parse_bad_value(config_loader_t *loader, const config_key_t *key,
                           const yaml_reader_event_t *value,
                           const char *expected)
{
    return error_at(loader->err, &value->pos,
                    "'%s': invalid value '%s' (expected %s)", key->name,
                    value->scalar, expected);
}

/* An enum value from `names`, or -1 after an error listing them. */
int config_parse_enum(config_loader_t *loader, const config_key_t *key,
                      const yaml_reader_event_t *value,
                      const char *const *names, int count)
{
    if (config_parse_expect_scalar(loader, key, value) < 0)
        return -1;
    int found = config_name_lookup(names, count, value->scalar);
    if (found < 0)
        config_parse_bad_value(loader, key, value,
                               names_list(loader, names, count));
    return found;
}

/* ---- mappings and lists ---------------------------------------------- */

static const config_key_t *find_key(const config_section_t *section,
                                    const char *name)
{
    for (int i = 0; i < section->count; i++)
        if (!strcasecmp(section->keys[i].name, name))
            return &section->keys[i];
    return NULL;
}

static int check_mandatory(config_loader_t *loader,
                           const config_section_t *section,
                           const source_pos_t *seen, const source_pos_t *pos)
{
    for (int i = 0; i < section->count; i++)
        if (section->keys[i].mandatory && !seen[i].line)
            return error_at(loader->err, pos, "missing key '%s' in %s",
                            section->keys[i].name, section->name);
    return 0;
}

/* Walks a mapping whose first event is `start` (a null scalar counts as
 * an empty mapping), dispatching each key through `section`. `seen`
 * (section->count entries, zeroed) receives where each key was found. */
int config_parse_mapping(config_loader_t *loader,
                         const config_section_t *section, void *target,
                         const yaml_reader_event_t *start, source_pos_t *seen)
{
    if (start->type == YAML_READER_SCALAR && start->null)
        return check_mandatory(loader, section, seen, &start->pos);
    if (start->type != YAML_READER_MAPPING_START)
        return error_at(loader->err, &start->pos,
                        "%s: expected a mapping, found %s", section->name,
                        yaml_reader_event_name(start->type));
    yaml_reader_event_t event, value;
    for (;;) {
        if (config_parse_next(loader, &event) < 0)
            return -1;
        if (event.type == YAML_READER_MAPPING_END)
            return check_mandatory(loader, section, seen, &start->pos);
        if (event.type != YAML_READER_SCALAR)
            return error_at(loader->err, &event.pos,
                            "%s: expected a key, found %s", section->name,
                            yaml_reader_event_name(event.type));
        const config_key_t *key = find_key(section, event.scalar);
        if (!key)
            return error_at(loader->err, &event.pos, "unknown key '%s' in %s",
                            event.scalar, section->name);
        source_pos_t *first = &seen[key - section->keys];
        if (first->line)
            return error_at(loader->err, &event.pos,
                            "duplicate key '%s' in %s (first at line %d)",
                            key->name, section->name, first->line);
        *first = event.pos;
        if (config_parse_next(loader, &value) < 0 ||
            key->parse(loader, key, target, &value) < 0)
            return -1;
    }
}

int config_parse_section(config_loader_t *loader,
                         const config_section_t *section, void *target,
                         const yaml_reader_event_t *start)
{
    source_pos_t *seen =
        arena_alloc(loader->arena, sizeof *seen * (size_t)section->count);
    return config_parse_mapping(loader, section, target, start, seen);
}

/* Room for one more element in the arena array `array` of `count`
 * elements of `size` bytes: the room doubles each time `count` reaches a
 * power of two (so it is implied by the count). Returns the array, which
 * may have moved; the new element is zeroed. */
void *config_parse_grow(config_loader_t *loader, void *array, size_t count,
                        size_t size)
{
    if (count == 0 || (count >= 4 && (count & (count - 1)) == 0)) {
        size_t room = count == 0 ? 4 : 2 * count;
        array = arena_grow(loader->arena, array, count * size, room * size);
    }
    return array;
}

/* A list (or null = empty list) whose entries go through `entry`. */
int config_parse_list(config_loader_t *loader, const config_key_t *key,
                      const yaml_reader_event_t *start, config_entry_fn *entry)
{
    if (start->type == YAML_READER_SCALAR && start->null)
        return 0;
    if (start->type != YAML_READER_SEQUENCE_START)
        return config_parse_wrong_type(loader, key, "a list", start);
    yaml_reader_event_t event;
    for (;;) {
        if (config_parse_next(loader, &event) < 0)
            return -1;
        if (event.type == YAML_READER_SEQUENCE_END)
            return 0;
        if (entry(loader, &event) < 0)
            return -1;
    }
}

/* Skips one whole value (legacy keys). */
int config_parse_ignored(config_loader_t *loader, const config_key_t *key,
                         void *target, const yaml_reader_event_t *value)
{
    (void)key, (void)target;
    yaml_reader_event_t event;
    int depth = value->type == YAML_READER_SCALAR ? 0 : 1;
    while (depth > 0) {
        if (config_parse_next(loader, &event) < 0)
            return -1;
        if (event.type == YAML_READER_MAPPING_START ||
            event.type == YAML_READER_SEQUENCE_START)
            depth++;
        else if (event.type == YAML_READER_MAPPING_END ||
                 event.type == YAML_READER_SEQUENCE_END)
            depth--;
    }
    return 0;
}

/* ---- scalar values --------------------------------------------------- */

/* Free text of a list entry (info, warn, key, mount...). */
int config_parse_text(config_loader_t *loader, const config_key_t *key,
                      void *target, const yaml_reader_event_t *value)
{
    if (config_parse_expect_scalar(loader, key, value) < 0)
        return -1;
    if (key->mandatory && (value->null || !value->length))
        return error_at(loader->err, &value->pos, "'%s': empty value",
                        key->name);
    *KEY_FIELD(target, key, const char *) = value->null ? NULL : value->scalar;
    return 0;
}

int config_parse_string(config_loader_t *loader, const config_key_t *key,
                        void *target, const yaml_reader_event_t *value)
{
    if (config_parse_expect_scalar(loader, key, value) < 0)
        return -1;
    *KEY_FIELD(target, key, config_string_t) = (config_string_t){
        value->null ? NULL : value->scalar, value->pos, loader->config};
    return 0;
}

/* Digits only (in `base`), no sign, no blanks, at most `max`. */
bool config_parse_unsigned(const char *text, int base, unsigned long long max,
                           unsigned long long *out)
{
    const char *digits = base == 8 ? "01234567" : "0123456789";
    if (!*text || text[strspn(text, digits)])
        return false;
    errno = 0;
    unsigned long long number = strtoull(text, NULL, base);
    if (errno == ERANGE || number > max)
        return false;
    *out = number;
    return true;
}

static int set_number(config_loader_t *loader, const config_key_t *key,
                      void *target, const yaml_reader_event_t *value, int base,
                      unsigned long long max, const char *expected)
{
    if (config_parse_expect_scalar(loader, key, value) < 0)
        return -1;
    config_number_t *number = KEY_FIELD(target, key, config_number_t);
    *number = (config_number_t){.pos = value->pos, .from = loader->config};
    if (value->null)
        return 0;
    unsigned long long parsed;
    if (!config_parse_unsigned(value->scalar, base, max, &parsed))
        return config_parse_bad_value(loader, key, value, expected);
    number->set = true;
    number->value = (long long)parsed;
    return 0;
}

/* Octal, written as a string ("027") or as a YAML number (0022). */
int config_parse_umask(config_loader_t *loader, const config_key_t *key,
                       void *target, const yaml_reader_event_t *value)
{
    return set_number(loader, key, target, value, 8, 0777,
                      "an octal number from 0 to 0777");
}

int config_parse_integer(config_loader_t *loader, const config_key_t *key,
                         void *target, const yaml_reader_event_t *value)
{
    return set_number(loader, key, target, value, 10, 0x7fffffff,
                      "a non-negative integer");
}

static const char *const tristate_names[] = {
    [TRISTATE_UNSET] = "unset",
    [TRISTATE_ENABLED] = "enabled",
    [TRISTATE_DISABLED] = "disabled",
};
#define TRISTATE_NAME_COUNT 3

/* die-with-parent, new-session: Enabled/Disabled/Unset. */
int config_parse_tristate(config_loader_t *loader, const config_key_t *key,
                          void *target, const yaml_reader_event_t *value)
{
    config_flag_t *flag = KEY_FIELD(target, key, config_flag_t);
    *flag = (config_flag_t){TRISTATE_UNSET, value->pos, loader->config};
    if (value->type == YAML_READER_SCALAR && value->null)
        return 0;
    int found = config_parse_enum(loader, key, value, tristate_names,
                                  TRISTATE_NAME_COUNT);
    if (found < 0)
        return -1;
    flag->value = (tristate_t)found;
    return 0;
}

/* Boolean spellings; the index parity gives the value (even = true). */
static const char *const boolean_names[] = {
    "true", "false", "yes", "no", "on", "off", "1", "0", "enabled", "disabled",
};
#define BOOLEAN_NAME_COUNT 10

int config_parse_boolean(config_loader_t *loader, const config_key_t *key,
                         const yaml_reader_event_t *value, bool *out)
{
    if (config_parse_expect_scalar(loader, key, value) < 0)
        return -1;
    int found =
        config_name_lookup(boolean_names, BOOLEAN_NAME_COUNT, value->scalar);
    if (found < 0)
        return config_parse_bad_value(loader, key, value,
                                      "a boolean: true or false");
    *out = found % 2 == 0;
    return 0;
}

/* inherit-env, map-root-user, gpgcheck: booleans that can be unset. */
int config_parse_boolean_flag(config_loader_t *loader, const config_key_t *key,
                              void *target, const yaml_reader_event_t *value)
{
    config_flag_t *flag = KEY_FIELD(target, key, config_flag_t);
    *flag = (config_flag_t){TRISTATE_UNSET, value->pos, loader->config};
    if (value->type == YAML_READER_SCALAR &&
        (value->null || !strcasecmp(value->scalar, "unset")))
        return 0;
    bool enabled;
    if (config_parse_boolean(loader, key, value, &enabled) < 0)
        return -1;
    flag->value = enabled ? TRISTATE_ENABLED : TRISTATE_DISABLED;
    return 0;
}

/* share_*: enabled, disabled, unset or the namespace file to join. */
int config_parse_share(config_loader_t *loader, const config_key_t *key,
                       void *target, const yaml_reader_event_t *value)
{
    static const share_mode_t modes[] = {
        [TRISTATE_UNSET] = SHARE_UNSET,
        [TRISTATE_ENABLED] = SHARE_ENABLED,
        [TRISTATE_DISABLED] = SHARE_DISABLED,
    };
    if (config_parse_expect_scalar(loader, key, value) < 0)
        return -1;
    config_share_t *share = KEY_FIELD(target, key, config_share_t);
    *share = (config_share_t){SHARE_UNSET, NULL, value->pos, loader->config};
    if (value->null)
        return 0;
    if (value->scalar[0] == '/') {
        share->mode = SHARE_JOIN;
        share->path = value->scalar;
        return 0;
    }
    int found =
        config_name_lookup(tristate_names, TRISTATE_NAME_COUNT, value->scalar);
    if (found < 0)
        return config_parse_bad_value(
            loader, key, value,
            "enabled, disabled, unset or "
            "the absolute path of a namespace to join");
    share->mode = modes[found];
    return 0;
}
