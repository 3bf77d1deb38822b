/* Unit tests of core/merge: every rule of the Russian-doll merge, each
 * with a parent/child pair that is allowed and one that violates it (the
 * message must name both nodes). Configurations are YAML text loaded with
 * config_load_buffer, as on disk. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <linux/capability.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/merge.h"

#define NODE_A "node 'a' (/n/a)"
#define NODE_B "node 'b' (/n/a/b)"
#define ANCESTOR_A "ancestor 'a' (/n/a)"

static const char *const node_paths[] = {"/n/a", "/n/a/b", "/n/a/b/c"};
static const char *const node_aliases[] = {"a", "b", "c"};
#define MAX_NODES 3

typedef struct fixture {
    arena_t *arena;
    node_t nodes[MAX_NODES];
    node_chain_t chain;
    merge_options_t options;
} fixture_t;

static int fixture_setup(void **state)
{
    fixture_t *f = calloc(1, sizeof *f);
    f->arena = arena_new();
    f->chain.nodes = f->nodes;
    *state = f;
    return 0;
}

static int fixture_teardown(void **state)
{
    fixture_t *f = *state;
    arena_free(f->arena);
    free(f);
    return 0;
}

static config_t *load(fixture_t *f, const char *file, const char *node_path,
                      bool admin, const char *header, const char *yaml)
{
    rp_error_t err;
    config_t *config;
    /* A body with its own headers section names its alias itself. */
    if (strncmp(yaml, "headers:", 8) == 0)
        header = "";
    char *text = arena_printf(f->arena, "%s%s", header, yaml);
    if (config_load_buffer(f->arena, file, text, strlen(text), node_path, admin,
                           &config, &err) < 0)
        fail_msg("fixture does not load: %s", err.message);
    return config;
}

/* main.yaml (NULL: none) then one YAML body per node, root-most first
 * (nodes /n/a 'a', /n/a/b 'b', /n/a/b/c 'c'). */
static void chain_of(fixture_t *f, const char *main_yaml, size_t count, ...)
{
    va_list args;
    va_start(args, count);
    f->chain.main = main_yaml ? load(f, "/etc/redpak/main.yaml", NULL, false,
                                     "", main_yaml)
                              : NULL;
    for (size_t i = 0; i < count; i++) {
        node_t *node = &f->nodes[i];
        node->path = node_paths[i];
        node->config_file = arena_printf(f->arena, "%s/etc/redpak.yaml",
                                         node->path);
        node->config = load(f, node->config_file, node->path, false,
                            arena_printf(f->arena, "headers:\n  alias: %s\n",
                                         node_aliases[i]),
                            va_arg(args, const char *));
    }
    f->chain.count = count;
    va_end(args);
}

static void admin_of(fixture_t *f, size_t index, const char *yaml)
{
    node_t *node = &f->nodes[index];
    node->admin_file = arena_printf(f->arena, "%s/etc/redpak-admin.yaml",
                                    node->path);
    node->admin = load(f, node->admin_file, node->path, true,
                       arena_printf(f->arena, "headers:\n  alias: %s\n",
                                    node_aliases[index]),
                       yaml);
    f->options.admin = true;
}

static config_t *merge_ok(fixture_t *f)
{
    rp_error_t err;
    config_t *merged = NULL;
    if (merge_chain(f->arena, &f->chain, &f->options, &merged, &err) != 0)
        fail_msg("merge failed: %s", err.message);
    return merged;
}

static const char *merge_fails(fixture_t *f)
{
    static rp_error_t err;
    config_t *merged = NULL;
    memset(&err, 0, sizeof err);
    assert_int_equal(merge_chain(f->arena, &f->chain, &f->options, &merged,
                                 &err), -1);
    return err.message;
}

/* The message starts at the child's file:line:column and names both. */
static void assert_violation(const char *message, const char *child_file,
                             const char *child, const char *what,
                             const char *ancestor_pos)
{
    if (strncmp(message, child_file, strlen(child_file)) != 0 ||
        !strstr(message, child) || !strstr(message, what) ||
        !strstr(message, ancestor_pos))
        fail_msg("unexpected message: %s", message);
}

#define FILE_A "/n/a/etc/redpak.yaml"
#define FILE_B "/n/a/b/etc/redpak.yaml:"

static const config_export_t *export_at(const config_t *merged,
                                        const char *mount)
{
    for (size_t i = 0; i < merged->export_count; i++)
        if (strcmp(merged->exports[i].mount, mount) == 0)
            return &merged->exports[i];
    return NULL;
}

static const config_environ_t *environ_at(const config_t *merged,
                                          const char *key)
{
    for (size_t i = 0; i < merged->environment_count; i++)
        if (strcmp(merged->environment[i].key, key) == 0)
            return &merged->environment[i];
    return NULL;
}

/* ---- exports ---- */

static void test_exports_accumulate(void **state)
{
    fixture_t *f = *state;
    chain_of(f, "exports:\n  - {mode: Tmpfs, mount: /tmp}\n", 2,
             "exports:\n"
             "  - {mode: Public, mount: /usr/a, path: /n/a/usr}\n"
             "  - {mode: Private, mount: /a/private, path: /n/a/p}\n"
             "  - {mode: PrivateRestricted, mount: /a/pr, path: /n/a/p}\n"
             "  - {mode: PrivateFile, mount: /a/pf, path: /n/a/f}\n",
             "exports:\n"
             "  - {mode: Restricted, mount: /usr/b, path: /n/a/b/usr}\n"
             "  - {mode: Private, mount: /b/private, path: /n/a/b/p}\n");
    config_t *merged = merge_ok(f);
    assert_int_equal(merged->export_count, 4);
    assert_string_equal(merged->exports[0].mount, "/tmp");
    assert_null(merged->exports[0].from->node_path);
    assert_int_equal(export_at(merged, "/usr/a")->mode, EXPORT_PUBLIC);
    assert_ptr_equal(export_at(merged, "/usr/a")->from, f->nodes[0].config);
    assert_ptr_equal(export_at(merged, "/usr/b")->from, f->nodes[1].config);
    assert_int_equal(export_at(merged, "/b/private")->mode, EXPORT_PRIVATE);
    assert_null(export_at(merged, "/a/private"));
    assert_null(export_at(merged, "/a/pr"));
    assert_null(export_at(merged, "/a/pf"));
    /* Running the parent itself keeps its private exports. */
    f->chain.count = 1;
    merged = merge_ok(f);
    assert_non_null(export_at(merged, "/a/private"));
}

static void test_exports_redefinition(void **state)
{
    fixture_t *f = *state;
    chain_of(f, NULL, 2, "exports:\n  - {mode: Restricted, mount: /usr}\n",
             "exports:\n  - {mode: Public, mount: /usr/}\n");
    assert_violation(merge_fails(f), FILE_B "4:5: ", NODE_B,
                     "cannot redefine mount /usr/", ANCESTOR_A " defines it at "
                     FILE_A ":4:5");
    /* An ancestor's private export does not reach the child: no clash. */
    chain_of(f, NULL, 2, "exports:\n  - {mode: Private, mount: /var}\n",
             "exports:\n  - {mode: Public, mount: /var}\n");
    assert_ptr_equal(export_at(merge_ok(f), "/var")->from, f->nodes[1].config);
    /* Defaults of main.yaml are replaced. */
    chain_of(f, "exports:\n  - {mode: Tmpfs, mount: /tmp}\n", 1,
             "exports:\n  - {mode: Anonymous, mount: /tmp}\n");
    config_t *merged = merge_ok(f);
    assert_int_equal(merged->export_count, 1);
    assert_int_equal(merged->exports[0].mode, EXPORT_ANONYMOUS);
}

static void test_exports_twice_in_one_node(void **state)
{
    fixture_t *f = *state;
    chain_of(f, NULL, 2, "",
             "exports:\n  - {mode: Public, mount: /x}\n"
             "  - {mode: Tmpfs, mount: //x}\n");
    const char *message = merge_fails(f);
    assert_violation(message, FILE_B "5:5: ", NODE_B,
                     "defines mount //x twice", "(first at " FILE_B "4:5)");
}

static void test_exports_admin_override(void **state)
{
    fixture_t *f = *state;
    chain_of(f, NULL, 2, "exports:\n  - {mode: Restricted, mount: /usr}\n",
             "exports:\n  - {mode: Restricted, mount: /var}\n");
    admin_of(f, 1, "exports:\n  - {mode: Public, mount: /usr}\n"
                   "  - {mode: Public, mount: /var}\n");
    config_t *merged = merge_ok(f);
    assert_int_equal(merged->export_count, 2);
    assert_int_equal(export_at(merged, "/usr")->mode, EXPORT_PUBLIC);
    assert_ptr_equal(export_at(merged, "/usr")->from, f->nodes[1].admin);
    assert_int_equal(export_at(merged, "/var")->mode, EXPORT_PUBLIC);
    /* Outside admin mode the admin file does not count. */
    f->options.admin = false;
    assert_int_equal(export_at(merge_ok(f), "/usr")->mode, EXPORT_RESTRICTED);
    /* An admin file cannot redefine an ancestor's admin entry. */
    admin_of(f, 0, "exports:\n  - {mode: Restricted, mount: /usr}\n");
    assert_violation(merge_fails(f), "/n/a/b/etc/redpak-admin.yaml:4:5: ",
                     NODE_B, "cannot redefine mount /usr",
                     ANCESTOR_A " defines it at /n/a/etc/redpak-admin.yaml:4:5");
}

/* ---- environ ---- */

static void test_environ(void **state)
{
    fixture_t *f = *state;
    chain_of(f, "environ:\n  - {mode: Static, key: MAIN, value: m}\n"
                "  - {mode: Static, key: X, value: main}\n", 2,
             "environ:\n  - {mode: Static, key: X, value: a}\n"
             "  - {mode: Static, key: Y, value: a}\n",
             "environ:\n  - {mode: Static, key: X, value: b}\n"
             "  - {mode: Remove, key: MAIN}\n");
    config_t *merged = merge_ok(f);
    assert_int_equal(merged->environment_count, 3);
    assert_string_equal(environ_at(merged, "X")->value, "b");
    assert_ptr_equal(environ_at(merged, "X")->from, f->nodes[1].config);
    assert_string_equal(environ_at(merged, "Y")->value, "a");
    assert_int_equal(environ_at(merged, "MAIN")->mode, ENVIRON_REMOVE);
    /* An admin definition beats normal ones, even a leaf-more one. */
    admin_of(f, 0, "environ:\n  - {mode: Static, key: X, value: admin}\n");
    assert_string_equal(environ_at(merge_ok(f), "X")->value, "admin");
}

/* ---- path, ldpath ---- */

static void test_path_lists(void **state)
{
    fixture_t *f = *state;
    chain_of(f, "config:\n  path: /usr/bin:/bin\n  ldpath: /usr/lib\n", 2,
             "config:\n  path: /a/bin:/usr/bin\n",
             "config:\n  path: /b/bin::/a/bin\n  ldpath: /b/lib\n");
    config_t *merged = merge_ok(f);
    assert_string_equal(merged->path.value, "/b/bin:/a/bin:/usr/bin:/bin");
    assert_ptr_equal(merged->path.from, f->nodes[1].config);
    assert_string_equal(merged->ldpath.value, "/b/lib:/usr/lib");
    chain_of(f, NULL, 1, "");
    assert_null(merge_ok(f)->path.value);
}

/* Unexpanded, one text may name two directories ($NODE_ALIAS differs per
 * node): both stay; the same directory stated twice stays once. */
static void test_path_lists_unexpanded(void **state)
{
    fixture_t *f = *state;
    chain_of(f, NULL, 2, "config:\n  path: /nodes/$NODE_ALIAS/bin:/n/a/x\n",
             "config:\n  path: /nodes/$NODE_ALIAS/bin:$NODE_PATH/x\n");
    config_t *merged = merge_ok(f);
    assert_string_equal(merged->path.value,
                        "/nodes/$NODE_ALIAS/bin:$NODE_PATH/x:"
                        "/nodes/$NODE_ALIAS/bin:/n/a/x");
    chain_of(f, NULL, 2, "config:\n  path: /nodes/$LEAF_ALIAS/bin\n",
             "config:\n  path: /nodes/b/bin\n");
    assert_string_equal(merge_ok(f)->path.value, "/nodes/b/bin");
}

/* ---- share_* ---- */

static void test_share_tightening(void **state)
{
    fixture_t *f = *state;
    chain_of(f, NULL, 2, "config:\n  share_net: disabled\n",
             "config:\n  share_net: enabled\n");
    assert_violation(merge_fails(f), FILE_B "4:14: ", NODE_B,
                     "cannot re-share net", ANCESTOR_A " disabled it at "
                     FILE_A ":4:14");
    chain_of(f, NULL, 2, "config:\n  share_net: disabled\n",
             "config:\n  share_net: disabled\n  share_ipc: enabled\n");
    config_t *merged = merge_ok(f);
    assert_int_equal(merged->share[SHARE_NET].mode, SHARE_DISABLED);
    assert_int_equal(merged->share[SHARE_IPC].mode, SHARE_ENABLED);
    assert_ptr_equal(merged->share[SHARE_IPC].from, f->nodes[1].config);
}

static void test_share_all(void **state)
{
    fixture_t *f = *state;
    /* share_all is the default of every other one, for the ancestor... */
    chain_of(f, NULL, 2, "config:\n  share_all: disabled\n",
             "config:\n  share_pid: enabled\n");
    assert_violation(merge_fails(f), FILE_B "4:14: ", NODE_B,
                     "cannot re-share pid", ANCESTOR_A " disabled it at "
                     FILE_A ":4:14");
    /* ...and for the child. */
    chain_of(f, NULL, 2, "config:\n  share_time: disabled\n",
             "config:\n  share_all: enabled\n");
    assert_violation(merge_fails(f), FILE_B "4:14: ", NODE_B,
                     "cannot re-share time", ANCESTOR_A);
    chain_of(f, NULL, 2, "config:\n  share_time: disabled\n",
             "config:\n  share_all: enabled\n  share_time: disabled\n");
    config_t *merged = merge_ok(f);
    assert_int_equal(merged->share[SHARE_TIME].mode, SHARE_DISABLED);
    assert_int_equal(merged->share[SHARE_USER].mode, SHARE_ENABLED);
}

static void test_share_defaults(void **state)
{
    fixture_t *f = *state;
    /* main.yaml gives defaults a node may loosen; nothing at all = new
     * namespaces. */
    chain_of(f, "config:\n  share_net: disabled\n  share_ipc: enabled\n", 1,
             "config:\n  share_net: enabled\n");
    config_t *merged = merge_ok(f);
    assert_int_equal(merged->share[SHARE_NET].mode, SHARE_ENABLED);
    assert_int_equal(merged->share[SHARE_IPC].mode, SHARE_ENABLED);
    assert_int_equal(merged->share[SHARE_PID].mode, SHARE_DISABLED);
    assert_int_equal(merged->share[SHARE_USER].mode, SHARE_DISABLED);
    assert_null(merged->share[SHARE_USER].from);
}

static void test_share_join(void **state)
{
    fixture_t *f = *state;
    chain_of(f, NULL, 3, "config:\n  share_net: /proc/1/ns/net\n",
             "config:\n  share_net: /proc/1/ns/net\n",
             "config:\n  share_net: disabled\n");
    assert_int_equal(merge_ok(f)->share[SHARE_NET].mode, SHARE_DISABLED);
    f->chain.count = 2;
    config_t *merged = merge_ok(f);
    assert_int_equal(merged->share[SHARE_NET].mode, SHARE_JOIN);
    assert_string_equal(merged->share[SHARE_NET].path, "/proc/1/ns/net");
    chain_of(f, NULL, 2, "config:\n  share_net: /proc/1/ns/net\n",
             "config:\n  share_net: /proc/2/ns/net\n");
    assert_violation(merge_fails(f), FILE_B "4:14: ", NODE_B,
                     "cannot re-share net", ANCESTOR_A " joins /proc/1/ns/net at "
                     FILE_A ":4:14");
    chain_of(f, NULL, 2, "config:\n  share_net: /proc/1/ns/net\n",
             "config:\n  share_net: enabled\n");
    assert_violation(merge_fails(f), FILE_B, NODE_B, "re-share net", ANCESTOR_A);
}

static void test_share_grandparent(void **state)
{
    fixture_t *f = *state;
    chain_of(f, NULL, 3, "config:\n  share_net: disabled\n", "",
             "config:\n  share_net: enabled\n");
    assert_violation(merge_fails(f), "/n/a/b/c/etc/redpak.yaml:4:14: ",
                     "node 'c' (/n/a/b/c)", "re-share net", ANCESTOR_A);
}

static void test_share_admin(void **state)
{
    fixture_t *f = *state;
    /* An admin file outranks normal files (package installation may need
     * the network) but is bound by ancestors' admin files. */
    chain_of(f, NULL, 2, "config:\n  share_net: disabled\n", "");
    admin_of(f, 1, "config:\n  share_net: enabled\n");
    assert_int_equal(merge_ok(f)->share[SHARE_NET].mode, SHARE_ENABLED);
    f->options.admin = false;
    assert_int_equal(merge_ok(f)->share[SHARE_NET].mode, SHARE_DISABLED);
    admin_of(f, 0, "config:\n  share_net: disabled\n");
    assert_violation(merge_fails(f), "/n/a/b/etc/redpak-admin.yaml:4:14: ",
                     NODE_B, "re-share net",
                     ANCESTOR_A " disabled it at /n/a/etc/redpak-admin.yaml");
}

/* ---- capabilities ---- */

#define CAP_BIT(cap) (UINT64_C(1) << (cap))

static void test_capabilities_added(void **state)
{
    fixture_t *f = *state;
    chain_of(f, "config:\n  capabilities:\n    - {cap: chown, add: 1}\n", 2,
             "config:\n  capabilities:\n    - {cap: NET_ADMIN, add: 0}\n"
             "    - {cap: kill, add: 1}\n",
             "config:\n  capabilities:\n    - {cap: net_bind_service, add: 1}\n"
             "    - {cap: chown, add: 0}\n");
    config_t *merged = merge_ok(f);
    assert_int_equal(merge_capability_mask(merged),
                     CAP_BIT(CAP_KILL) | CAP_BIT(CAP_NET_BIND_SERVICE));
    chain_of(f, NULL, 1, "");
    assert_int_equal(merge_capability_mask(merge_ok(f)), 0);
}

static void test_capabilities_dropped(void **state)
{
    fixture_t *f = *state;
    chain_of(f, NULL, 2,
             "config:\n  capabilities:\n    - {cap: NET_ADMIN, add: 0}\n",
             "config:\n  capabilities:\n    - {cap: chown, add: 1}\n"
             "    - {cap: net_admin, add: 1}\n");
    assert_violation(merge_fails(f), FILE_B "6:7: ", NODE_B,
                     "cannot add capability CAP_NET_ADMIN",
                     ANCESTOR_A " dropped CAP_NET_ADMIN at " FILE_A ":5:7");
    /* ALL, both ways. */
    chain_of(f, NULL, 2, "config:\n  capabilities:\n    - {cap: ALL, add: 0}\n",
             "config:\n  capabilities:\n    - {cap: chown, add: 1}\n");
    assert_violation(merge_fails(f), FILE_B "5:7: ", NODE_B,
                     "cannot add capability CAP_CHOWN",
                     ANCESTOR_A " dropped ALL at " FILE_A ":5:7");
    chain_of(f, NULL, 2, "config:\n  capabilities:\n    - {cap: kill, add: 0}\n",
             "config:\n  capabilities:\n    - {cap: all, add: 1}\n");
    assert_violation(merge_fails(f), FILE_B "5:7: ", NODE_B,
                     "cannot add capability ALL", ANCESTOR_A " dropped CAP_KILL");
}

static void test_capabilities_regranted(void **state)
{
    fixture_t *f = *state;
    /* A node's own drops bind its descendants, not itself; what it grants
     * back stays grantable below it. */
    chain_of(f, NULL, 2,
             "config:\n  capabilities:\n    - {cap: ALL, add: 0}\n"
             "    - {cap: chown, add: 1}\n",
             "config:\n  capabilities:\n    - {cap: chown, add: 1}\n");
    assert_int_equal(merge_capability_mask(merge_ok(f)), CAP_BIT(CAP_CHOWN));
    /* main.yaml's drops are defaults, not restrictions. */
    chain_of(f, "config:\n  capabilities:\n    - {cap: ALL, add: 0}\n", 1,
             "config:\n  capabilities:\n    - {cap: kill, add: 1}\n");
    assert_int_equal(merge_capability_mask(merge_ok(f)), CAP_BIT(CAP_KILL));
}

/* ---- rlimits ---- */

static void test_rlimits(void **state)
{
    fixture_t *f = *state;
    chain_of(f, "config:\n  rlimits:\n    nofile: 10\n", 2,
             "config:\n  rlimits:\n    nofile: 1024\n    core: unlimited\n",
             "config:\n  rlimits:\n    nofile: 512\n    core: 0\n");
    config_t *merged = merge_ok(f);
    assert_int_equal(merged->rlimits[CONFIG_RLIMIT_NOFILE].value, 512);
    assert_int_equal(merged->rlimits[CONFIG_RLIMIT_CORE].value, 0);
    assert_ptr_equal(merged->rlimits[CONFIG_RLIMIT_CORE].from, f->nodes[1].config);
    chain_of(f, NULL, 2, "config:\n  rlimits:\n    nofile: 1024\n",
             "config:\n  rlimits:\n    nofile: 2048\n");
    assert_violation(merge_fails(f), FILE_B "5:13: ", NODE_B,
                     "cannot raise rlimit nofile to 2048",
                     ANCESTOR_A " limits it to 1024 at " FILE_A ":5:13");
    chain_of(f, NULL, 2, "config:\n  rlimits:\n    nproc: 100\n",
             "config:\n  rlimits:\n    nproc: unlimited\n");
    assert_violation(merge_fails(f), FILE_B, NODE_B,
                     "cannot raise rlimit nproc to unlimited",
                     ANCESTOR_A " limits it to 100");
}

/* ---- gpgcheck ---- */

static void test_gpgcheck(void **state)
{
    fixture_t *f = *state;
    chain_of(f, NULL, 2, "config:\n  gpgcheck: true\n", "");
    assert_int_equal(merge_ok(f)->gpgcheck.value, TRISTATE_ENABLED);
    chain_of(f, NULL, 2, "config:\n  gpgcheck: false\n",
             "config:\n  gpgcheck: true\n");
    assert_int_equal(merge_ok(f)->gpgcheck.value, TRISTATE_ENABLED);
    chain_of(f, NULL, 3, "config:\n  gpgcheck: true\n",
             "config:\n  gpgcheck: true\n", "config:\n  gpgcheck: false\n");
    assert_violation(merge_fails(f), "/n/a/b/c/etc/redpak.yaml:4:13: ",
                     "node 'c' (/n/a/b/c)", "cannot turn gpgcheck off",
                     ANCESTOR_A " turned it on at " FILE_A ":4:13");
    chain_of(f, "config:\n  gpgcheck: true\n", 1, "config:\n  gpgcheck: false\n");
    assert_int_equal(merge_ok(f)->gpgcheck.value, TRISTATE_DISABLED);
    /* Admin files (package installation) are bound by normal files here. */
    chain_of(f, NULL, 2, "config:\n  gpgcheck: true\n", "");
    admin_of(f, 1, "config:\n  gpgcheck: false\n");
    assert_violation(merge_fails(f), "/n/a/b/etc/redpak-admin.yaml:4:13: ",
                     NODE_B, "cannot turn gpgcheck off",
                     ANCESTOR_A " turned it on at " FILE_A ":4:13");
    admin_of(f, 1, "config:\n  gpgcheck: true\n");
    assert_int_equal(merge_ok(f)->gpgcheck.value, TRISTATE_ENABLED);
}

/* ---- seccomp ---- */

static const config_seccomp_rule_t strict_rules[] = {
    {"ptrace", SECCOMP_ACTION_KILL, 0, {FILE_A, 9, 9}, NULL},
    {"mount", SECCOMP_ACTION_KILL, 0, {FILE_A, 10, 9}, NULL},
};
static const config_seccomp_rule_t loose_rules[] = {
    {"ptrace", SECCOMP_ACTION_ALLOW, 0, {"/n/a/b/etc/redpak.yaml", 9, 9}, NULL},
};

/* The loader's seccomp syntax is not settled: policies set by hand. */
static void seccomp_of(fixture_t *f, size_t index, seccomp_action_t action,
                       const config_seccomp_rule_t *rules, size_t count)
{
    config_t *config = f->nodes[index].config;
    config->seccomp = (config_seccomp_t){action, EPERM,
                                         (config_seccomp_rule_t *)rules, count,
                                         {config->file, 8, 3}, config};
}

/* Policies stack (one layer per node, core/seccomp.h): a child may
 * restrict more, never allow what an ancestor denies. */
static void test_seccomp(void **state)
{
    fixture_t *f = *state;
    chain_of(f, NULL, 2, "", "");
    seccomp_of(f, 0, SECCOMP_ACTION_ERRNO, strict_rules, 1);
    seccomp_of(f, 1, SECCOMP_ACTION_KILL, strict_rules, 2);
    config_t *merged = merge_ok(f);
    assert_int_equal(merged->seccomp.layer_count, 2);
    assert_ptr_equal(merged->seccomp.layers[0], &f->nodes[0].config->seccomp);
    assert_ptr_equal(merged->seccomp.layers[1], &f->nodes[1].config->seccomp);
    /* A looser default only concerns the child's own layer. */
    seccomp_of(f, 1, SECCOMP_ACTION_ALLOW, strict_rules, 2);
    assert_int_equal(merge_ok(f)->seccomp.layer_count, 2);
    /* A syscall allowed that the ancestor kills. */
    seccomp_of(f, 1, SECCOMP_ACTION_KILL, loose_rules, 1);
    assert_violation(merge_fails(f), FILE_B "9:9: ", NODE_B,
                     "cannot allow syscall ptrace",
                     ANCESTOR_A " denies it at " FILE_A ":9:9");
    /* ... or denies by its default. */
    seccomp_of(f, 0, SECCOMP_ACTION_ERRNO, NULL, 0);
    assert_violation(merge_fails(f), FILE_B "9:9: ", NODE_B,
                     "cannot allow syscall ptrace",
                     ANCESTOR_A " denies it at " FILE_A ":8:3");
    /* No policy below keeps the ancestor's alone. */
    f->nodes[1].config->seccomp = (config_seccomp_t){0};
    merged = merge_ok(f);
    assert_int_equal(merged->seccomp.layer_count, 1);
    assert_int_equal(merged->seccomp.layers[0]->default_action, SECCOMP_ACTION_ERRNO);
    /* main.yaml's policy is a default, dropped once a node sets one. */
    chain_of(f, "config:\n  seccomp:\n    deny: [bpf]\n", 2, "", "");
    merged = merge_ok(f);
    assert_int_equal(merged->seccomp.layer_count, 0);
    assert_string_equal(merged->seccomp.rules[0].syscall, "bpf");
    seccomp_of(f, 1, SECCOMP_ACTION_KILL, loose_rules, 1);
    merged = merge_ok(f);
    assert_int_equal(merged->seccomp.layer_count, 1);
    assert_ptr_equal(merged->seccomp.layers[0], &f->nodes[1].config->seccomp);
}

/* ---- other scalars, headers ---- */

static void test_scalars_and_headers(void **state)
{
    fixture_t *f = *state;
    chain_of(f, "config:\n  hostname: main\n  umask: 022\n  chdir: /\n", 2,
             "headers:\n  alias: a\n  info: parent\nconfig:\n  hostname: a\n"
             "  umask: 077\n  die-with-parent: enabled\n",
             "headers:\n  alias: b\n  name: the-b\nconfig:\n  chdir: /home\n");
    config_t *merged = merge_ok(f);
    assert_string_equal(merged->hostname.value, "a");
    assert_ptr_equal(merged->hostname.from, f->nodes[0].config);
    assert_string_equal(merged->chdir.value, "/home");
    assert_int_equal(merged->umask.value, 077);
    assert_int_equal(merged->die_with_parent.value, TRISTATE_ENABLED);
    assert_string_equal(merged->alias.value, "b");
    assert_string_equal(merged->name.value, "the-b");
    assert_null(merged->info.value);
    assert_string_equal(merged->node_path, "/n/a/b");
    /* An admin file outranks the normal files, a leaf-more one included. */
    admin_of(f, 0, "config:\n  chdir: /admin\n");
    assert_string_equal(merge_ok(f)->chdir.value, "/admin");
}

/* ---- expansion ---- */

static void test_expansion_per_node(void **state)
{
    fixture_t *f = *state;
    const char *exports =
        "exports:\n"
        "  - {mode: Restricted, mount: $NODE_PREFIX/$NODE_ALIAS/usr,"
        " path: $NODE_PATH/usr}\n";
    chain_of(f, "config:\n  hostname: $NODE_ALIAS-$LEAF_ALIAS\n", 2,
             arena_printf(f->arena, "%s%s", exports,
                          "environ:\n"
                          "  - {mode: Default, key: LEAF, value: $LEAF_PATH}\n"
                          "  - {mode: Static, key: S, value: $NODE_PATH}\n"
                          "  - {mode: Execfd, key: E, value: echo $NODE_PATH}\n"),
             exports);
    f->options.expand = true;
    config_t *merged = merge_ok(f);
    assert_string_equal(export_at(merged, "/nodes/a/usr")->path, "/n/a/usr");
    assert_string_equal(export_at(merged, "/nodes/b/usr")->path, "/n/a/b/usr");
    assert_string_equal(environ_at(merged, "LEAF")->value, "/n/a/b");
    assert_string_equal(environ_at(merged, "S")->value, "$NODE_PATH");
    assert_string_equal(environ_at(merged, "E")->value, "echo $NODE_PATH");
    assert_string_equal(merged->hostname.value, "b-b");
    /* The loaded configuration itself is left untouched. */
    assert_string_equal(f->nodes[0].config->exports[0].path, "$NODE_PATH/usr");
    /* Unexpanded, the entries stay verbatim, yet the two mounts are still
     * compared as mounted (per-node names substituted): no clash. */
    f->options.expand = false;
    merged = merge_ok(f);
    assert_int_equal(merged->export_count, 2);
    f->chain.count = 1;
    assert_non_null(export_at(merge_ok(f), "$NODE_PREFIX/$NODE_ALIAS/usr"));
}

static void test_expansion_clash_after_expanding(void **state)
{
    fixture_t *f = *state;
    chain_of(f, NULL, 2, "exports:\n  - {mode: Public, mount: /srv/$LEAF_ALIAS}\n",
             "exports:\n  - {mode: Public, mount: /srv/b}\n");
    f->options.expand = true;
    assert_violation(merge_fails(f), FILE_B "4:5: ", NODE_B,
                     "cannot redefine mount /srv/b", ANCESTOR_A);
}

static void test_expansion_error(void **state)
{
    fixture_t *f = *state;
    chain_of(f, NULL, 2, "", "config:\n  chdir: $(exit 4)\n");
    f->options.expand = true;
    const char *message = merge_fails(f);
    assert_non_null(strstr(message, FILE_B "4:10: "));
    assert_non_null(strstr(message, "command 'exit 4' failed (exit status 4)"));
}

int main(void)
{
    cmocka_set_message_output(CM_OUTPUT_TAP);
    const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, fixture_setup, fixture_teardown)
        T(test_exports_accumulate),
        T(test_exports_redefinition),
        T(test_exports_twice_in_one_node),
        T(test_exports_admin_override),
        T(test_environ),
        T(test_path_lists),
        T(test_path_lists_unexpanded),
        T(test_share_tightening),
        T(test_share_all),
        T(test_share_defaults),
        T(test_share_join),
        T(test_share_grandparent),
        T(test_share_admin),
        T(test_capabilities_added),
        T(test_capabilities_dropped),
        T(test_capabilities_regranted),
        T(test_rlimits),
        T(test_gpgcheck),
        T(test_seccomp),
        T(test_scalars_and_headers),
        T(test_expansion_per_node),
        T(test_expansion_clash_after_expanding),
        T(test_expansion_error),
#undef T
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
