/* qsort of the static (musl) binary; the sanitizer build keeps glibc's.
 *
 * musl's qsort is a smoothsort that moves elements through memcpy in
 * pieces; librpm sorts the index of every header it loads (~40 entries of
 * 32 bytes, often already in order) three times: `redrpm -qa` over 1000
 * packages made 380000 memcpy calls there. Small arrays get an insertion
 * sort (one comparison per element when in order), the rest musl's own
 * through qsort_r. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define QSORT_INSERTION_MAX 128
#define QSORT_WIDTH_MAX 64

typedef int (*qsort_cmp_t)(const void *, const void *);

void qsort(void *base, size_t count, size_t width, qsort_cmp_t cmp);

static int qsort_call(const void *a, const void *b, void *cmp)
{
    return ((qsort_cmp_t)cmp)(a, b);
}

/* One element, a word at a time: musl's memcpy and memmove (rep movs,
 * backwards for an overlap) cost more to start than 32 bytes take. */
static void qsort_copy(char *to, const char *from, size_t width)
{
    size_t i = 0;
    for (; i + sizeof(uint64_t) <= width; i += sizeof(uint64_t)) {
        uint64_t word;
        memcpy(&word, from + i, sizeof word);
        memcpy(to + i, &word, sizeof word);
    }
    for (; i < width; i++)
        to[i] = from[i];
}

static void qsort_insertion(char *base, size_t count, size_t width, qsort_cmp_t cmp)
{
    char item[QSORT_WIDTH_MAX];
    for (size_t i = 1; i < count; i++) {
        char *current = base + i * width;
        size_t j = i;
        while (j > 0 && cmp(base + (j - 1) * width, current) > 0)
            j--;
        if (j == i)
            continue;
        qsort_copy(item, current, width);
        for (size_t k = i; k > j; k--)
            qsort_copy(base + k * width, base + (k - 1) * width, width);
        qsort_copy(base + j * width, item, width);
    }
}

void qsort(void *base, size_t count, size_t width, qsort_cmp_t cmp)
{
    if (count <= QSORT_INSERTION_MAX && width <= QSORT_WIDTH_MAX)
        qsort_insertion(base, count, width, cmp);
    else
        qsort_r(base, count, width, qsort_call, (void *)cmp);
}
