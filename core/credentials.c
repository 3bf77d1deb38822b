#include "credentials.h"

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdint.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef PR_CAP_AMBIENT
#define PR_CAP_AMBIENT 47
#define PR_CAP_AMBIENT_RAISE 2
#define PR_CAP_AMBIENT_CLEAR_ALL 4
#endif

static const int credentials_rlimit_resources[CONFIG_RLIMIT_COUNT] = {
    RLIMIT_NOFILE, RLIMIT_NPROC, RLIMIT_CORE, RLIMIT_AS, RLIMIT_FSIZE,
    RLIMIT_STACK, RLIMIT_MEMLOCK, RLIMIT_CPU,
};

struct credentials_cap_header {
    uint32_t version;
    int pid;
};
struct credentials_cap_data {
    uint32_t effective, permitted, inheritable;
};
#define CREDENTIALS_CAP_VERSION_3 0x20080522

static int credentials_capset(uint64_t effective, uint64_t permitted,
                              uint64_t inheritable)
{
    struct credentials_cap_header header = {CREDENTIALS_CAP_VERSION_3, 0};
    struct credentials_cap_data data[2] = {
        {(uint32_t)effective, (uint32_t)permitted, (uint32_t)inheritable},
        {(uint32_t)(effective >> 32), (uint32_t)(permitted >> 32),
         (uint32_t)(inheritable >> 32)},
    };
    return (int)syscall(SYS_capset, &header, data);
}

static uint64_t credentials_permitted(void)
{
    struct credentials_cap_header header = {CREDENTIALS_CAP_VERSION_3, 0};
    struct credentials_cap_data data[2];
    if (syscall(SYS_capget, &header, data) < 0)
        return 0;
    return data[0].permitted | (uint64_t)data[1].permitted << 32;
}

/* Bounding, permitted, effective, inheritable and ambient sets all become
 * exactly `mask` (what the old permitted set allowed of it). */
static int credentials_capabilities(uint64_t mask, rp_error_t *err)
{
    uint64_t permitted = credentials_permitted();
    mask &= permitted;
    if (credentials_capset(permitted, permitted, 0) < 0)
        return error_set_errno(err, errno, "cannot set capabilities");
    /* one call per capability: EINVAL past the kernel's last one ends the
       loop (every capability of `mask` is a valid one) */
    for (int cap = 0; cap < 64; cap++)
        if (!(mask & (UINT64_C(1) << cap)) && prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0) {
            if (errno == EINVAL)
                break;
            return error_set_errno(err, errno, "cannot drop capability %d", cap);
        }
    if (credentials_capset(mask, mask, mask) < 0)
        return error_set_errno(err, errno, "cannot set capabilities");
    if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
        return error_set_errno(err, errno, "cannot clear ambient capabilities");
    for (int cap = 0; cap < 64; cap++)
        if ((mask & (UINT64_C(1) << cap)) &&
            prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, cap, 0, 0) < 0)
            return error_set_errno(err, errno, "cannot raise ambient capability %d", cap);
    return 0;
}

/* Where setgroups() is denied (an unprivileged user namespace, made or
 * joined) the caller's own groups stay: nothing to gain from them. */
static int credentials_identity(const plan_t *plan, uid_t uid, gid_t gid,
                                rp_error_t *err)
{
    bool may_be_denied = plan->deny_setgroups ||
                         plan->namespaces[PLAN_NS_USER].action == PLAN_NS_JOIN;
    if (plan->drop_groups && setgroups(0, NULL) < 0 &&
        !(errno == EPERM && may_be_denied))
        return error_set_errno(err, errno, "cannot drop supplementary groups");
    if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
        return error_set_errno(err, errno, "cannot keep capabilities");
    if (setresgid(gid, gid, gid) < 0)
        return error_set_errno(err, errno, "cannot set group %u", (unsigned)gid);
    if (setresuid(uid, uid, uid) < 0)
        return error_set_errno(err, errno, "cannot set user %u", (unsigned)uid);
    return 0;
}

static int credentials_limits(const plan_t *plan, rp_error_t *err)
{
    for (int k = 0; k < CONFIG_RLIMIT_COUNT; k++) {
        if (!plan->rlimits[k].set)
            continue;
        rlim_t value = plan->rlimits[k].value == CONFIG_RLIMIT_UNLIMITED
                           ? RLIM_INFINITY : (rlim_t)plan->rlimits[k].value;
        struct rlimit limit = {value, value};
        if (setrlimit(credentials_rlimit_resources[k], &limit) < 0)
            return error_set_errno(err, errno, "cannot set rlimit %s",
                                   config_rlimit_names[k]);
    }
    if (plan->umask_set)
        umask(plan->umask);
    if (chdir(plan->chdir) < 0)
        return error_set_errno(err, errno, "cannot chdir to %s", plan->chdir);
    return 0;
}

int credentials_apply(const plan_t *plan, uid_t uid, gid_t gid, rp_error_t *err)
{
    if (credentials_identity(plan, uid, gid, err) < 0 || credentials_limits(plan, err) < 0)
        return -1;
    return credentials_capabilities(plan->capabilities, err);
}

int credentials_resolve_id(const char *name, bool group, unsigned long *id)
{
    if (group) {
        struct group *entry = getgrnam(name);
        if (entry)
            *id = entry->gr_gid;
        return entry ? 0 : -1;
    }
    struct passwd *entry = getpwnam(name);
    if (entry)
        *id = entry->pw_uid;
    return entry ? 0 : -1;
}
