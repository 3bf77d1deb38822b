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

/* The same for a configuration value (NULL, unset, is valid): the error
 * is "FILE:LINE:COLUMN: invalid cgroups.SECTION.KEY 'VALUE': expected
 * FORM". The loader and the cgroup plan both check with it. */
int cgroup_value_validate(const config_string_t *value, cgroup_key_t key,
                          rp_error_t *err);

#endif
