/* config_print: a config_t written back as YAML (the schema of SPEC §4,
 * loadable again) or as JSON, optionally with the provenance of every
 * entry: `# from ALIAS (FILE:LINE)` in YAML, a "from" object in JSON.
 * Used by `redmanager config` and `redwrap --dump-only`. */
#ifndef REDPAK_CONFIG_PRINT_H
#define REDPAK_CONFIG_PRINT_H

#include <stdbool.h>
#include <stdio.h>

#include "config.h"

typedef enum { CONFIG_PRINT_YAML, CONFIG_PRINT_JSON } config_print_format_t;

typedef struct config_print_options {
    config_print_format_t format;
    /* Annotate each entry with the node and file:line that defined it
     * (for merged configurations). In JSON a scalar then becomes
     * {"value": V, "from": {...}} and a list entry gets a "from" member. */
    bool provenance;
} config_print_options_t;

void config_print(FILE *out, const config_t *config,
                  const config_print_options_t *options);

/* The name provenance uses for the node a file belongs to: its alias,
 * "main" for main.yaml. */
const char *config_origin_name(const config_t *from);

/* Write `text` as a JSON string (quotes included) or, in YAML, as a plain
 * scalar when that reads back unchanged, else double-quoted. */
void config_print_json_string(FILE *out, const char *text);
void config_print_yaml_scalar(FILE *out, const char *text);
/* The inside of a YAML double-quoted scalar: escapes quotes, backslashes
 * and control characters, so `text` can neither end the string nor the
 * line. */
void config_print_yaml_escaped(FILE *out, const char *text);
/* The same between double quotes: a scalar that reads back as `text`. */
void config_print_yaml_quoted(FILE *out, const char *text);

#endif
