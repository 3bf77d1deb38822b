/* Unit tests of core/node: redpath canonical form, chain discovery on a
 * real directory tree, status files, children, main.yaml. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/node.h"

typedef struct fixture {
    arena_t *arena;
    char root[64];
} fixture_t;

static int remove_entry(const char *path, const struct stat *info, int flag,
                        struct FTW *ftw)
{
    (void)info, (void)flag, (void)ftw;
    return remove(path);
}

static int fixture_setup(void **state)
{
    fixture_t *f = calloc(1, sizeof *f);
    f->arena = arena_new();
    strcpy(f->root, "/tmp/test_node.XXXXXX");
    assert_non_null(mkdtemp(f->root));
    unsetenv("REDPAK_MAIN");
    *state = f;
    return 0;
}

static int fixture_teardown(void **state)
{
    fixture_t *f = *state;
    nftw(f->root, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
    arena_free(f->arena);
    free(f);
    return 0;
}

static char *path_in(fixture_t *f, const char *relative)
{
    return arena_printf(f->arena, "%s/%s", f->root, relative);
}

static void write_file(fixture_t *f, const char *relative, const char *text)
{
    char *path = path_in(f, relative);
    for (char *slash = strchr(path + 1, '/'); slash; slash = strchr(slash + 1, '/')) {
        *slash = '\0';
        mkdir(path, 0755);
        *slash = '/';
    }
    FILE *out = fopen(path, "w");
    assert_non_null(out);
    fputs(text, out);
    fclose(out);
}

/* A node: status file and config with the given alias. */
static void make_node(fixture_t *f, const char *relative, const char *alias)
{
    char *status = arena_printf(f->arena, "%s/.rednode.yaml", relative);
    char *full = path_in(f, relative);
    write_file(f, status, arena_printf(f->arena, "realpath: %s\nstate: Enable\n"
                                       "timestamp: 1700000000000\ninfo: test\n",
                                       full));
    write_file(f, arena_printf(f->arena, "%s/etc/redpak.yaml", relative),
               arena_printf(f->arena, "headers:\n  alias: %s\n", alias));
}

static const char *error_of(int rc, const rp_error_t *err)
{
    assert_int_equal(rc, -1);
    return err->message;
}

/* ---- canonical ---- */

static void test_canonical_absolute(void **state)
{
    fixture_t *f = *state;
    rp_error_t err;
    char *out;
    const char *cases[][2] = {
        {"/a/b", "/a/b"}, {"/a/b/", "/a/b"}, {"//a//./b/.", "/a/b"},
        {"/", "/"}, {"///", "/"}, {"/./", "/"}, {"/a/.../b", "/a/.../b"},
        {"/a/..b", "/a/..b"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        assert_int_equal(node_redpath_canonical(f->arena, cases[i][0], &out,
                                                &err), 0);
        assert_string_equal(out, cases[i][1]);
    }
}

static void test_canonical_relative(void **state)
{
    fixture_t *f = *state;
    rp_error_t err;
    char *out, cwd[4096];
    assert_non_null(getcwd(cwd, sizeof cwd));
    assert_int_equal(chdir(f->root), 0);
    assert_int_equal(node_redpath_canonical(f->arena, "x/./y/", &out, &err), 0);
    assert_string_equal(out, path_in(f, "x/y"));
    assert_int_equal(node_redpath_canonical(f->arena, ".", &out, &err), 0);
    assert_string_equal(out, f->root);
    assert_int_equal(chdir(cwd), 0);
}

static void test_canonical_refuses_dotdot(void **state)
{
    fixture_t *f = *state;
    rp_error_t err;
    char *out;
    const char *bad[] = {"/a/../b", "..", "a/..", "/..", "/a/b/../"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        const char *message =
            error_of(node_redpath_canonical(f->arena, bad[i], &out, &err), &err);
        assert_non_null(strstr(message, "contains '..'"));
        assert_non_null(strstr(message, bad[i]));
    }
    assert_string_equal(error_of(node_redpath_canonical(f->arena, "", &out, &err),
                                 &err), "empty redpath");
}

/* ---- status ---- */

static int count_entries(const char *dir)
{
    int count = 0;
    DIR *stream = opendir(dir);
    assert_non_null(stream);
    for (struct dirent *entry; (entry = readdir(stream));)
        count += entry->d_name[0] != '.' || strlen(entry->d_name) > 2;
    closedir(stream);
    return count;
}

static void test_status_round_trip(void **state)
{
    fixture_t *f = *state;
    rp_error_t err;
    const char *info = "it's \"quoted\": a\\b\nsecond line\t# not a comment";
    node_status_t written = {f->root, NODE_STATE_DISABLE, 1732442400123LL, info};
    assert_false(node_exists(f->root));
    assert_int_equal(node_status_write(f->root, &written, &err), 0);
    assert_true(node_exists(f->root));
    assert_int_equal(count_entries(f->root), 1); /* no temporary left */
    node_status_t read;
    assert_int_equal(node_status_read(f->arena, f->root, &read, &err), 0);
    assert_string_equal(read.realpath, f->root);
    assert_int_equal(read.state, NODE_STATE_DISABLE);
    assert_int_equal(read.timestamp, 1732442400123LL);
    assert_string_equal(read.info, info);
    /* Overwritten in place. */
    written.state = NODE_STATE_ENABLE;
    written.info = "";
    assert_int_equal(node_status_write(f->root, &written, &err), 0);
    assert_int_equal(node_status_read(f->arena, f->root, &read, &err), 0);
    assert_int_equal(read.state, NODE_STATE_ENABLE);
    assert_string_equal(read.info, "");
    assert_int_equal(count_entries(f->root), 1);
}

static void test_status_write_failure(void **state)
{
    fixture_t *f = *state;
    rp_error_t err;
    node_status_t status = {"/x", NODE_STATE_ENABLE, 0, "x"};
    const char *message = error_of(node_status_write(path_in(f, "missing"),
                                                     &status, &err), &err);
    assert_non_null(strstr(message, "missing/.rednode.yaml"));
    assert_non_null(strstr(message, "No such file or directory"));
    assert_int_equal(count_entries(f->root), 0);
}

static void test_status_read_errors(void **state)
{
    fixture_t *f = *state;
    rp_error_t err;
    node_status_t status;
    write_file(f, "a/.rednode.yaml", "realpath: /a\nstate: Maybe\n");
    const char *message = error_of(node_status_read(f->arena, path_in(f, "a"),
                                                    &status, &err), &err);
    assert_non_null(strstr(message, "a/.rednode.yaml:2:8: "));
    assert_non_null(strstr(message, "Maybe"));
    write_file(f, "b/.rednode.yaml", "realpath: /b\ncolour: blue\n");
    message = error_of(node_status_read(f->arena, path_in(f, "b"), &status,
                                        &err), &err);
    assert_non_null(strstr(message, "b/.rednode.yaml:2:1: "));
    assert_non_null(strstr(message, "colour"));
    write_file(f, "c/.rednode.yaml", "state: enable\ntimestamp: soon\n");
    message = error_of(node_status_read(f->arena, path_in(f, "c"), &status,
                                        &err), &err);
    assert_non_null(strstr(message, "c/.rednode.yaml:2:12: "));
    write_file(f, "d/.rednode.yaml", "state: ERROR\n");
    assert_int_equal(node_status_read(f->arena, path_in(f, "d"), &status, &err), 0);
    assert_int_equal(status.state, NODE_STATE_ERROR);
}

/* ---- chain ---- */

static void test_chain_discovery(void **state)
{
    fixture_t *f = *state;
    rp_error_t err;
    make_node(f, "n", "platform");
    make_node(f, "n/a", "profile");
    mkdir(path_in(f, "n/a/plain"), 0755);
    make_node(f, "n/a/plain/b", "app");
    node_chain_t chain;
    char *redpath = arena_printf(f->arena, "%s//n/a/plain/b/", f->root);
    assert_int_equal(node_chain_load(f->arena, redpath, false, &chain, &err), 0);
    assert_int_equal(chain.count, 3);
    assert_string_equal(chain.nodes[0].path, path_in(f, "n"));
    assert_string_equal(chain.nodes[1].path, path_in(f, "n/a"));
    assert_string_equal(chain.nodes[2].path, path_in(f, "n/a/plain/b"));
    assert_string_equal(chain.nodes[0].config->alias.value, "platform");
    assert_string_equal(chain.nodes[2].config->alias.value, "app");
    assert_string_equal(chain.nodes[2].config_file,
                        path_in(f, "n/a/plain/b/etc/redpak.yaml"));
    assert_int_equal(chain.nodes[1].status.state, NODE_STATE_ENABLE);
    assert_string_equal(chain.nodes[1].status.realpath, path_in(f, "n/a"));
    assert_null(chain.nodes[0].admin);
    assert_non_null(chain.main);
    /* A middle node is a redpath of its own. */
    assert_int_equal(node_chain_load(f->arena, path_in(f, "n/a"), false, &chain,
                                     &err), 0);
    assert_int_equal(chain.count, 2);
}

static void test_chain_legacy_and_admin(void **state)
{
    fixture_t *f = *state;
    rp_error_t err;
    make_node(f, "n", "platform");
    write_file(f, "n/l/.rednode.yaml", "state: Enable\n");
    write_file(f, "n/l/etc/redpack.yaml", "headers:\n  alias: legacy\n");
    write_file(f, "n/l/etc/redpack-admin.yaml", "headers:\n  alias: legacy\n");
    node_chain_t chain;
    assert_int_equal(node_chain_load(f->arena, path_in(f, "n/l"), false, &chain,
                                     &err), 0);
    assert_string_equal(chain.nodes[1].config_file,
                        path_in(f, "n/l/etc/redpack.yaml"));
    assert_string_equal(chain.nodes[1].config->alias.value, "legacy");
    assert_null(chain.nodes[1].admin);
    assert_int_equal(node_chain_load(f->arena, path_in(f, "n/l"), true, &chain,
                                     &err), 0);
    assert_non_null(chain.nodes[1].admin);
    assert_true(chain.nodes[1].admin->admin);
    assert_null(chain.nodes[0].admin);
    assert_string_equal(chain.nodes[1].admin_file,
                        path_in(f, "n/l/etc/redpack-admin.yaml"));
}

static void test_chain_errors(void **state)
{
    fixture_t *f = *state;
    rp_error_t err;
    node_chain_t chain;
    make_node(f, "n", "platform");
    mkdir(path_in(f, "n/plain"), 0755);
    const char *message = error_of(node_chain_load(f->arena, path_in(f, "n/plain"),
                                                   false, &chain, &err), &err);
    assert_non_null(strstr(message, "n/plain is not a node"));
    message = error_of(node_chain_load(f->arena, path_in(f, "n/none"), false,
                                       &chain, &err), &err);
    assert_non_null(strstr(message, "n/none"));
    assert_non_null(strstr(message, "No such file or directory"));
    write_file(f, "n/noconf/.rednode.yaml", "state: Enable\n");
    message = error_of(node_chain_load(f->arena, path_in(f, "n/noconf"), false,
                                       &chain, &err), &err);
    assert_non_null(strstr(message, "n/noconf has no etc/redpak.yaml"));
    /* A broken ancestor breaks the chain of its descendants. */
    write_file(f, "n/noconf/child/.rednode.yaml", "state: Enable\n");
    write_file(f, "n/noconf/child/etc/redpak.yaml", "headers:\n  alias: c\n");
    message = error_of(node_chain_load(f->arena, path_in(f, "n/noconf/child"),
                                       false, &chain, &err), &err);
    assert_non_null(strstr(message, "n/noconf has no etc/redpak.yaml"));
}

static void test_chain_refuses_symlinked_node(void **state)
{
    fixture_t *f = *state;
    rp_error_t err;
    node_chain_t chain;
    make_node(f, "n", "platform");
    make_node(f, "elsewhere", "other");
    assert_int_equal(symlink(path_in(f, "elsewhere"), path_in(f, "n/link")), 0);
    const char *message = error_of(node_chain_load(f->arena, path_in(f, "n/link"),
                                                   false, &chain, &err), &err);
    assert_non_null(strstr(message, "n/link is a symlink"));
    /* An ancestor node reached through a symlink is refused too. */
    make_node(f, "elsewhere/child", "child");
    message = error_of(node_chain_load(f->arena, path_in(f, "n/link/child"),
                                       false, &chain, &err), &err);
    assert_non_null(strstr(message, "n/link is a symlink"));
}

/* ---- children ---- */

static void test_children(void **state)
{
    fixture_t *f = *state;
    rp_error_t err;
    make_node(f, "r", "root");
    make_node(f, "r/zeta", "zeta");
    make_node(f, "r/zeta/grandchild", "grandchild");
    make_node(f, "r/deep/er/alpha", "alpha");
    mkdir(path_in(f, "r/empty"), 0755);
    make_node(f, "outside", "outside");
    assert_int_equal(symlink(path_in(f, "outside"), path_in(f, "r/link")), 0);
    char **paths;
    size_t count;
    assert_int_equal(node_children(f->arena, path_in(f, "r"), &paths, &count,
                                   &err), 0);
    assert_int_equal(count, 2);
    assert_string_equal(paths[0], path_in(f, "r/deep/er/alpha"));
    assert_string_equal(paths[1], path_in(f, "r/zeta"));
    assert_int_equal(node_children(f->arena, path_in(f, "r/empty"), &paths,
                                   &count, &err), 0);
    assert_int_equal(count, 0);
}

/* ---- main.yaml ---- */

static void test_main_file(void **state)
{
    fixture_t *f = *state;
    rp_error_t err;
    config_t *main_config;
    if (access(SYSCONFDIR "/redpak/main.yaml", F_OK) != 0) {
        assert_string_equal(node_main_file(), "<builtin:main.yaml>");
        assert_int_equal(node_main_load(f->arena, &main_config, &err), 0);
        assert_string_equal(main_config->file, "<builtin:main.yaml>");
        assert_null(main_config->node_path);
    }
    write_file(f, "main.yaml", "headers:\n  alias: main\n");
    setenv("REDPAK_MAIN", path_in(f, "main.yaml"), 1);
    assert_string_equal(node_main_file(), path_in(f, "main.yaml"));
    assert_int_equal(node_main_load(f->arena, &main_config, &err), 0);
    assert_string_equal(main_config->file, path_in(f, "main.yaml"));
    setenv("REDPAK_MAIN", path_in(f, "absent.yaml"), 1);
    const char *message = error_of(node_main_load(f->arena, &main_config, &err),
                                   &err);
    assert_non_null(strstr(message, "absent.yaml"));
    unsetenv("REDPAK_MAIN");
}

int main(void)
{
    cmocka_set_message_output(CM_OUTPUT_TAP);
    const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, fixture_setup, fixture_teardown)
        T(test_canonical_absolute),
        T(test_canonical_relative),
        T(test_canonical_refuses_dotdot),
        T(test_status_round_trip),
        T(test_status_write_failure),
        T(test_status_read_errors),
        T(test_chain_discovery),
        T(test_chain_legacy_and_admin),
        T(test_chain_errors),
        T(test_chain_refuses_symlinked_node),
        T(test_children),
        T(test_main_file),
#undef T
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
