/* cgroup_value: syntax checks of cgroup v2 values (config.cgroups.*),
 * done before anything is written so a bad value changes nothing. The
 * accepted forms are those of the kernel's interface files
 * (Documentation/admin-guide/cgroup-v2.rst), a little stricter where the
 * kernel is lax (no hex, no surrounding blanks). */
#ifndef REDPAK_CGROUP_VALUE_H
#define REDPAK_CGROUP_VALUE_H

#include "config.h"

/* 0 when `value` is valid for `key`; otherwise -1 and `*expected` names
 * the accepted form (for "invalid VALUE: expected ..." messages). */
int cgroup_value_check(cgroup_key_t key, const char *value,
                       const char **expected);

#endif
