/* Chunked bump allocator. Big requests get a chunk of their own so the
 * common small allocations never waste more than one chunk tail. */
#include "arena.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"

#define ARENA_CHUNK_SIZE 8192
#define ARENA_ALIGN _Alignof(max_align_t)

struct arena_chunk {
    struct arena_chunk *next;
    size_t size, used;
    _Alignas(max_align_t) unsigned char data[];
};

struct arena {
    struct arena_chunk *head;
    size_t total;
};

static struct arena_chunk *arena_chunk_new(size_t size)
{
    struct arena_chunk *chunk = malloc(sizeof *chunk + size);
    if (!chunk)
        fatal(EXIT_SETUP, "out of memory");
    chunk->next = NULL;
    chunk->size = size;
    chunk->used = 0;
    return chunk;
}

arena_t *arena_new(void)
{
    arena_t *arena = calloc(1, sizeof *arena);
    if (!arena)
        fatal(EXIT_SETUP, "out of memory");
    return arena;
}

void arena_free(arena_t *arena)
{
    if (!arena)
        return;
    for (struct arena_chunk *chunk = arena->head, *next; chunk; chunk = next) {
        next = chunk->next;
        free(chunk);
    }
    free(arena);
}

void *arena_alloc(arena_t *arena, size_t size)
{
    if (size > SIZE_MAX - ARENA_CHUNK_SIZE)
        fatal(EXIT_SETUP, "out of memory");
    size_t rounded = (size + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
    struct arena_chunk *chunk = arena->head;
    if (!chunk || chunk->size - chunk->used < rounded) {
        if (rounded > ARENA_CHUNK_SIZE / 4) {
            /* A private chunk, linked behind the current one. */
            struct arena_chunk *big = arena_chunk_new(rounded);
            big->used = rounded;
            if (chunk) {
                big->next = chunk->next;
                chunk->next = big;
            } else {
                arena->head = big;
            }
            arena->total += rounded;
            memset(big->data, 0, rounded);
            return big->data;
        }
        chunk = arena_chunk_new(ARENA_CHUNK_SIZE);
        chunk->next = arena->head;
        arena->head = chunk;
    }
    void *block = chunk->data + chunk->used;
    chunk->used += rounded;
    arena->total += rounded;
    memset(block, 0, rounded);
    return block;
}

void *arena_grow(arena_t *arena, void *old, size_t old_size, size_t new_size)
{
    void *block = arena_alloc(arena, new_size);
    if (old && old_size)
        memcpy(block, old, old_size < new_size ? old_size : new_size);
    return block;
}

void *arena_reserve(arena_t *arena, void *items, size_t count,
                    size_t *capacity, size_t size)
{
    if (count < *capacity)
        return items;
    size_t larger = *capacity ? 2 * *capacity : 16;
    items = arena_grow(arena, items, *capacity * size, larger * size);
    *capacity = larger;
    return items;
}

char *arena_strndup(arena_t *arena, const char *text, size_t length)
{
    char *copy = arena_alloc(arena, length + 1);
    memcpy(copy, text, length);
    copy[length] = '\0';
    return copy;
}

char *arena_strdup(arena_t *arena, const char *text)
{
    return text ? arena_strndup(arena, text, strlen(text)) : NULL;
}

char *arena_vprintf(arena_t *arena, const char *format, va_list args)
{
    va_list copy;
    va_copy(copy, args);
    int length = vsnprintf(NULL, 0, format, copy);
    va_end(copy);
    if (length < 0)
        fatal(EXIT_SETUP, "cannot format string");
    char *text = arena_alloc(arena, (size_t)length + 1);
    vsnprintf(text, (size_t)length + 1, format, args);
    return text;
}

char *arena_printf(arena_t *arena, const char *format, ...)
{
    va_list args;
    va_start(args, format);
    char *text = arena_vprintf(arena, format, args);
    va_end(args);
    return text;
}

size_t arena_used(const arena_t *arena)
{
    return arena->total;
}
