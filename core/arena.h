/* arena: one allocation region that owns everything a configuration load
 * produces; released at once with arena_free(). Allocation never fails
 * silently: on exhaustion of memory the process exits (EXIT_SETUP). */
#ifndef REDPAK_ARENA_H
#define REDPAK_ARENA_H

#include <stdarg.h>
#include <stddef.h>

typedef struct arena arena_t;

arena_t *arena_new(void);
void arena_free(arena_t *arena);

/* Zero-filled, aligned for any type. */
void *arena_alloc(arena_t *arena, size_t size);
/* Grow a block previously returned by arena_alloc (old content copied). */
void *arena_grow(arena_t *arena, void *old, size_t old_size, size_t new_size);
/* Room for one more item in an arena array holding `count` items of
 * `size` bytes: the array (moved when it had to grow; `*capacity`
 * doubles). */
void *arena_reserve(arena_t *arena, void *items, size_t count,
                    size_t *capacity, size_t size);
char *arena_strdup(arena_t *arena, const char *text);
char *arena_strndup(arena_t *arena, const char *text, size_t length);
char *arena_printf(arena_t *arena, const char *format, ...)
    __attribute__((format(printf, 2, 3)));
char *arena_vprintf(arena_t *arena, const char *format, va_list args);

/* Bytes handed out so far (for tests and footprint reports). */
size_t arena_used(const arena_t *arena);

#endif
