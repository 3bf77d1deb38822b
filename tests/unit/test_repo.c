/* Unit tests of core/repo: .repo ini parsing (with FILE:LINE errors),
 * atomic add, remove, and the local package index's choice of the newest
 * satisfying package (headers built in memory). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <rpm/header.h>
#include <rpm/rpmds.h>

#include "core/repo.h"
#include "core/rpmdb.h"

typedef struct fixture {
    arena_t *arena;
    char node[64];
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
    strcpy(f->node, "/tmp/test_repo.XXXXXX");
    assert_non_null(mkdtemp(f->node));
    *state = f;
    return 0;
}

static int fixture_teardown(void **state)
{
    fixture_t *f = *state;
    nftw(f->node, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
    arena_free(f->arena);
    free(f);
    return 0;
}

static void write_repo(fixture_t *f, const char *name, const char *text)
{
    char *dir = arena_printf(f->arena, "%s/etc", f->node);
    mkdir(dir, 0755);
    mkdir(arena_printf(f->arena, "%s/" REPO_DIR, f->node), 0755);
    FILE *out = fopen(arena_printf(f->arena, "%s/" REPO_DIR "/%s", f->node, name), "w");
    assert_non_null(out);
    fputs(text, out);
    fclose(out);
}

static void test_parse(void **state)
{
    fixture_t *f = *state;
    write_repo(f, "b.repo", "# comment\n[base]\nname = Base\nbaseurl=file:///srv/base\n"
                            "  http://mirror/ignored\nenabled=0\ngpgcheck=1\ngpgkey=x\n");
    write_repo(f, "a.repo", "[remote]\nbaseurl=https://example.invalid/repo\n[plain]\nbaseurl=/srv/plain\n");
    write_repo(f, "ignored.txt", "garbage");
    repo_t *repos;
    size_t count;
    rp_error_t err;
    assert_int_equal(repo_load_node(f->arena, f->node, &repos, &count, &err), 0);
    assert_int_equal(count, 3);
    assert_string_equal(repos[0].id, "remote");
    assert_null(repos[0].directory);
    assert_true(repos[0].enabled);
    assert_string_equal(repos[1].directory, "/srv/plain");
    assert_string_equal(repos[2].id, "base");
    assert_string_equal(repos[2].name, "Base");
    assert_string_equal(repos[2].directory, "/srv/base");
    assert_false(repos[2].enabled);
    assert_true(repos[2].gpgcheck);
}

static void test_parse_error(void **state)
{
    fixture_t *f = *state;
    write_repo(f, "bad.repo", "[ok]\nbaseurl=/x\nnot a key value\n");
    repo_t *repos;
    size_t count;
    rp_error_t err;
    assert_int_equal(repo_load_node(f->arena, f->node, &repos, &count, &err), -1);
    assert_non_null(strstr(err.message, "bad.repo:3: expected [id] or key=value"));
    write_repo(f, "bad.repo", "baseurl=/x\n");
    assert_int_equal(repo_load_node(f->arena, f->node, &repos, &count, &err), -1);
    assert_non_null(strstr(err.message, "bad.repo:1:"));
}

static void test_add_remove(void **state)
{
    fixture_t *f = *state;
    rp_error_t err;
    mkdir(arena_printf(f->arena, "%s/etc", f->node), 0755); /* every node has etc/ */
    repo_t repo = {.id = "local", .baseurl = "file:///srv/local", .enabled = true};
    assert_int_equal(repo_add(f->arena, f->node, &repo, &err), 0);
    assert_int_equal(repo_add(f->arena, f->node, &repo, &err), -1);
    assert_non_null(strstr(err.message, "repository local already exists"));
    repo_t bad = {.id = "../evil", .baseurl = "/x"};
    assert_int_equal(repo_add(f->arena, f->node, &bad, &err), -1);
    assert_non_null(strstr(err.message, "invalid repository id"));
    repo_t multiline = {.id = "ml", .baseurl = "/x\n[other]"};
    assert_int_equal(repo_add(f->arena, f->node, &multiline, &err), -1);
    write_repo(f, "two.repo", "[one]\nbaseurl=/1\n[two]\nbaseurl=/2\n");
    assert_int_equal(repo_remove(f->arena, f->node, "one", &err), 0);
    repo_t *repos;
    size_t count;
    assert_int_equal(repo_load_node(f->arena, f->node, &repos, &count, &err), 0);
    assert_int_equal(count, 2);
    assert_string_equal(repos[0].id, "local");
    assert_string_equal(repos[1].id, "two");
    assert_int_equal(repo_remove(f->arena, f->node, "local", &err), 0);
    assert_int_equal(access(arena_printf(f->arena, "%s/" REPO_DIR "/local.repo", f->node), F_OK), -1);
    assert_int_equal(repo_remove(f->arena, f->node, "local", &err), -1);
    assert_non_null(strstr(err.message, "no repository local"));
}

static Header make_header(const char *name, const char *version, const char *provides)
{
    Header header = headerNew();
    headerPutString(header, RPMTAG_NAME, name);
    headerPutString(header, RPMTAG_VERSION, version);
    headerPutString(header, RPMTAG_RELEASE, "1");
    headerPutString(header, RPMTAG_PROVIDENAME, provides);
    headerPutString(header, RPMTAG_PROVIDEVERSION, "");
    uint32_t flags = 0;
    headerPutUint32(header, RPMTAG_PROVIDEFLAGS, &flags, 1);
    return header;
}

static void test_index_newest(void **state)
{
    (void)state;
    rp_error_t err;
    assert_int_equal(rpmdb_setup(&err), 0);
    repo_package_t packages[] = {
        {.file = "libz-1.0", .header = make_header("libz", "1.0", "libz.so.1")},
        {.file = "libz-1.10", .header = make_header("libz", "1.10", "libz.so.1")},
        {.file = "libz-1.9", .header = make_header("libz", "1.9", "libz.so.1")},
        {.file = "other-2", .header = make_header("other", "2", "other")},
    };
    repo_index_t index = {packages, 4};
    rpmds dep = rpmdsSingle(RPMTAG_REQUIRENAME, "libz.so.1", NULL, 0);
    assert_string_equal(repo_index_best(&index, dep)->file, "libz-1.10");
    rpmdsFree(dep);
    dep = rpmdsSingle(RPMTAG_REQUIRENAME, "libz", "1.5", RPMSENSE_LESS);
    assert_null(repo_index_best(&index, dep)); /* libz = N is not provided */
    rpmdsFree(dep);
    assert_string_equal(repo_index_newest(&index, "libz")->file, "libz-1.10");
    assert_null(repo_index_newest(&index, "absent"));
    repo_index_free(&index);
}

int main(void)
{
    cmocka_set_message_output(CM_OUTPUT_TAP);
    const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, fixture_setup, fixture_teardown)
        T(test_parse),
        T(test_parse_error),
        T(test_add_remove),
        T(test_index_newest),
#undef T
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
