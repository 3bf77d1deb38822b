/* Validators of cgroup v2 values, one per syntax family. Each parser
 * consumes from `*text` and reports success; the caller then demands the
 * end of the string, so trailing garbage is always an error. */
#include "cgroup_value.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#define CGROUP_CPU_ID_MAX 65535u        /* far above any real machine */
#define CGROUP_WEIGHT_MIN 1
#define CGROUP_WEIGHT_MAX 10000
#define CGROUP_PERIOD_MIN 1000u         /* kernel: 1 ms .. 1 s */
#define CGROUP_PERIOD_MAX 1000000u
#define CGROUP_QUOTA_MIN 1000u          /* kernel: at least 1 ms */

static bool parse_unsigned(const char **text, uint64_t *out)
{
    const char *p = *text;
    uint64_t value = 0;
    if (*p < '0' || *p > '9')
        return false;
    for (; *p >= '0' && *p <= '9'; p++) {
        unsigned digit = (unsigned)(*p - '0');
        if (value > (UINT64_MAX - digit) / 10)
            return false;
        value = value * 10 + digit;
    }
    *text = p;
    *out = value;
    return true;
}

static bool parse_word(const char **text, const char *word)
{
    size_t length = strlen(word);
    if (strncmp(*text, word, length) != 0)
        return false;
    *text += length;
    return true;
}

static bool parse_unsigned_in(const char **text, uint64_t min, uint64_t max)
{
    uint64_t value;
    return parse_unsigned(text, &value) && value >= min && value <= max;
}

/* "0-3,5,7-9": ascending ranges of ids. */
static bool check_id_list(const char *text)
{
    do {
        uint64_t first, last;
        if (!parse_unsigned(&text, &first) || first > CGROUP_CPU_ID_MAX)
            return false;
        last = first;
        if (*text == '-' && (text++, !parse_unsigned(&text, &last)))
            return false;
        if (last < first || last > CGROUP_CPU_ID_MAX)
            return false;
    } while (*text == ',' && ++text);
    return *text == '\0';
}

/* "max" or bytes with an optional K/M/G/T suffix (the kernel's memparse). */
static bool check_memory_size(const char *text)
{
    if (strcmp(text, "max") == 0)
        return true;
    uint64_t value;
    if (!parse_unsigned(&text, &value))
        return false;
    const char *suffixes = "KMGT";
    const char *suffix = *text ? strchr(suffixes, *text & ~0x20) : NULL;
    if (suffix) {
        unsigned shift = 10u * (unsigned)(suffix - suffixes + 1);
        if (value > (UINT64_MAX >> shift))
            return false;
        text++;
    }
    return *text == '\0';
}

/* "QUOTA [PERIOD]" or "max [PERIOD]", microseconds. */
static bool check_cpu_max(const char *text)
{
    if (!parse_word(&text, "max") &&
        !parse_unsigned_in(&text, CGROUP_QUOTA_MIN, UINT64_MAX / 2))
        return false;
    if (*text == ' ' && (text++, !parse_unsigned_in(&text, CGROUP_PERIOD_MIN,
                                                    CGROUP_PERIOD_MAX)))
        return false;
    return *text == '\0';
}

static bool parse_device(const char **text)
{
    uint64_t major, minor;
    return parse_unsigned(text, &major) && major <= UINT32_MAX &&
           parse_word(text, ":") && parse_unsigned(text, &minor) &&
           minor <= UINT32_MAX;
}

/* "WEIGHT", "default WEIGHT" or "MAJ:MIN WEIGHT". */
static bool check_io_weight(const char *text)
{
    const char *start = text;
    if (!parse_word(&text, "default ") &&
        !(parse_device(&text) && parse_word(&text, " ")))
        text = start;
    return parse_unsigned_in(&text, CGROUP_WEIGHT_MIN, CGROUP_WEIGHT_MAX) &&
           *text == '\0';
}

/* "MAJ:MIN KEY=VALUE..." with KEY rbps|wbps|riops|wiops, VALUE N|max. */
static bool check_io_max(const char *text)
{
    static const char *const keys[] = {"rbps=", "wbps=", "riops=", "wiops="};
    if (!parse_device(&text) || *text != ' ')
        return false;
    while (*text == ' ') {
        text++;
        bool known = false;
        for (size_t i = 0; i < sizeof keys / sizeof keys[0] && !known; i++)
            known = parse_word(&text, keys[i]);
        uint64_t value;
        if (!known || (!parse_word(&text, "max") &&
                       !parse_unsigned(&text, &value)))
            return false;
    }
    return *text == '\0';
}

static bool check_one_of(const char *text, const char *const *words)
{
    for (; *words; words++)
        if (strcmp(text, *words) == 0)
            return true;
    return false;
}

static bool check_number(const char *text, long long min, long long max)
{
    bool negative = *text == '-';
    uint64_t value;
    if (negative)
        text++;
    if (!parse_unsigned(&text, &value) || *text != '\0' || value > INT64_MAX)
        return false;
    long long number = negative ? -(long long)value : (long long)value;
    return number >= min && number <= max;
}

static bool check_pids_max(const char *text)
{
    return strcmp(text, "max") == 0 || check_number(text, 0, INT32_MAX);
}

int cgroup_value_check(cgroup_key_t key, const char *value,
                       const char **expected)
{
    static const char *const partitions[] = {"member", "root", "isolated", NULL};
    static const char *const booleans[] = {"0", "1", NULL};
    bool valid = false;
    switch (key) {
    case CGROUP_CPUSET_CPUS:
    case CGROUP_CPUSET_MEMS:
        *expected = "a list of ids and ranges such as 0-2,4";
        valid = check_id_list(value);
        break;
    case CGROUP_CPUSET_CPUS_PARTITION:
        *expected = "member, root or isolated";
        valid = check_one_of(value, partitions);
        break;
    case CGROUP_MEM_MIN: case CGROUP_MEM_LOW: case CGROUP_MEM_HIGH:
    case CGROUP_MEM_MAX: case CGROUP_MEM_SWAP_HIGH: case CGROUP_MEM_SWAP_MAX:
        *expected = "bytes with an optional K, M, G or T suffix, or max";
        valid = check_memory_size(value);
        break;
    case CGROUP_MEM_OOM_GROUP:
        *expected = "0 or 1";
        valid = check_one_of(value, booleans);
        break;
    case CGROUP_CPU_WEIGHT:
        *expected = "a weight from 1 to 10000";
        valid = check_number(value, CGROUP_WEIGHT_MIN, CGROUP_WEIGHT_MAX);
        break;
    case CGROUP_CPU_WEIGHT_NICE:
        *expected = "a nice value from -20 to 19";
        valid = check_number(value, -20, 19);
        break;
    case CGROUP_CPU_MAX:
        *expected = "'QUOTA PERIOD' or 'max PERIOD' in microseconds "
                    "(quota >= 1000, period 1000..1000000)";
        valid = check_cpu_max(value);
        break;
    case CGROUP_IO_WEIGHT:
        *expected = "a weight from 1 to 10000, optionally after 'default' "
                    "or MAJ:MIN";
        valid = check_io_weight(value);
        break;
    case CGROUP_IO_MAX:
        *expected = "'MAJ:MIN KEY=VALUE...' with rbps, wbps, riops, wiops "
                    "set to a number or max";
        valid = check_io_max(value);
        break;
    case CGROUP_PIDS_MAX:
        *expected = "a number of processes or max";
        valid = check_pids_max(value);
        break;
    case CGROUP_KEY_COUNT:
        break;
    }
    return valid ? 0 : -1;
}

int cgroup_value_validate(const config_string_t *value, cgroup_key_t key,
                          rp_error_t *err)
{
    const char *expected;
    if (!value->value || cgroup_value_check(key, value->value, &expected) == 0)
        return 0;
    return error_at(err, &value->pos, "invalid cgroups.%s.%s '%s': expected %s",
                    config_cgroup_keys[key].section, config_cgroup_keys[key].key,
                    value->value, expected);
}
