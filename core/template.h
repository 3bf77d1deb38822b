/* template: a node configuration file made from a template.
 *
 * A template is a YAML configuration whose headers hold the placeholders
 * "@NODE_ALIAS@", "@NODE_NAME@" and "@NODE_INFO@" (double-quoted). It is
 * named either by a path (anything holding a '/') or by a NAME, looked up
 * as SYSCONFDIR/redpak/templates.d/template-NAME.yaml, else built in
 * (config/template-NAME.yaml). The instance is validated by loading it
 * before the caller writes anything. */
#ifndef REDPAK_TEMPLATE_H
#define REDPAK_TEMPLATE_H

#include <stdbool.h>
#include <stddef.h>

#include "arena.h"
#include "config.h"
#include "log.h"

typedef struct template_values {
    const char *alias, *name, *info;
} template_values_t;

typedef struct template_instance {
    const char *source; /* the template file, or "<builtin:FILE>" */
    char *text;         /* the configuration to write */
    size_t length;
    config_t *config;   /* `text` loaded, for the node `node_path` */
} template_instance_t;

/* True when `spec` names a template that exists (file, installed or
 * built in). */
bool template_exists(arena_t *arena, const char *spec);

/* Reads template `spec`, substitutes `values` and loads the result as the
 * configuration (admin file when `admin`) of the node at `node_path`.
 * Errors name the template (FILE:LINE:COLUMN for YAML). */
int template_instantiate(arena_t *arena, const char *spec,
                         const template_values_t *values,
                         const char *node_path, bool admin,
                         template_instance_t *instance, rp_error_t *err);

/* Directories (relative to the node) that a configuration expects in its
 * node: the conventional etc/yum.repos.d and var/lib/rpm, and every
 * directory export whose source is under $NODE_PATH. Parents come before
 * their children. */
void template_directories(arena_t *arena, const config_t *config,
                          const char ***dirs, size_t *count);

#endif
