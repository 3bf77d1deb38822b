/* package: chain-aware rpm transactions in a node. */
#include "core/package.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <rpm/header.h>
#include <rpm/rpmcli.h>
#include <rpm/rpmdb.h>
#include <rpm/rpmfi.h>
#include <rpm/rpmkeyring.h>
#include <rpm/rpmlib.h>
#include <rpm/rpmpgp.h>
#include <rpm/rpmps.h>
#include <rpm/rpmte.h>
#include <rpm/rpmts.h>

#include "core/merge.h"
#include "core/repo.h"
#include "core/rpmdb.h"
#include "core/scriptlet.h"

/* Everything one operation needs; lives for the operation. */
typedef struct package_job {
    arena_t *arena;
    const package_request_t *request;
    const node_chain_t *chain;   /* loaded in admin mode */
    const char *node;            /* the leaf: where packages change */
    rpmdb_view_t ancestors;      /* its ancestors, root-most first */
    const char **descendants;    /* every node below it */
    size_t descendant_count;
    repo_index_t index;
    rpmts ts;
    rp_error_t *err;
    int failed; /* a refusal recorded by the solve callback */
} package_job_t;

int package_lock(const char *node_path, rp_error_t *err)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/" PACKAGE_LOCK_FILE, node_path);
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0)
        return error_set_errno(err, errno, "cannot open %s", path);
    if (flock(fd, LOCK_EX) < 0) {
        int saved = errno;
        close(fd);
        return error_set_errno(err, saved, "cannot lock %s", path);
    }
    return fd;
}

/* ---- signatures ---------------------------------------------------- */

/* Keys of the node and its ancestors (files in etc/pki/rpm-gpg), in memory:
 * importing them into the database would change the node. */
static rpmKeyring package_keyring(arena_t *arena, const node_chain_t *chain)
{
    rpmKeyring keyring = rpmKeyringNew();
    for (size_t n = 0; n < chain->count; n++) {
        char *dir = arena_printf(arena, "%s/" PACKAGE_KEY_DIR, chain->nodes[n].path);
        DIR *d = opendir(dir);
        struct dirent *entry;
        while (d && (entry = readdir(d))) {
            char *file = arena_printf(arena, "%s/%s", dir, entry->d_name);
            uint8_t *packet = NULL;
            size_t length = 0;
            if (entry->d_name[0] == '.' ||
                pgpReadPkts(file, &packet, &length) != PGPARMOR_PUBKEY) {
                free(packet);
                continue;
            }
            rpmPubkey key = rpmPubkeyNew(packet, length);
            if (key)
                rpmKeyringAddKey(keyring, key);
            else
                warn("ignoring %s: not an OpenPGP public key", file);
            rpmPubkeyFree(key);
            free(packet);
        }
        if (d)
            closedir(d);
    }
    return keyring;
}

static bool package_is_signed(Header header)
{
    return headerIsEntry(header, RPMTAG_RSAHEADER) ||
           headerIsEntry(header, RPMTAG_DSAHEADER) ||
           headerIsEntry(header, RPMTAG_SIGPGP) ||
           headerIsEntry(header, RPMTAG_SIGGPG);
}

/* Read a package file, refusing it when it does not verify, or when a
 * signature is mandatory and it has no valid one from a known key. */
static int package_read(package_job_t *job, const char *file, bool gpgcheck,
                        Header *header)
{
    FD_t fd = Fopen(file, "r.ufdio");
    if (!fd || Ferror(fd)) {
        if (fd)
            Fclose(fd);
        return error_set_errno(job->err, errno, "cannot open %s", file);
    }
    rpmRC rc = rpmReadPackageFile(job->ts, fd, file, header);
    Fclose(fd);
    if (rc == RPMRC_NOTFOUND || rc == RPMRC_FAIL)
        return error_set(job->err, "%s: not a package or its digest or signature is bad",
                         file);
    if (gpgcheck && rc != RPMRC_OK)
        return error_set(job->err, "%s: signed with a key not found in %s of the chain (gpgcheck is on)",
                         file, PACKAGE_KEY_DIR);
    if (gpgcheck && !package_is_signed(*header))
        return error_set(job->err, "%s: package is not signed (gpgcheck is on)",
                         file);
    return 0;
}

/* ---- building the transaction -------------------------------------- */

static int package_add_file(package_job_t *job, const char *file, bool gpgcheck)
{
    Header header;
    if (package_read(job, file, job->request->gpgcheck || gpgcheck, &header) < 0)
        return -1;
    int upgrade = job->request->action == PACKAGE_UPDATE;
    int rc = rpmtsAddInstallElement(job->ts, header,
                                    arena_strdup(job->arena, file), upgrade, NULL);
    headerFree(header);
    if (rc != 0)
        return error_set(job->err, "cannot add %s to the transaction", file);
    return 0;
}

/* The installed header named `name` in the node, or NULL (caller frees). */
static Header package_installed(package_job_t *job, const char *name)
{
    rpmdbMatchIterator it = rpmtsInitIterator(job->ts, RPMDBI_NAME, name, 0);
    Header header = rpmdbNextIterator(it);
    if (header)
        header = headerLink(header);
    rpmdbFreeIterator(it);
    return header;
}

static int package_add_name(package_job_t *job, const char *name)
{
    const repo_package_t *candidate = repo_index_newest(&job->index, name);
    if (!candidate)
        return error_set(job->err, "no package %s in the repositories of %s",
                         name, job->node);
    if (job->request->action == PACKAGE_UPDATE) {
        Header installed = package_installed(job, name);
        if (!installed)
            return error_set(job->err, "package %s is not installed in %s",
                             name, job->node);
        int newer = rpmVersionCompare(candidate->header, installed) > 0;
        headerFree(installed);
        if (!newer)
            return 0; /* already the newest: nothing to do for it */
    }
    return package_add_file(job, candidate->file, candidate->gpgcheck);
}

/* `update` without targets: every package of the node with a newer
 * version in the repositories. */
static int package_add_upgradable(package_job_t *job)
{
    rpmdbMatchIterator it = rpmdb_all(job->ts);
    Header header;
    const char **names = NULL;
    size_t count = 0;
    while (it && (header = rpmdbNextIterator(it))) {
        const repo_package_t *candidate =
            repo_index_newest(&job->index, headerGetString(header, RPMTAG_NAME));
        if (candidate && rpmVersionCompare(candidate->header, header) > 0) {
            names = arena_grow(job->arena, names, count * sizeof *names,
                               (count + 1) * sizeof *names);
            names[count++] = candidate->file;
        }
    }
    rpmdbFreeIterator(it);
    for (size_t i = 0; i < count; i++)
        if (package_add_file(job, names[i], false) < 0)
            return -1;
    return 0;
}

static int package_not_installed(package_job_t *job, const char *name)
{
    int holder = rpmdb_view_find_name(&job->ancestors, 0, job->ancestors.count, name);
    if (holder >= 0)
        return error_set(job->err, "package %s is installed in ancestor %s, not in %s",
                         name, job->ancestors.nodes[holder], job->node);
    return error_set(job->err, "package %s is not installed in %s", name, job->node);
}

static int package_add_erase(package_job_t *job, const char *name)
{
    rpmdbMatchIterator it = rpmtsInitIterator(job->ts, RPMDBI_LABEL, name, 0);
    Header header;
    int found = 0;
    while ((header = rpmdbNextIterator(it))) {
        rpmtsAddEraseElement(job->ts, header, rpmdbGetIteratorOffset(it));
        found++;
    }
    rpmdbFreeIterator(it);
    return found ? 0 : package_not_installed(job, name);
}

static bool package_is_file(const char *target)
{
    size_t length = strlen(target);
    return strchr(target, '/') ||
           (length > 4 && strcmp(target + length - 4, ".rpm") == 0);
}

static int package_add_targets(package_job_t *job)
{
    const package_request_t *request = job->request;
    if (request->action == PACKAGE_UPDATE && request->target_count == 0)
        return package_add_upgradable(job);
    for (size_t i = 0; i < request->target_count; i++) {
        const char *target = request->targets[i];
        int rc = request->action == PACKAGE_REMOVE ? package_add_erase(job, target)
                 : package_is_file(target)         ? package_add_file(job, target, false)
                                                   : package_add_name(job, target);
        if (rc < 0)
            return -1;
    }
    return 0;
}

/* rpm's solve callback: 0 satisfied, -1 a package was added (retry),
 * 1 unsatisfied. */
static int package_solve(rpmts ts, rpmds dep, const void *data)
{
    package_job_t *job = (package_job_t *)data;
    (void)ts;
    if (rpmdb_view_provider(&job->ancestors, 0, job->ancestors.count, dep) >= 0)
        return 0;
    if (job->request->action == PACKAGE_REMOVE || job->failed)
        return 1;
    const repo_package_t *candidate = repo_index_best(&job->index, dep);
    if (!candidate)
        return 1;
    verbose("%s: resolving %s with %s", job->node, rpmdsDNEVR(dep), candidate->file);
    if (package_add_file(job, candidate->file, candidate->gpgcheck) < 0) {
        job->failed = -1;
        return 1;
    }
    return -1;
}

/* ---- checks -------------------------------------------------------- */

/* The requirement a REQUIRES problem is about ("NAME [OP EVR]" or a rich
 * "(...)", as rpmteAddDepProblem records it), or NULL when it cannot be
 * rebuilt (the problem is then kept, failing closed). */
static rpmds package_problem_dep(const char *text)
{
    if (text[0] == '(')
        return rpmdsSingle(RPMTAG_REQUIRENAME, text, NULL, 0);
    char name[1024], op[8], evr[1024];
    int fields = sscanf(text, "%1023s %7s %1023s", name, op, evr);
    if (fields < 1 || fields == 2)
        return NULL;
    if (fields == 1)
        return rpmdsSingle(RPMTAG_REQUIRENAME, name, NULL, 0);
    rpmsenseFlags flags = 0;
    for (const char *c = op; *c; c++)
        flags |= *c == '<' ? RPMSENSE_LESS
                 : *c == '>' ? RPMSENSE_GREATER
                 : *c == '=' ? RPMSENSE_EQUAL : 0;
    return rpmdsSingle(RPMTAG_REQUIRENAME, name, evr, flags);
}

static bool package_problem_solved_above(package_job_t *job, rpmProblem problem)
{
    if (rpmProblemGetType(problem) != RPMPROB_REQUIRES)
        return false;
    rpmds dep = package_problem_dep(rpmProblemGetStr(problem));
    bool solved = dep && rpmdb_view_provider(&job->ancestors, 0,
                                             job->ancestors.count, dep) >= 0;
    rpmdsFree(dep);
    return solved;
}

/* The problems rpm found, less those an ancestor solves; -1 if any. */
static int package_problems(package_job_t *job, const char *stage)
{
    rpmps problems = rpmtsProblems(job->ts);
    rpmpsi it = rpmpsInitIterator(problems);
    rpmProblem problem;
    char *text = NULL;
    while ((problem = rpmpsiNext(it))) {
        if (package_problem_solved_above(job, problem))
            continue;
        char *line = rpmProblemString(problem);
        text = text ? arena_printf(job->arena, "%s; %s", text, line)
                    : arena_strdup(job->arena, line);
        free(line);
    }
    rpmpsFreeIterator(it);
    rpmpsFree(problems);
    if (!text)
        return 0;
    return error_set(job->err, "%s refused in %s: %s", stage, job->node, text);
}

/* A package may not be (or put a file where something is) installed in
 * another node of the same container view: an ancestor or descendant. */
static int package_check_other_nodes(package_job_t *job, const rpmdb_view_t *view,
                                     rpmte te, const char *relation)
{
    const char *name = rpmteN(te);
    int holder = rpmdb_view_find_name(view, 0, view->count, name);
    if (holder >= 0)
        return error_set(job->err, "%s is already installed in %s %s, refused in %s",
                         name, relation, view->nodes[holder], job->node);
    rpmfiles files = rpmteFiles(te);
    rpmfi fi = rpmfilesIter(files, RPMFI_ITER_FWD);
    int rc = 0;
    while (rc == 0 && rpmfiNext(fi) >= 0) {
        if (S_ISDIR(rpmfiFMode(fi)))
            continue;
        for (size_t n = 0; n < view->count && rc == 0; n++) {
            char *owner = rpmdb_file_owner(job->arena, view->ts[n], rpmfiFN(fi));
            if (owner)
                rc = error_set(job->err, "file %s of %s is already installed by %s in %s %s",
                               rpmfiFN(fi), name, owner, relation, view->nodes[n]);
        }
    }
    rpmfiFree(fi);
    rpmfilesFree(files);
    return rc;
}

static int package_check_added(package_job_t *job, const rpmdb_view_t *below)
{
    rpmtsi it = rpmtsiInit(job->ts);
    rpmte te;
    int rc = 0;
    while (rc == 0 && (te = rpmtsiNext(it, TR_ADDED))) {
        rc = package_check_other_nodes(job, &job->ancestors, te, "ancestor");
        if (rc == 0)
            rc = package_check_other_nodes(job, below, te, "descendant");
    }
    rpmtsiFree(it);
    return rc;
}

/* Whether a package the transaction adds satisfies `dep`. */
static bool package_added_provides(rpmte te, rpmds dep)
{
    if (rpmdsSearch(rpmteDS(te, RPMTAG_PROVIDENAME), dep) >= 0)
        return true;
    if (rpmdsN(dep)[0] != '/')
        return false;
    rpmfiles files = rpmteFiles(te);
    bool owned = files && rpmfilesFindFN(files, rpmdsN(dep)) >= 0;
    rpmfilesFree(files);
    return owned;
}

/* Record numbers the transaction erases from the node, and the headers
 * it adds. */
typedef struct package_changes {
    unsigned *removed;
    size_t removed_count;
    rpmte *added;
    size_t added_count;
} package_changes_t;

static void package_collect_changes(package_job_t *job, package_changes_t *changes)
{
    *changes = (package_changes_t){0};
    rpmtsi it = rpmtsiInit(job->ts);
    rpmte te;
    while ((te = rpmtsiNext(it, 0))) {
        if (rpmteType(te) == TR_REMOVED) {
            changes->removed = arena_grow(job->arena, changes->removed,
                                          changes->removed_count * sizeof(unsigned),
                                          (changes->removed_count + 1) * sizeof(unsigned));
            changes->removed[changes->removed_count++] = rpmteDBOffset(te);
        } else {
            changes->added = arena_grow(job->arena, changes->added,
                                        changes->added_count * sizeof(rpmte),
                                        (changes->added_count + 1) * sizeof(rpmte));
            changes->added[changes->added_count++] = te;
        }
    }
    rpmtsiFree(it);
}

/* Whether `dep`, which the node provides today, is still provided after
 * the transaction by the node or by another node of `below`'s chain. */
static bool package_still_provided(package_job_t *job, const package_changes_t *changes,
                                   const rpmdb_view_t *below, size_t descendant,
                                   rpmds dep)
{
    if (rpmdb_provides(job->ts, dep, changes->removed, changes->removed_count))
        return true;
    for (size_t i = 0; i < changes->added_count; i++)
        if (package_added_provides(changes->added[i], dep))
            return true;
    if (rpmdb_view_provider(&job->ancestors, 0, job->ancestors.count, dep) >= 0)
        return true;
    /* the descendant itself and the nodes between it and the node */
    const char *path = below->nodes[descendant];
    for (size_t n = 0; n < below->count; n++) {
        size_t length = strlen(below->nodes[n]);
        if ((n == descendant || (strncmp(path, below->nodes[n], length) == 0 &&
                                 path[length] == '/')) &&
            rpmdb_provides(below->ts[n], dep, NULL, 0))
            return true;
    }
    return false;
}

/* Whether a descendant's requirement `dep` (rich: see rpmdb_satisfied)
 * holds before the transaction and not after it. */
typedef struct descendant_view {
    package_job_t *job;
    const package_changes_t *changes;
    const rpmdb_view_t *below;
    size_t descendant;
} descendant_view_t;

static bool package_provided_after(void *context, rpmds dep)
{
    descendant_view_t *d = context;
    return package_still_provided(d->job, d->changes, d->below, d->descendant, dep);
}

static bool package_provided_before(void *context, rpmds dep)
{
    descendant_view_t *d = context;
    static const package_changes_t none;
    return package_still_provided(d->job, &none, d->below, d->descendant, dep);
}

static bool package_descendant_loses(descendant_view_t *view, rpmds dep)
{
    /* A plain requirement the node does not provide cannot be lost: no
     * lookups through the chain for it. */
    if (!rpmdsIsRich(dep) && !rpmdb_provides(view->job->ts, dep, NULL, 0))
        return false;
    return rpmdb_satisfied(dep, package_provided_before, view) &&
           !rpmdb_satisfied(dep, package_provided_after, view);
}

/* Removing (or replacing) what a descendant node needs is refused. */
static int package_check_descendants(package_job_t *job, const rpmdb_view_t *below)
{
    package_changes_t changes;
    package_collect_changes(job, &changes);
    int rc = 0;
    for (size_t d = 0; d < below->count && rc == 0 && changes.removed_count; d++) {
        rpmdbMatchIterator it = rpmdb_all(below->ts[d]);
        Header header;
        while (rc == 0 && it && (header = rpmdbNextIterator(it))) {
            rpmds dep = rpmdsInit(rpmdsNew(header, RPMTAG_REQUIRENAME, 0));
            descendant_view_t view = {job, &changes, below, d};
            while (rc == 0 && rpmdsNext(dep) >= 0) {
                if ((rpmdsFlags(dep) & RPMSENSE_RPMLIB) ||
                    !package_descendant_loses(&view, dep))
                    continue;
                rc = error_set(job->err, "refused in %s: %s is needed by %s in descendant %s",
                               job->node, rpmdsDNEVR(dep) + 2,
                               rpmdb_nevra(job->arena, header), below->nodes[d]);
            }
            rpmdsFree(dep);
        }
        rpmdbFreeIterator(it);
    }
    return rc;
}

int package_chain_open(arena_t *arena, const char *redpath,
                       node_chain_t *chain, bool *gpgcheck, rp_error_t *err)
{
    char *path;
    config_t *merged;
    merge_options_t options = {.admin = true, .expand = false};
    if (node_redpath_canonical(arena, redpath, &path, err) < 0 ||
        node_chain_load(arena, path, true, chain, err) < 0 ||
        merge_chain(arena, chain, &options, &merged, err) < 0)
        return -1;
    *gpgcheck = merged->gpgcheck.value == TRISTATE_ENABLED;
    return 0;
}

/* ---- running ------------------------------------------------------- */

static int package_collect_descendants(package_job_t *job, const char *node)
{
    char **children;
    size_t count;
    if (node_children(job->arena, node, &children, &count, job->err) < 0)
        return -1;
    for (size_t i = 0; i < count; i++) {
        job->descendants = arena_grow(job->arena, job->descendants,
                                      job->descendant_count * sizeof(char *),
                                      (job->descendant_count + 1) * sizeof(char *));
        job->descendants[job->descendant_count++] = children[i];
        if (package_collect_descendants(job, children[i]) < 0)
            return -1;
    }
    return 0;
}

/* A node without a database gets an empty one; a refused operation
 * removes it again (with the directories made for it). */
static const char *const package_db_dirs[] = {"var", "var/lib", RPMDB_DIR};
enum { PACKAGE_DB_DIRS = sizeof package_db_dirs / sizeof package_db_dirs[0] };

static int package_db_create(package_job_t *job, bool made[PACKAGE_DB_DIRS])
{
    for (size_t i = 0; i < PACKAGE_DB_DIRS; i++) {
        char *dir = arena_printf(job->arena, "%s/%s", job->node, package_db_dirs[i]);
        made[i] = mkdir(dir, 0755) == 0;
        if (!made[i] && errno != EEXIST)
            return error_set_errno(job->err, errno, "cannot create %s", dir);
    }
    if (rpmtsInitDB(job->ts, 0644) != 0)
        return error_set(job->err, "cannot create the rpm database of %s", job->node);
    return 0;
}

static void package_db_uncreate(package_job_t *job, const bool made[PACKAGE_DB_DIRS])
{
    char *dir = arena_printf(job->arena, "%s/" RPMDB_DIR, job->node);
    DIR *d = opendir(dir);
    struct dirent *entry;
    while (d && (entry = readdir(d)))
        if (entry->d_name[0] != '.' || strcmp(entry->d_name, ".rpm.lock") == 0)
            unlink(arena_printf(job->arena, "%s/%s", dir, entry->d_name));
    if (d)
        closedir(d);
    for (size_t i = PACKAGE_DB_DIRS; i-- > 0;)
        if (made[i])
            rmdir(arena_printf(job->arena, "%s/%s", job->node, package_db_dirs[i]));
}

static int package_execute(package_job_t *job, const rpmdb_view_t *below)
{
    if (package_add_targets(job) < 0)
        return -1;
    if (rpmtsNElements(job->ts) == 0) {
        verbose("%s: nothing to do", job->node);
        return 0;
    }
    rpmtsCheck(job->ts);
    if (job->failed || package_problems(job, "dependencies") < 0 ||
        package_check_added(job, below) < 0 ||
        package_check_descendants(job, below) < 0)
        return -1;
    if (rpmtsOrder(job->ts) != 0)
        return error_set(job->err, "cannot order the transaction of %s", job->node);
    rpmtransFlags flags = job->request->noscripts
                              ? RPMTRANS_FLAG_NOSCRIPTS | RPMTRANS_FLAG_NOTRIGGERS
                              : 0;
    rpmtsSetFlags(job->ts, flags | RPMTRANS_FLAG_TEST);
    if (rpmtsRun(job->ts, NULL, RPMPROB_FILTER_NONE) != 0)
        return package_problems(job, "transaction") < 0
                   ? -1 : error_set(job->err, "test transaction failed in %s", job->node);
    if (job->request->test)
        return 0;
    rpmtsSetFlags(job->ts, flags);
    if (!job->request->noscripts && scriptlet_arm(job->arena, job->chain, job->err) < 0)
        return -1;
    /* The test run has verified every package's digests (reading each
     * whole file): not twice. */
    int rc = rpmtsRun(job->ts, NULL, RPMPROB_FILTER_VERIFY);
    scriptlet_disarm();
    if (rc != 0)
        return package_problems(job, "transaction") < 0
                   ? -1 : error_set(job->err, "transaction failed in %s", job->node);
    return 0;
}

static int package_prepare(package_job_t *job, const node_chain_t *chain)
{
    const char **ancestors = arena_alloc(job->arena, chain->count * sizeof(char *));
    const char **paths = arena_alloc(job->arena, chain->count * sizeof(char *));
    for (size_t i = 0; i < chain->count; i++)
        ancestors[i] = paths[i] = chain->nodes[i].path;
    if (rpmdb_view_open(job->arena, ancestors, chain->count - 1, &job->ancestors,
                        job->err) < 0 ||
        package_collect_descendants(job, job->node) < 0)
        return -1;
    if (job->request->action != PACKAGE_REMOVE &&
        repo_index_load(job->arena, paths, chain->count, job->request->repos,
                        job->request->repo_count, &job->index, job->err) < 0)
        return -1;
    job->ts = rpmdb_ts_new(job->node, job->request->gpgcheck);
    rpmKeyring keyring = package_keyring(job->arena, chain);
    rpmtsSetKeyring(job->ts, keyring);
    rpmKeyringFree(keyring);
    rpmtsSetSolveCallback(job->ts, package_solve, job);
    rpmtsSetNotifyCallback(job->ts, rpmShowProgress, (void *)(long)INSTALL_NONE);
    return 0;
}

int package_run(arena_t *arena, const node_chain_t *chain,
                const package_request_t *request, rp_error_t *err)
{
    package_job_t job = {.arena = arena, .request = request, .err = err,
                         .chain = chain, .node = chain->nodes[chain->count - 1].path};
    if (rpmdb_setup(err) < 0)
        return -1;
    int lock = package_lock(job.node, err);
    if (lock < 0)
        return -1;
    rpmdb_view_t below = {0};
    bool made[PACKAGE_DB_DIRS] = {false};
    bool created = false;
    int rc = package_prepare(&job, chain);
    if (rc == 0)
        rc = rpmdb_view_open(arena, job.descendants, job.descendant_count,
                             &below, err);
    if (rc == 0 && !rpmdb_exists(job.node)) {
        if (request->action == PACKAGE_REMOVE)
            rc = package_not_installed(&job, request->target_count ? request->targets[0] : "");
        else {
            created = true;
            rc = package_db_create(&job, made);
        }
    }
    if (rc == 0)
        rc = package_execute(&job, &below);
    if (job.ts)
        rpmtsFree(job.ts); /* closes the database before any clean-up */
    if (created && (rc < 0 || request->test))
        package_db_uncreate(&job, made);
    rpmdb_view_close(&below);
    rpmdb_view_close(&job.ancestors);
    repo_index_free(&job.index);
    close(lock);
    return rc;
}
