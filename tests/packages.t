#!/bin/sh
# Packages in a 3-node chain: chain-aware dependencies, refusals that
# change nothing, repositories, upgrades, scriptlets (run in the node's
# admin view), signatures, lock.
. "$(dirname "$0")/lib/tap.sh"
. "$TESTS_DIR/lib/rpmbuild.sh"

make_node() { # make_node DIR ALIAS [CONFIG-LINES]
    mkdir -p "$1/etc"
    printf 'realpath: %s\nstate: Enable\ntimestamp: 1700000000000\ninfo: test\n' \
        "$1" > "$1/.rednode.yaml"
    printf 'headers:\n  alias: %s\n%s' "$2" "${3:-}" > "$1/etc/redpak.yaml"
}
# (Debian's rpm would create a missing database: only read existing ones.)
qa() {
    [ -e "$1/var/lib/rpm/rpmdb.sqlite" ] || return 0
    rpm --root "$1" --dbpath /var/lib/rpm -qa | sort | tr '\n' ' '
}
# Database listing and checksums of every file but the database itself.
snapshot() {
    for node in "$root" "$mid" "$leaf"; do
        echo "$node: $(qa "$node")"
        (cd "$node" && find . -path '*/var/lib/rpm' -prune -o -type f \
            ! -name .rednode.lock -print | sort | xargs -r sha256sum)
    done
}
unchanged() { # unchanged DESCRIPTION COMMAND...: must fail, change nothing
    description=$1; shift
    before=$(snapshot)
    output=$("$@" 2>&1); status=$?
    after=$(snapshot)
    ok $((status == 0)) "$description: refused"
    [ $status -ne 0 ] || echo "# $output"
    is "$after" "$before" "$description: nothing changed"
}
manager() { "$REDPAK" redmanager "$@"; }

# Shell scriptlets run in the admin view (what `redwrap --admin` builds):
# the root node exports its /bin (the shell of package base) and its /var;
# the leaf has no shell of its own and, in admin mode only, sees its var/.
root_exports="exports:
  - {mode: Restricted, mount: /bin, path: \$NODE_PATH/bin}
  - {mode: Public, mount: /var, path: \$NODE_PATH/var}
  - {mode: Procfs, mount: /proc}
"
root=$scratch/nodes/root mid=$scratch/nodes/root/mid leaf=$scratch/nodes/root/mid/leaf
make_node "$root" root "$root_exports"
make_node "$mid" mid
make_node "$leaf" leaf "config:
  hostname: leaf-view
"
printf 'headers:\n  alias: leaf\nexports:\n  - {mode: Public, mount: /nodes/leaf/var, path: $NODE_PATH/var}\n' \
    > "$leaf/etc/redpak-admin.yaml"
rpm_out=$scratch/rpms
repo=$scratch/repo
base=$(rpm_make base 1.0 arch=x86_64 exe=/bin/sh:/bin/busybox provides=base-system)
foo1=$(rpm_make libfoo 1.0 provides=libfoo.so.1 file=/usr/lib/libfoo.txt \
    config=/etc/foo.conf 'post=echo post-libfoo-1.0 > /var/post-libfoo')
foo2=$(rpm_make libfoo 2.0 provides=libfoo.so.1 file=/usr/lib/libfoo.txt \
    config=/etc/foo.conf 'post=echo post-libfoo-2.0 > /var/post-libfoo')
app=$(rpm_make app 1.0 requires=libfoo.so.1 'requires=libfoo >= 1.0' \
    file=/usr/bin/app.txt doc=/usr/share/doc/app/README \
    'postlua=io.open("/var/lua-app", "w"):write("lua\n")')
clash=$(rpm_make clash 1.0 file=/usr/lib/libfoo.txt)
scripted=$(rpm_make scripted 1.0 file=/usr/share/scripted.txt \
    'pre=echo ran > /nodes/leaf/var/scripted-sh' \
    'postlua=io.open("/var/scripted", "w"):write("ran\\n")')
# What a shell %post sees: its arguments, the view's host name, mounts
# and files of the ancestors.
probe=$(rpm_make probe 1.0 file=/usr/share/probe.txt 'post=out=/nodes/leaf/var/probe
{ echo "args $*"; echo "hostname $(hostname)"; echo "uid $(id -u)"
  cat /var/post-libfoo
  cut -d" " -f2 /proc/self/mounts | sort | tr "\n" " "; echo; } > $out')
badpre=$(rpm_make badpre 1.0 file=/usr/share/badpre.txt 'pre=exit 3')
needy=$(rpm_make needy 1.0 requires=libmissing)
rpm_out=$repo
rpm_make libbar 1.0 provides=libbar.so.1 file=/usr/lib/libbar.txt >/dev/null
rpm_make libbar 1.1 provides=libbar.so.1 file=/usr/lib/libbar.txt >/dev/null
rpm_make libbar 0.9 provides=libbar.so.1 file=/usr/lib/libbar.txt >/dev/null
rpm_make tool 1.0 requires=libbar.so.1 file=/usr/bin/tool.txt >/dev/null
rpm_make tool 1.1 requires=libbar.so.1 file=/usr/bin/tool.txt >/dev/null
rpm_out=$scratch/rpms

run_ok "install base and libfoo in the root node" manager install -r "$root" "$base" "$foo1"
is "$(qa "$root")" "base-1.0-1.x86_64 libfoo-1.0-1.noarch " "Debian's rpm reads the root database"
is "$(cat "$root/var/post-libfoo" 2>/dev/null)" "post-libfoo-1.0" "shell %post ran in the root node's view"
run_ok "app in the leaf: its requirements are satisfied by the root node" \
    manager install -r "$leaf" "$app"
is "$(cat "$leaf/var/lua-app" 2>/dev/null)" "lua" "Lua %post ran in rpm, chrooted in the leaf"
is "$(qa "$leaf")" "app-1.0-1.noarch " "leaf database holds only app"
is "$(manager list -r "$leaf")" "app-1.0-1.noarch" "redmanager list shows the node's own packages"

unchanged "libfoo again in the middle node (installed in an ancestor)" \
    manager install -r "$mid" "$foo2"
like "$output" "libfoo is already installed in ancestor $root" "the message names the ancestor"
unchanged "removing libfoo needed by the leaf" manager remove -r "$root" libfoo
like "$output" "libfoo.* is needed by app-1.0-1.noarch in descendant $leaf" \
    "the message names the descendant"
unchanged "a file the root node already installs" manager install -r "$mid" "$clash"
like "$output" "/usr/lib/libfoo.txt of clash is already installed by libfoo-1.0-1.noarch" \
    "the message names the file and the owner"
unchanged "an unsatisfiable requirement" manager install -r "$mid" "$needy"
like "$output" "libmissing is needed by needy" "the message names the requirement"
unchanged "removing a package that only an ancestor has" manager remove -r "$mid" libfoo
like "$output" "installed in ancestor $root, not in $mid" "the message names the ancestor"
before=$(snapshot)
run_ok "a --test run succeeds" manager install --test -r "$mid" --repo "$repo" tool
is "$(snapshot)" "$before" "a --test run changes nothing"

run_ok "install by name from a --repo directory pulls the newest libbar" \
    manager install -r "$mid" --repo "$repo" tool
is "$(qa "$mid")" "libbar-1.1-1.noarch tool-1.1-1.noarch " "newest versions chosen"

run_ok "repo add in the root node" manager repo add -r "$root" local "file://$repo" "Local packages"
like "$(manager repo list -r "$root")" "^local	enabled	file://$repo	Local packages" "repo list"
unchanged "repo add of an existing id" manager repo add -r "$root" local /x
grep -q '^baseurl=file://' "$root/etc/yum.repos.d/local.repo"; ok $? "the .repo file is ini"
run_ok "update with no target in the leaf: nothing upgradable" manager update -r "$leaf"
run_ok "libfoo 2.0 in the root as an upgrade (app still satisfied)" \
    manager update -r "$root" "$foo2"
is "$(qa "$root")" "base-1.0-1.x86_64 libfoo-2.0-1.noarch " "root upgraded"
is "$(cat "$root/var/post-libfoo")" "post-libfoo-2.0" "the new %post ran"
run_ok "rpm -V passes on every node" sh -c \
    "for n in '$root' '$mid' '$leaf'; do rpm --root \$n --dbpath /var/lib/rpm -V -a --nodeps || exit 1; done"
run_ok "remove tool and libbar from the middle node" manager remove -r "$mid" tool libbar
is "$(qa "$mid")" "" "middle node empty again"
run_ok "install tool by name through the root's repository" manager install -r "$leaf" tool
is "$(qa "$leaf")" "app-1.0-1.noarch libbar-1.1-1.noarch tool-1.1-1.noarch " \
    "dependency resolved from an ancestor's repository"
run_ok "downgrade the leaf by hand: remove tool and libbar" manager remove -r "$leaf" tool libbar
run_ok "install tool 1.0 and libbar 1.0 from files" \
    manager install -r "$leaf" "$repo/tool-1.0-1.noarch.rpm" "$repo/libbar-1.0-1.noarch.rpm"
run_ok "update with no target upgrades everything the repositories have newer" \
    manager update -r "$leaf" --repo "$repo"
is "$(qa "$leaf")" "app-1.0-1.noarch libbar-1.1-1.noarch tool-1.1-1.noarch " "both upgraded to the newest"
run_ok "repo remove" manager repo remove -r "$root" local
[ ! -e "$root/etc/yum.repos.d/local.repo" ]; ok $? "the .repo file is gone"

# --noscripts
run_ok "--noscripts" manager install --noscripts -r "$leaf" "$scripted"
[ ! -e "$leaf/var/scripted" ] && [ ! -e "$leaf/var/scripted-sh" ]; ok $? "no scriptlet ran"
is "$(qa "$leaf")" "app-1.0-1.noarch libbar-1.1-1.noarch scripted-1.0-1.noarch tool-1.1-1.noarch " \
    "but the package is installed"

# A shell %post in the leaf, which has no /bin/sh: it runs in the admin
# view, with the root node's shell and files.
run_ok "a shell %post in a leaf without a shell" manager install -r "$leaf" "$probe"
[ ! -e "$leaf/bin/sh" ]; ok $? "the leaf has no shell of its own"
is "$(sed -n 1,4p "$leaf/var/probe" 2>/dev/null)" "args 1
hostname leaf-view
uid 0
post-libfoo-2.0" "it ran as root of the leaf's view, with the root node's /var"
is "$(sed -n 5p "$leaf/var/probe" 2>/dev/null)" "/ /.redpak-scriptlet /bin /nodes/leaf/var /proc /proc/bus /proc/irq /proc/sys /var " \
    "its mounts are the admin view's and the script itself"
unchanged "a failing shell %pre in the leaf" manager install -r "$leaf" "$badpre"
like "$output" "%prein\(badpre-1.0-1.noarch\) scriptlet failed, exit status 3" \
    "the %pre ran in the view and its status reached rpm"
is "$(find "$leaf/var/tmp" "$root/var/tmp" -type f)" "" "no script file left behind"

# redmanager check proves package coherence offline.
run_ok "redmanager check: the chain is coherent" manager check -r "$root"
rpm -i --force-debian --nodeps --root "$mid" --dbpath /var/lib/rpm "$foo1" "$needy" 2>/dev/null
output=$(manager check -r "$root" 2>&1); status=$?
is "$status" 1 "check fails once Debian's rpm broke the rules behind redpak's back"
like "$output" "$mid: libfoo-1.0-1.noarch is also installed in ancestor $root" "duplicate package found"
like "$output" "$mid: file /usr/lib/libfoo.txt of libfoo-1.0-1.noarch is also installed by libfoo-2.0-1.noarch in ancestor $root" \
    "file installed by two nodes found"
like "$output" "$mid: needy-1.0-1.noarch requires libmissing, provided by no node of the chain" \
    "unsatisfied requirement found"
rpm -e --force-debian --nodeps --root "$mid" --dbpath /var/lib/rpm libfoo needy
run_ok "check passes again" manager check -r "$root"

# Rich requirements: rpm's operators, each capability satisfied when a
# node of the chain provides it (install, check and removal alike).
richlib=$(rpm_make richlib 1.0 provides=richcap file=/usr/lib/richlib.txt)
rich=$(rpm_make rich 1.0 'requires=(richcap or libnothing)' file=/usr/share/rich.txt)
richno=$(rpm_make richno 1.0 'requires=(richcap and libnothing)' file=/usr/share/richno.txt)
run_ok "richlib in the middle node" manager install -r "$mid" "$richlib"
run_ok "a rich requirement satisfied by an ancestor" manager install -r "$leaf" "$rich"
unchanged "a rich requirement no node satisfies" manager install -r "$leaf" "$richno"
like "$output" "\(richcap and libnothing\) is needed by richno" "the message names it"
run_ok "check evaluates rich requirements through the chain" manager check -r "$root"
unchanged "removing what a descendant's rich requirement needs" manager remove -r "$mid" richlib
like "$output" "\(richcap or libnothing\) is needed by rich-1.0-1.noarch in descendant $leaf" \
    "the message names the descendant's rich requirement"
run_ok "remove rich, then richlib" sh -c \
    "'$REDPAK' redmanager remove -r '$leaf' rich && '$REDPAK' redmanager remove -r '$mid' richlib"

# Signatures: gpgcheck in the root of a chain binds the whole chain.
groot=$scratch/signed/root gleaf=$scratch/signed/root/leaf
make_node "$groot" groot "config:
  gpgcheck: true
"
make_node "$gleaf" gleaf
rpm_sign_setup; ok $? "throwaway signing key"
mkdir -p "$groot/etc/pki/rpm-gpg"
cp "$scratch/RPM-GPG-KEY-test" "$groot/etc/pki/rpm-gpg/"
signed=$(rpm_make signed 1.0 file=/usr/share/signed.txt)
unsigned=$(rpm_make unsigned 1.0 file=/usr/share/unsigned.txt)
rpm_sign "$signed"; ok $? "rpmsign signed a package"
cp "$signed" "$scratch/corrupt.rpm"
size=$(wc -c < "$scratch/corrupt.rpm")
printf 'X' | dd of="$scratch/corrupt.rpm" bs=1 seek=$((size - 20)) conv=notrunc 2>/dev/null
unchanged_signed() {
    before=$(qa "$gleaf"; find "$gleaf" -type f ! -name .rednode.lock | sort)
    output=$("$@" 2>&1); status=$?
    ok $((status == 0)) "$description: refused"
    is "$(qa "$gleaf"; find "$gleaf" -type f ! -name .rednode.lock | sort)" "$before" "$description: nothing changed"
}
description="an unsigned package under gpgcheck"
unchanged_signed manager install -r "$gleaf" "$unsigned"
like "$output" "unsigned-1.0-1.noarch.rpm: package is not signed \(gpgcheck is on\)" "says it is not signed"
description="a corrupted signed package"
unchanged_signed manager install -r "$gleaf" "$scratch/corrupt.rpm"
like "$output" "does not verify: Payload SHA256 ALT digest: BAD" "rpm reports the bad digest"
run_ok "a package signed with a key of an ancestor" manager install -r "$gleaf" "$signed"
is "$(qa "$gleaf")" "signed-1.0-1.noarch " "signed package installed"
run_ok "remove it" manager remove -r "$gleaf" signed
mv "$groot/etc/pki/rpm-gpg/RPM-GPG-KEY-test" "$scratch/"
description="a package signed with an unknown key"
unchanged_signed manager install -r "$gleaf" "$signed"
like "$output" "signed with a key not found in etc/pki/rpm-gpg" "says the key is unknown"
run_ok "without gpgcheck an unsigned package is accepted" manager install -r "$mid" "$unsigned"
rpm_sign_cleanup

# The node lock serialises operations: a held lock makes install wait.
exec 9>"$mid/.rednode.lock"
flock 9
manager install -r "$mid" "$signed" >/dev/null 2>&1 &
pid=$!
sleep 1
is "$(qa "$mid")" "unsigned-1.0-1.noarch " "install waits while the node is locked"
flock -u 9; exec 9>&-
wait $pid; ok $? "install completes once the lock is released"
is "$(qa "$mid")" "signed-1.0-1.noarch unsigned-1.0-1.noarch " "installed after the wait"

# Unprivileged: a node owned by the user (rpm chroots in a user namespace).
nobody="setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all"
own=$scratch/own
make_node "$own" own "$root_exports"
chmod 0755 "$scratch"; chown -R 65534:65534 "$own" "$scratch/rpms"
run_ok "unprivileged install with a shell %post" $nobody "$REDPAK" redmanager install -r "$own" "$base" "$foo1"
is "$(cat "$own/var/post-libfoo" 2>/dev/null)" "post-libfoo-1.0" "the scriptlet ran in the node's view"
is "$($nobody "$REDPAK" redmanager list -r "$own")" "base-1.0-1.x86_64
libfoo-1.0-1.noarch" "unprivileged list"
run_ok "unprivileged remove" $nobody "$REDPAK" redmanager remove -r "$own" libfoo
kid=$own/kid
make_node "$kid" kid
printf 'headers:\n  alias: kid\nexports:\n  - {mode: Public, mount: /nodes/kid/var, path: %s/var}\n' \
    "$kid" > "$kid/etc/redpak-admin.yaml"
kidpost=$(rpm_make kidpost 1.0 'post=echo "$(id -u) $(ls /bin/sh)" > /nodes/kid/var/kidpost')
chown -R 65534:65534 "$kid" "$kidpost"
run_ok "unprivileged install in a child without a shell" $nobody "$REDPAK" redmanager install -r "$kid" "$kidpost"
is "$(cat "$kid/var/kidpost" 2>/dev/null)" "0 /bin/sh" "its %post ran as root of the view with the parent's shell"
output=$($nobody "$REDPAK" redmanager install -r "$root" "$app" 2>&1); status=$?
is "$status" 1 "unprivileged install into a node of another user fails"

# The view is planned before the transaction: a view that cannot be built
# refuses the operation before anything changes; --noscripts needs none.
broken=$scratch/broken
make_node "$broken" broken "$root_exports"
printf 'headers:\n  alias: broken\nenviron:\n  - {mode: Default, key: X, value: "$(exit 3)"}\n' \
    > "$broken/etc/redpak-admin.yaml"
output=$(manager install -r "$broken" "$base" 2>&1); status=$?
is "$status|$(qa "$broken")|$(find "$broken" -type f ! -name .rednode.lock | wc -l)" "1||3" \
    "a view that cannot be built refuses the install, nothing changes"
like "$output" "exit 3" "the message says what failed"
run_ok "with --noscripts it installs" manager install --noscripts -r "$broken" "$base"

# A node exporting its own lock (held by the operation) still runs them.
locked=$scratch/locked
make_node "$locked" locked "$root_exports  - {mode: Lock, mount: /run/node.lock, path: \$REDNODE_LOCK}
"
lockpost=$(rpm_make lockpost 1.0 'post=ls /run/node.lock > /var/lockpost')
run_ok "install in a node exporting its own lock" manager install -r "$locked" "$base" "$lockpost"
is "$(cat "$locked/var/lockpost" 2>/dev/null)" "/run/node.lock" "the %post ran, the lock file bound"

# Scriptlets run in the node's cgroup, like redwrap: a cgroup2 look-alike
# tree (as in redcgroup.t), where the child writes itself ("0") to
# run/cgroup.procs since clone3 refuses a plain directory.
cg=$scratch/cg limited=$scratch/limited
mkdir -p "$cg/test"
for dir in "$cg" "$cg/test"; do
    echo pids > "$dir/cgroup.controllers"
    : > "$dir/cgroup.subtree_control"; : > "$dir/cgroup.procs"
done
printf 'headers:\n  alias: main\nconfig:\n  cgrouproot: /test\n' > "$scratch/cg-main.yaml"
make_node "$limited" limited "config:
  cgroups:
    pids: {max: 30}
$root_exports"
limitpost=$(rpm_make limitpost 1.0 'post=echo ran > /var/limitpost')
run_ok "install in a node with cgroup limits" env CGROUPS_MOUNT_POINT="$cg" \
    REDPAK_MAIN="$scratch/cg-main.yaml" "$REDPAK" redmanager install -r "$limited" "$base" "$limitpost"
is "$(cat "$limited/var/limitpost" 2>/dev/null)|$(cat "$cg"/test/redpak-limited-*/run/cgroup.procs 2>/dev/null)|$(cat "$cg"/test/redpak-limited-*/pids.max 2>/dev/null)" \
    "ran|0|30" "the %post ran in the node's run cgroup, the limits written"

# A program installed in a child node runs with a library installed in its
# parent, through redwrap (root only: redwrap.t covers the rest).
if [ "$(id -u)" -eq 0 ] && command -v musl-gcc >/dev/null && [ -x /bin/busybox ]; then
    REDPAK_MAIN=$scratch/main.yaml; export REDPAK_MAIN
    printf 'headers:\n  alias: main\nconfig:\n  share_all: Disabled\n' > "$REDPAK_MAIN"
    os=$scratch/run/os apps=$scratch/run/os/apps
    make_node "$os" os "exports:
  - {mode: Restricted, mount: /bin, path: $os/bin}
  - {mode: Restricted, mount: /lib, path: $os/lib}
  - {mode: Restricted, mount: /usr, path: $os/usr}
  - {mode: Procfs, mount: /proc}
  - {mode: Devfs, mount: /dev}
  - {mode: Tmpfs, mount: /tmp}
"
    make_node "$apps" apps "exports:
  - {mode: Restricted, mount: /nodes/apps/usr, path: $apps/usr}
"
    printf 'headers:\n  alias: apps\nexports:\n  - {mode: Public, mount: /nodes/apps/var, path: %s/var}\n' \
        "$apps" > "$apps/etc/redpak-admin.yaml"
    printf '#include <stdio.h>\nvoid greet(const char *who) { printf("hello %%s from libgreet\\n", who); }\n' \
        > "$scratch/greet.c"
    printf 'void greet(const char *);\nint main(void) { greet("apps"); return 0; }\n' > "$scratch/hello.c"
    musl-gcc -shared -fPIC -Wl,-soname,libgreet.so.1 -o "$scratch/libgreet.so.1" "$scratch/greet.c" &&
        musl-gcc -o "$scratch/hello" "$scratch/hello.c" -L"$scratch" -l:libgreet.so.1 \
            -Wl,-rpath,/usr/lib
    ok $? "built a musl library and a program using it"
    runtime=$(rpm_make musl-runtime 1.0 arch=x86_64 exe=/bin/sh:/bin/busybox \
        "exe=/lib/ld-musl-x86_64.so.1:$(readlink -f /lib/ld-musl-x86_64.so.1)" \
        'provides=libc.so()(64bit)')
    greet=$(rpm_make libgreet 1.0 arch=x86_64 "exe=/usr/lib/libgreet.so.1:$scratch/libgreet.so.1")
    hello=$(rpm_make hello 1.0 arch=x86_64 "exe=/usr/bin/hello:$scratch/hello" \
        'post=/nodes/apps/usr/bin/hello > /nodes/apps/var/hello-post')
    like "$(rpm -qpR "$hello")" "libgreet.so.1\(\)\(64bit\)" "rpmbuild recorded the library requirement"
    run_ok "runtime and library in the parent" manager install -r "$os" "$runtime" "$greet"
    run_ok "program in the child: libgreet.so.1()(64bit) satisfied by the parent" \
        manager install -r "$apps" "$hello"
    is "$(cat "$apps/var/hello-post" 2>/dev/null)" "hello apps from libgreet" \
        "its %post ran the program with the parent's shell and library"
    is "$("$REDPAK" redwrap -r "$apps" /nodes/apps/usr/bin/hello 2>&1)" "hello apps from libgreet" \
        "redwrap runs the child's program with the parent's library"
fi
done_testing
