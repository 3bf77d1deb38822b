/* config: the name tables of the configuration model and the capability
 * names (the loader is core/config_load.c). */
#include "config.h"

#include <linux/capability.h>
#include <strings.h>

const char *const config_share_names[SHARE_COUNT] = {
    [SHARE_ALL] = "share_all",       [SHARE_USER] = "share_user",
    [SHARE_CGROUP] = "share_cgroup", [SHARE_NET] = "share_net",
    [SHARE_PID] = "share_pid",       [SHARE_IPC] = "share_ipc",
    [SHARE_TIME] = "share_time",
};

const char *const config_export_mode_names[EXPORT_MODE_COUNT] = {
    [EXPORT_PUBLIC] = "Public",
    [EXPORT_RESTRICTED] = "Restricted",
    [EXPORT_PRIVATE] = "Private",
    [EXPORT_PRIVATE_RESTRICTED] = "PrivateRestricted",
    [EXPORT_PUBLIC_FILE] = "PublicFile",
    [EXPORT_RESTRICTED_FILE] = "RestrictedFile",
    [EXPORT_PRIVATE_FILE] = "PrivateFile",
    [EXPORT_ANONYMOUS] = "Anonymous",
    [EXPORT_TMPFS] = "Tmpfs",
    [EXPORT_PROCFS] = "Procfs",
    [EXPORT_DEVFS] = "Devfs",
    [EXPORT_MQUEUE] = "Mqueue",
    [EXPORT_SYMLINK] = "Symlink",
    [EXPORT_EXECFD] = "Execfd",
    [EXPORT_INTERNAL] = "Internal",
    [EXPORT_LOCK] = "Lock",
};

const char *const config_environ_mode_names[ENVIRON_MODE_COUNT] = {
    [ENVIRON_DEFAULT] = "Default", [ENVIRON_STATIC] = "Static",
    [ENVIRON_EXECFD] = "Execfd",   [ENVIRON_REMOVE] = "Remove",
    [ENVIRON_INHERIT] = "Inherit",
};

const char *const config_rlimit_names[CONFIG_RLIMIT_COUNT] = {
    [CONFIG_RLIMIT_NOFILE] = "nofile", [CONFIG_RLIMIT_NPROC] = "nproc",
    [CONFIG_RLIMIT_CORE] = "core",     [CONFIG_RLIMIT_AS] = "as",
    [CONFIG_RLIMIT_FSIZE] = "fsize",   [CONFIG_RLIMIT_STACK] = "stack",
    [CONFIG_RLIMIT_MEMLOCK] = "memlock", [CONFIG_RLIMIT_CPU] = "cpu",
};

const config_cgroup_key_t config_cgroup_keys[CGROUP_KEY_COUNT] = {
    [CGROUP_CPUSET_CPUS] = {"cpuset", "cpus", "cpuset.cpus"},
    [CGROUP_CPUSET_MEMS] = {"cpuset", "mems", "cpuset.mems"},
    [CGROUP_CPUSET_CPUS_PARTITION] = {"cpuset", "cpus_partition",
                                      "cpuset.cpus.partition"},
    [CGROUP_MEM_MIN] = {"mem", "min", "memory.min"},
    [CGROUP_MEM_LOW] = {"mem", "low", "memory.low"},
    [CGROUP_MEM_HIGH] = {"mem", "high", "memory.high"},
    [CGROUP_MEM_MAX] = {"mem", "max", "memory.max"},
    [CGROUP_MEM_SWAP_HIGH] = {"mem", "swap_high", "memory.swap.high"},
    [CGROUP_MEM_SWAP_MAX] = {"mem", "swap_max", "memory.swap.max"},
    [CGROUP_MEM_OOM_GROUP] = {"mem", "oom_group", "memory.oom.group"},
    [CGROUP_CPU_WEIGHT] = {"cpu", "weight", "cpu.weight"},
    [CGROUP_CPU_WEIGHT_NICE] = {"cpu", "weight_nice", "cpu.weight.nice"},
    [CGROUP_CPU_MAX] = {"cpu", "max", "cpu.max"},
    [CGROUP_IO_WEIGHT] = {"io", "weight", "io.weight"},
    [CGROUP_IO_MAX] = {"io", "max", "io.max"},
    [CGROUP_PIDS_MAX] = {"pids", "max", "pids.max"},
};

int config_name_lookup(const char *const *table, int count, const char *name)
{
    for (int i = 0; i < count; i++)
        if (table[i] && !strcasecmp(table[i], name))
            return i;
    return -1;
}

#define CAPABILITY(name) [name] = #name
/* Indexed by number up to the kernel headers' CAP_LAST_CAP; capabilities
 * newer than the oldest headers we build with are guarded. */
static const char *const capability_names[CAP_LAST_CAP + 1] = {
    CAPABILITY(CAP_CHOWN), CAPABILITY(CAP_DAC_OVERRIDE),
    CAPABILITY(CAP_DAC_READ_SEARCH), CAPABILITY(CAP_FOWNER),
    CAPABILITY(CAP_FSETID), CAPABILITY(CAP_KILL), CAPABILITY(CAP_SETGID),
    CAPABILITY(CAP_SETUID), CAPABILITY(CAP_SETPCAP),
    CAPABILITY(CAP_LINUX_IMMUTABLE), CAPABILITY(CAP_NET_BIND_SERVICE),
    CAPABILITY(CAP_NET_BROADCAST), CAPABILITY(CAP_NET_ADMIN),
    CAPABILITY(CAP_NET_RAW), CAPABILITY(CAP_IPC_LOCK),
    CAPABILITY(CAP_IPC_OWNER), CAPABILITY(CAP_SYS_MODULE),
    CAPABILITY(CAP_SYS_RAWIO), CAPABILITY(CAP_SYS_CHROOT),
    CAPABILITY(CAP_SYS_PTRACE), CAPABILITY(CAP_SYS_PACCT),
    CAPABILITY(CAP_SYS_ADMIN), CAPABILITY(CAP_SYS_BOOT),
    CAPABILITY(CAP_SYS_NICE), CAPABILITY(CAP_SYS_RESOURCE),
    CAPABILITY(CAP_SYS_TIME), CAPABILITY(CAP_SYS_TTY_CONFIG),
    CAPABILITY(CAP_MKNOD), CAPABILITY(CAP_LEASE),
    CAPABILITY(CAP_AUDIT_WRITE), CAPABILITY(CAP_AUDIT_CONTROL),
    CAPABILITY(CAP_SETFCAP), CAPABILITY(CAP_MAC_OVERRIDE),
    CAPABILITY(CAP_MAC_ADMIN), CAPABILITY(CAP_SYSLOG),
    CAPABILITY(CAP_WAKE_ALARM), CAPABILITY(CAP_BLOCK_SUSPEND),
    CAPABILITY(CAP_AUDIT_READ),
#ifdef CAP_PERFMON
    CAPABILITY(CAP_PERFMON),
#endif
#ifdef CAP_BPF
    CAPABILITY(CAP_BPF),
#endif
#ifdef CAP_CHECKPOINT_RESTORE
    CAPABILITY(CAP_CHECKPOINT_RESTORE),
#endif
};

int capability_from_name(const char *name)
{
    if (!strncasecmp(name, "CAP_", 4))
        name += 4;
    for (int cap = 0; cap <= CAP_LAST_CAP; cap++)
        if (capability_names[cap] &&
            !strcasecmp(capability_names[cap] + 4, name))
            return cap;
    return -1;
}

const char *capability_name(int cap)
{
    if (cap == CAPABILITY_ALL)
        return "ALL";
    if (cap < 0 || cap > CAP_LAST_CAP)
        return NULL;
    return capability_names[cap];
}

int capability_last(void)
{
    return CAP_LAST_CAP;
}
