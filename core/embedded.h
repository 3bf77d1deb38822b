/* embedded: the default configuration files compiled into the binary
 * (the YAML files of config/, generated into build/gen/embedded.c). */
#ifndef REDPAK_EMBEDDED_H
#define REDPAK_EMBEDDED_H

#include <stddef.h>

typedef struct embedded_file {
    const char *name;          /* base name, e.g. "main.yaml" */
    const unsigned char *data; /* NUL-terminated */
    size_t size;               /* without the terminating NUL */
} embedded_file_t;

extern const embedded_file_t embedded_files[];
extern const size_t embedded_file_count;

const embedded_file_t *embedded_find(const char *name);

#endif
