/* config: the typed form of one YAML configuration file (a node's
 * etc/redpak.yaml, its admin file, or main.yaml) and of the merged
 * configuration of a redpath, which has the same shape.
 *
 * Every value carries where it came from (`pos`, and `from`, the file it
 * was read in), so errors can name file:line:column and
 * `redmanager config --merged` can annotate each entry with its node.
 * All memory belongs to the arena the configuration was loaded into. */
#ifndef REDPAK_CONFIG_H
#define REDPAK_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "log.h"

struct config;

typedef struct config_string {
    const char *value; /* NULL when unset */
    source_pos_t pos;
    const struct config *from;
} config_string_t;

typedef struct config_number {
    bool set;
    long long value;
    source_pos_t pos;
    const struct config *from;
} config_number_t;

/* Enabled/Disabled/Unset tags and the booleans that have an unset state
 * (true = ENABLED). */
typedef enum { TRISTATE_UNSET = 0, TRISTATE_ENABLED, TRISTATE_DISABLED } tristate_t;

typedef struct config_flag {
    tristate_t value;
    source_pos_t pos;
    const struct config *from;
} config_flag_t;

/* share_*: share the host namespace, make a new one, or join one. */
typedef enum { SHARE_UNSET = 0, SHARE_ENABLED, SHARE_DISABLED, SHARE_JOIN } share_mode_t;
typedef enum {
    SHARE_ALL, SHARE_USER, SHARE_CGROUP, SHARE_NET, SHARE_PID, SHARE_IPC,
    SHARE_TIME, SHARE_COUNT
} share_kind_t;

typedef struct config_share {
    share_mode_t mode;
    const char *path; /* namespace file to join when mode == SHARE_JOIN */
    source_pos_t pos;
    const struct config *from;
} config_share_t;

typedef enum {
    EXPORT_PUBLIC, EXPORT_RESTRICTED, EXPORT_PRIVATE, EXPORT_PRIVATE_RESTRICTED,
    EXPORT_PUBLIC_FILE, EXPORT_RESTRICTED_FILE, EXPORT_PRIVATE_FILE,
    EXPORT_ANONYMOUS, EXPORT_TMPFS, EXPORT_PROCFS, EXPORT_DEVFS, EXPORT_MQUEUE,
    EXPORT_SYMLINK, EXPORT_EXECFD, EXPORT_INTERNAL, EXPORT_LOCK, EXPORT_MODE_COUNT
} export_mode_t;

typedef struct config_export {
    export_mode_t mode;
    const char *mount; /* path inside the container */
    const char *path;  /* source on the host (defaults to mount) */
    const char *info, *warn;
    source_pos_t pos;
    const struct config *from;
} config_export_t;

typedef enum {
    ENVIRON_DEFAULT, ENVIRON_STATIC, ENVIRON_EXECFD, ENVIRON_REMOVE,
    ENVIRON_INHERIT, ENVIRON_MODE_COUNT
} environ_mode_t;

typedef struct config_environ {
    environ_mode_t mode;
    const char *key, *value; /* value NULL for Remove/Inherit */
    const char *info, *warn;
    source_pos_t pos;
    const struct config *from;
} config_environ_t;

#define CAPABILITY_ALL (-1)
typedef struct config_capability {
    int cap;  /* CAP_* number or CAPABILITY_ALL */
    bool add;
    const char *info, *warn;
    source_pos_t pos;
    const struct config *from;
} config_capability_t;

typedef enum {
    CONFIG_RLIMIT_NOFILE, CONFIG_RLIMIT_NPROC, CONFIG_RLIMIT_CORE,
    CONFIG_RLIMIT_AS, CONFIG_RLIMIT_FSIZE, CONFIG_RLIMIT_STACK,
    CONFIG_RLIMIT_MEMLOCK, CONFIG_RLIMIT_CPU, CONFIG_RLIMIT_COUNT
} config_rlimit_kind_t;
#define CONFIG_RLIMIT_UNLIMITED UINT64_MAX

typedef struct config_rlimit {
    bool set;
    uint64_t value; /* CONFIG_RLIMIT_UNLIMITED for "unlimited" */
    source_pos_t pos;
    const struct config *from;
} config_rlimit_t;

/* cgroups.SECTION.KEY, in the kernel's cgroup v2 syntax. */
typedef enum {
    CGROUP_CPUSET_CPUS, CGROUP_CPUSET_MEMS, CGROUP_CPUSET_CPUS_PARTITION,
    CGROUP_MEM_MIN, CGROUP_MEM_LOW, CGROUP_MEM_HIGH, CGROUP_MEM_MAX,
    CGROUP_MEM_SWAP_HIGH, CGROUP_MEM_SWAP_MAX, CGROUP_MEM_OOM_GROUP,
    CGROUP_CPU_WEIGHT, CGROUP_CPU_WEIGHT_NICE, CGROUP_CPU_MAX,
    CGROUP_IO_WEIGHT, CGROUP_IO_MAX, CGROUP_PIDS_MAX, CGROUP_KEY_COUNT
} cgroup_key_t;

typedef struct config_cgroup_key {
    const char *section, *key; /* YAML spelling */
    const char *file;          /* kernel interface file */
} config_cgroup_key_t;
extern const config_cgroup_key_t config_cgroup_keys[CGROUP_KEY_COUNT];

typedef enum {
    SECCOMP_ACTION_UNSET = 0, SECCOMP_ACTION_ALLOW, SECCOMP_ACTION_ERRNO,
    SECCOMP_ACTION_KILL
} seccomp_action_t;

/* Optional condition of a deny entry on one syscall argument. */
typedef enum {
    SECCOMP_ARG_NONE = 0, SECCOMP_ARG_EQUAL, /* argN: VALUE */
    SECCOMP_ARG_HAS_BITS                     /* argN-has: FLAGS (all set) */
} seccomp_arg_op_t;

typedef struct config_seccomp_rule {
    const char *syscall;
    seccomp_action_t action; /* ALLOW for `allow`, ERRNO/KILL for `deny` */
    int errnum;              /* 0: the policy's errno */
    source_pos_t pos;
    const struct config *from;
    seccomp_arg_op_t arg_op;
    int arg_index;           /* 0-5 */
    uint64_t arg_value;
} config_seccomp_rule_t;

typedef struct config_seccomp {
    seccomp_action_t default_action;
    int default_errnum; /* errno of errno actions; 0 means EPERM */
    config_seccomp_rule_t *rules;
    size_t rule_count;
    source_pos_t pos;
    const struct config *from;
    /* Merged configuration only: the policy of each node that sets one,
     * root-most first; they stack (core/seccomp.h). */
    const struct config_seccomp **layers;
    size_t layer_count;
} config_seccomp_t;

typedef struct config {
    const char *file;      /* the YAML file (or "<builtin:NAME>") */
    const char *node_path; /* the node directory; NULL for main.yaml */
    bool admin;            /* read from an admin file */

    config_string_t alias, name, info; /* headers */

    config_string_t path, ldpath, hostname, chdir, set_user, set_group;
    config_string_t cgrouproot, rpmdir, persistdir, cachedir;
    config_number_t umask, verbose;
    config_share_t share[SHARE_COUNT];
    config_flag_t die_with_parent, new_session;
    config_flag_t inherit_env, map_root_user, gpgcheck;
    config_string_t cgroups[CGROUP_KEY_COUNT];
    config_rlimit_t rlimits[CONFIG_RLIMIT_COUNT];
    config_seccomp_t seccomp;

    config_capability_t *capabilities;
    size_t capability_count;
    config_environ_t *environment;
    size_t environment_count;
    config_export_t *exports;
    size_t export_count;
} config_t;

/* Names as written in YAML (canonical capitalisation), for printing. */
extern const char *const config_share_names[SHARE_COUNT];    /* "share_all"... */
extern const char *const config_export_mode_names[EXPORT_MODE_COUNT];
extern const char *const config_environ_mode_names[ENVIRON_MODE_COUNT];
extern const char *const config_rlimit_names[CONFIG_RLIMIT_COUNT];
/* Case-insensitive lookup in one of the tables above; -1 if absent. */
int config_name_lookup(const char *const *table, int count, const char *name);

/* Capability names without the CAP_ prefix, lower or upper case. */
int capability_from_name(const char *name); /* -1 if unknown */
const char *capability_name(int cap);       /* "CAP_NET_ADMIN", "ALL" */
int capability_last(void);                  /* highest known number */

/* Parse one YAML file (strict schema, SPEC §4) into a new config_t in
 * `arena`. `node_path` is the node it belongs to (NULL for main.yaml).
 * Errors are "FILE:LINE:COLUMN: message". */
int config_load_file(arena_t *arena, const char *file, const char *node_path,
                     bool admin, config_t **out, rp_error_t *err);
/* Same from memory: `name` is used in messages and as config->file. */
int config_load_buffer(arena_t *arena, const char *name, const char *data,
                       size_t length, const char *node_path, bool admin,
                       config_t **out, rp_error_t *err);

#endif
