#!/bin/sh
# redwrap: running programs inside nodes, as root. Node trees are written
# by hand (YAML + status files) under $scratch; the programs are Debian's
# static busybox and tests/helpers/probe.c.
. "$(dirname "$0")/lib/tap.sh"
. "$TESTS_DIR/lib/redwrap.sh"

if [ "$(id -u)" -ne 0 ]; then
    echo "1..0 # SKIP needs root (the unprivileged path is redwrap-user.t)"
    exit 0
fi

# ---- command line ----
out=$("$REDPAK" redwrap --help); st=$?
is "$st" 0 "--help exits 0"
like "$out" "125 redwrap failed" "--help documents exit codes"
"$REDPAK" redwrap /bin/true 2>/dev/null
is $? 2 "missing --redpath is a usage error"
out=$("$REDPAK" redwrap -r "$scratch/none" /bin/true 2>&1); st=$?
is "$st" 125 "missing node exits 125"

# ---- tree: root (base) -> mid -> leaf ----
make_base "$scratch/root"
mkdir -p "$scratch/root/pub" "$scratch/root/ro" "$scratch/root/priv" \
    "$scratch/root/privro"
echo public > "$scratch/root/pub/file"
echo restricted > "$scratch/root/ro/file"
echo secret > "$scratch/root/priv/file"
echo secret-ro > "$scratch/root/privro/file"
echo pubfile > "$scratch/root/pubfile"
echo rofile > "$scratch/root/rofile"
echo privfile > "$scratch/root/privfile"
echo lockdata > "$scratch/lockfile"
root_exports="$(base_exports "$scratch/root")
  - {mode: Public, mount: /pub, path: $scratch/root/pub}
  - {mode: Restricted, mount: /ro, path: $scratch/root/ro}
  - {mode: Private, mount: /priv, path: $scratch/root/priv}
  - {mode: PrivateRestricted, mount: /privro, path: $scratch/root/privro}
  - {mode: PublicFile, mount: /etc/pubfile, path: $scratch/root/pubfile}
  - {mode: RestrictedFile, mount: /etc/rofile, path: $scratch/root/rofile}
  - {mode: PrivateFile, mount: /etc/privfile, path: $scratch/root/privfile}
  - {mode: Anonymous, mount: /anon}
  - {mode: Mqueue, mount: /dev/mqueue}
  - {mode: Symlink, mount: /link, path: /ro/file}
  - {mode: Execfd, mount: /etc/execfd, path: echo from-host-\$((6*7))}
  - {mode: Lock, mount: /run/lock, path: $scratch/lockfile}"
make_node "$scratch/root" base Enable <<EOF
headers:
  alias: base
config:
  hostname: redbox
environ:
  - {mode: Static, key: STATIC_VAR, value: '\$NOT_EXPANDED'}
  - {mode: Default, key: DEFAULT_VAR, value: 'alias-\$NODE_ALIAS'}
  - {mode: Execfd, key: EXECFD_VAR, value: echo computed}
exports:
$root_exports
EOF
make_node "$scratch/root/mid" mid Enable <<EOF
headers:
  alias: mid
exports:
  - {mode: Public, mount: /nodes/mid, path: $scratch/root/mid}
EOF
make_node "$scratch/root/mid/leaf" leaf Enable <<EOF
headers:
  alias: leaf
config:
  umask: '027'
  chdir: /tmp
  rlimits:
    nofile: 64
environ:
  - {mode: Inherit, key: FROM_CALLER}
  - {mode: Remove, key: STATIC_VAR_NONE}
EOF
leaf="$scratch/root/mid/leaf"
root="$scratch/root"
rw() { "$REDPAK" redwrap "$@"; }

# ---- running, exit codes ----
rw -r "$leaf" /bin/true; is $? 0 "program runs (exit 0)"
rw -r "$leaf" /bin/sh -c 'exit 7'; is $? 7 "exit status passes through"
rw -r "$leaf" /bin/sh -c 'kill -TERM $$'; is $? 143 "killed by SIGTERM: 128+15"
rw -r "$leaf" /bin/nonexistent 2>/dev/null; is $? 127 "program not found: 127"
rw -r "$leaf" /ro/file 2>/dev/null; is $? 126 "program not executable: 126"

# ---- exports ----
out=$(rw -r "$leaf" /bin/probe write /pub/new); is "$out" ok "Public is writable"
is "$(cat "$root/pub/new" 2>/dev/null)" probe "Public write reaches the host"
out=$(rw -r "$leaf" /bin/probe write /ro/file)
is "$out" "error: Read-only file system" "Restricted is read-only"
is "$(rw -r "$leaf" /bin/cat /ro/file)" restricted "Restricted is readable"
out=$(rw -r "$leaf" /bin/cat /priv/file 2>&1)
like "$out" "No such file" "parent's Private is invisible from a child"
is "$(rw -r "$root" /bin/cat /priv/file)" secret "Private is visible in its own node"
out=$(rw -r "$leaf" /bin/cat /privro/file 2>&1)
like "$out" "No such file" "parent's PrivateRestricted is invisible from a child"
is "$(rw -r "$root" /bin/probe write /privro/file)" "error: Read-only file system" \
    "PrivateRestricted is read-only in its node"
is "$(rw -r "$leaf" /bin/probe write /etc/pubfile)" ok "PublicFile is writable"
is "$(rw -r "$leaf" /bin/probe write /etc/rofile)" "error: Read-only file system" \
    "RestrictedFile is read-only"
is "$(rw -r "$leaf" /bin/cat /etc/rofile)" rofile "RestrictedFile content"
is "$(rw -r "$root" /bin/cat /etc/privfile)" privfile "PrivateFile in its node"
out=$(rw -r "$leaf" /bin/cat /etc/privfile 2>&1)
like "$out" "No such file" "PrivateFile invisible from a child"
out=$(rw -r "$leaf" /bin/sh -c 'ls -A /anon; probe write /anon/x; ls /anon')
is "$out" "ok
x" "Anonymous is an empty writable directory"
out=$(rw -r "$leaf" /bin/ls -A /anon); is "$out" "" "Anonymous is not persistent"
out=$(rw -r "$leaf" /bin/sh -c 'stat -c %a /tmp; probe write /tmp/x')
is "$out" "1777
ok" "Tmpfs is a writable sticky tmpfs"
out=$(rw -r "$leaf" /bin/sh -c 'grep " /dev/mqueue " /proc/self/mountinfo | cut -d" " -f9')
is "$out" mqueue "Mqueue is mounted"
is "$(rw -r "$leaf" /bin/readlink /link)" /ro/file "Symlink points to its path"
is "$(rw -r "$leaf" /bin/cat /link)" restricted "Symlink resolves inside"
is "$(rw -r "$leaf" /bin/cat /etc/execfd)" from-host-42 "Execfd file holds the command output"
is "$(rw -r "$leaf" /bin/probe write /etc/execfd)" "error: Read-only file system" \
    "Execfd file is read-only"
make_node "$scratch/internal" internal Enable <<EOF
headers:
  alias: internal
exports:
$(base_exports "$scratch/root")
  - {mode: Internal, mount: /etc/internal, path: '3'}
EOF
echo via-fd > "$scratch/fdfile"
is "$(rw -r "$scratch/internal" /bin/cat /etc/internal 3<"$scratch/fdfile")" via-fd \
    "Internal file holds the inherited descriptor's content"
out=$(rw -r "$leaf" /bin/sh -c 'cat /run/lock; sleep 1' & sleep 0.5
      flock -n -x "$scratch/lockfile" true; echo "locked=$?"; wait)
like "$out" "locked=1" "Lock is held while the container runs"
like "$out" "lockdata" "Lock file is visible inside"
flock -n -x "$scratch/lockfile" true; is $? 0 "Lock is released at exit"
out=$(rw -r "$leaf" /bin/sh -c 'grep -E " /(ro|pub) " /proc/self/mountinfo | cut -d" " -f5,6')
is "$out" "/pub rw,nosuid,nodev,relatime
/ro ro,nosuid,nodev,relatime" "binds are nosuid,nodev; Restricted is ro"
mkdir -p "$root/ro/sub"
if mount -t tmpfs redwrap-test "$root/ro/sub"; then
    echo submount > "$root/ro/sub/marker"
    out=$(rw -r "$leaf" /bin/sh -c 'cat /ro/sub/marker; probe write /ro/sub/x')
    umount "$root/ro/sub"
    is "$out" "submount
error: Read-only file system" "Restricted is read-only on submounts too"
fi

# ---- net ----
out=$(rw -r "$leaf" /bin/ip link show lo)
like "$out" "LOOPBACK,UP" "loopback is up in a new net namespace"
out=$(rw -r "$leaf" /bin/sh -c 'ls /sys/class/net 2>/dev/null; ip -o link | grep -vc ": lo:"')
is "$out" 0 "no host interface in a new net namespace"

# ---- proc, dev ----
out=$(rw -r "$leaf" /bin/probe write /proc/sys/kernel/hostname)
is "$out" "error: Read-only file system" "/proc/sys is read-only"
out=$(rw -r "$leaf" /bin/sh -c 'ls /proc | grep -c "^[0-9]"')
[ "$out" -le 4 ]; ok $? "new proc shows only the container's processes ($out)"
out=$(rw -r "$leaf" /bin/sh -c 'echo x > /dev/null && readlink /dev/ptmx && readlink /dev/stdout && test -c /dev/urandom && test -d /dev/pts && test -d /dev/shm && echo good')
is "$out" "pts/ptmx
/proc/self/fd/1
good" "Devfs: null, ptmx link, stdio links, urandom, pts, shm"

# ---- environment ----
out=$(FROM_CALLER=yes SECRET=no rw -r "$leaf" /bin/probe env | sort)
is "$out" "DEFAULT_VAR=alias-base
EXECFD_VAR=computed
FROM_CALLER=yes
PATH=/usr/bin:/bin
STATIC_VAR=\$NOT_EXPANDED" "environment: cleared, Static, Default, Execfd, Inherit"

# ---- identity, limits ----
is "$(rw -r "$leaf" /bin/probe umask)" 0027 "umask applied"
is "$(rw -r "$leaf" /bin/probe cwd)" /tmp "chdir applied"
is "$(rw -r "$leaf" /bin/probe hostname)" redbox "hostname applied"
is "$(rw -r "$leaf" /bin/probe rlimit nofile)" "64 64" "rlimit nofile applied"
out=$(rw -r "$leaf" /bin/probe caps)
like "$out" "CapEff:	0000000000000000" "no effective capabilities by default"
like "$out" "CapBnd:	0000000000000000" "empty bounding set by default"
like "$out" "NoNewPrivs:	1" "no-new-privs set"
out=$(rw -r "$leaf" -u 1000 -g 1000 /bin/probe ids)
is "$out" "uid=1000 euid=1000 gid=1000 egid=1000 groups=" "--user/--group, no supplementary groups"
make_node "$scratch/capnode" capnode Enable <<EOF
headers:
  alias: capnode
config:
  set-user: '1000'
  set-group: '1000'
  capabilities:
    - {cap: NET_RAW, add: 1}
exports:
$(base_exports "$scratch/root")
EOF
out=$(rw -r "$scratch/capnode" /bin/probe caps)
like "$out" "CapEff:	0000000000002000" "set-user keeps exactly the added capability (effective)"
like "$out" "CapBnd:	0000000000002000" "bounding set is exactly the added capability"
like "$out" "CapInh:	0000000000002000" "inheritable set too"
is "$(rw -r "$scratch/capnode" /bin/probe ids)" "uid=1000 euid=1000 gid=1000 egid=1000 groups=" \
    "set-user/set-group from the configuration"
is "$(rw -r "$scratch/capnode" -u 0 /bin/probe caps | grep CapPrm)" "CapPrm:	0000000000002000" \
    "root inside gets no more than the added capability"

# ---- pid 1 ----
is "$(rw -r "$leaf" /bin/probe pid)" "2 1" "program runs under a pid 1"
is "$(rw -r "$leaf" /bin/probe orphans)" reaped "pid 1 reaps orphans"
rw -r "$leaf" /bin/sleep 30 & wrapper=$!
sleep 0.5
residents=$(pgrep -c -f "redwrap -r $leaf /bin/sleep")
kill -TERM $wrapper; wait $wrapper; st=$?
is "$st" 143 "SIGTERM forwarded to the program"
[ "$residents" -le 2 ]; ok $? "at most two redwrap processes resident ($residents)"
# pid 1 reports the program's status through a pipe; killed before it
# could, redwrap returns pid 1's own status.
rw -r "$leaf" /bin/sleep 32 & wrapper=$!
sleep 0.5
monitor=$(pgrep -o -f "redwrap -r $leaf /bin/sleep 32")
kill -KILL "$(pgrep -P "$monitor")"; wait $wrapper; st=$?
is "$st" 137 "pid 1 killed before its report: its status (128+9)"

# ---- escapes that must fail ----
chmod 755 "$scratch"
cp "$scratch/root/bin/probe" "$scratch/root/bin/suidprobe"
chmod 4755 "$scratch/root/bin/suidprobe"
out=$(rw -r "$leaf" -u 1000 /bin/probe exec /bin/suidprobe ids)
like "$out" "euid=1000" "setuid binary grants nothing"
out=$(rw -r "$leaf" /bin/probe mount); like "$out" "^error" "cannot mount inside"
out=$(rw -r "$leaf" /bin/ls /); like "$out" "^anon" "root holds only the exports"
out=$(rw -r "$leaf" /bin/sh -c "ls -d $scratch /oldroot /newroot 2>&1")
like "$out" "No such file" "host root is not reachable"
out=$(rw -r "$leaf" /bin/sh -c "kill -0 $$ 2>&1; echo \$?")
like "$out" "1$" "host processes are not reachable"
out=$(rw -r "$leaf" /bin/probe write /nodes/mid/etc/redpak.yaml)
is "$out" "error: Read-only file system" "node configuration is never writable"
out=$(rw -r "$leaf" /bin/probe write /nodes/mid/.rednode.yaml)
is "$out" "error: Read-only file system" "node status is never writable"
out=$(rw -r "$leaf" /bin/ls /proc/self/fd 9</)
! printf '%s\n' "$out" | grep -qx 9; ok $? "descriptors left open by the caller do not reach the program"
mkdir -p "$scratch/evil"
ln -s / "$scratch/evil/usr"
make_node "$scratch/evil" evil Enable <<EOF
headers:
  alias: evil
exports:
$(base_exports "$scratch/root")
  - {mode: Restricted, mount: /usr, path: $scratch/evil/usr}
EOF
out=$(rw -r "$scratch/evil" /bin/true 2>&1); st=$?
is "$st" 125 "a symlink leading out of a node is refused"
like "$out" "cannot bind $scratch/evil/usr onto /usr: it leads out of node" \
    "message names the export"
if command -v script >/dev/null; then
    out=$(script -qec "$REDPAK redwrap -r $leaf /bin/probe tiocsti" /dev/null </dev/null)
    like "$out" "error: Operation not permitted" "TIOCSTI into the caller's terminal fails"
fi

# ---- namespaces: new, shared, joined ----
host_ns() { readlink /proc/self/ns/$1; }
out=$(rw -r "$leaf" /bin/probe ns)
for ns in user mnt pid ipc uts net cgroup time; do
    inside=$(printf '%s\n' "$out" | sed -n "s/^$ns //p")
    [ -n "$inside" ] && [ "$inside" != "$(host_ns $ns)" ]
    ok $? "$ns namespace is new by default"
done
unshare --ipc --kill-child sleep 30 & holder=$!
sleep 0.3
make_node "$scratch/nsnode" nsnode Enable <<EOF
headers:
  alias: nsnode
config:
  share_user: Enabled
  share_net: Enabled
  share_pid: Enabled
  share_cgroup: Enabled
  share_time: Enabled
  share_ipc: /proc/$holder/ns/ipc
exports:
$(base_exports "$scratch/root")
EOF
out=$(rw -r "$scratch/nsnode" /bin/probe ns)
for ns in user pid net cgroup time; do
    is "$(printf '%s\n' "$out" | sed -n "s/^$ns //p")" "$(host_ns $ns)" \
        "share_$ns: Enabled shares the host's $ns namespace"
done
is "$(printf '%s\n' "$out" | sed -n 's/^ipc //p')" "$(readlink /proc/$holder/ns/ipc)" \
    "share_ipc: PATH joins that namespace"
out=$(rw -r "$scratch/nsnode" /bin/probe ids)
like "$out" "^uid=0 " "shared user namespace keeps root"
kill $holder; wait $holder 2>/dev/null
unshare --net --pid --kill-child sleep 30 & holder=$!
sleep 0.3
make_node "$scratch/joinnode" joinnode Enable <<EOF
headers:
  alias: joinnode
config:
  share_user: Enabled
  share_net: /proc/$holder/ns/net
  share_pid: /proc/$holder/ns/pid_for_children
exports:
$(base_exports "$scratch/root")
EOF
# LeakSanitizer's exit-time tracer would be cloned into the joined pid
# namespace, where it cannot see redwrap, and redwrap would spin waiting
# for it (ASan build only); the timeout turns any hang into a failure.
out=$(ASAN_OPTIONS=detect_leaks=0 timeout -k 5 60 "$REDPAK" redwrap \
    -r "$scratch/joinnode" /bin/probe ns)
is "$(printf '%s\n' "$out" | sed -n 's/^net //p')" "$(readlink /proc/$holder/ns/net)" \
    "share_net: PATH joins that network namespace"
is "$(printf '%s\n' "$out" | sed -n 's/^pid //p')" "$(readlink /proc/$holder/ns/pid_for_children)" \
    "share_pid: PATH joins that pid namespace"
kill $holder; wait $holder 2>/dev/null

# user_ns MAP: a holder process in a new user namespace whose uid and gid
# maps are MAP (lines "INSIDE OUTSIDE COUNT"); sets $holder.
user_ns() {
    unshare --user --kill-child sleep 30 & holder=$!
    while [ "$(readlink /proc/$holder/ns/user)" = "$(host_ns user)" ]; do sleep 0.1; done
    printf "$1" > /proc/$holder/uid_map
    printf "$1" > /proc/$holder/gid_map
}
user_node() {
    make_node "$scratch/$1" $1 Enable <<EOF
headers:
  alias: $1
config:
  share_user: /proc/$holder/ns/user
exports:
$(base_exports "$scratch/root")
EOF
}
# root's own id unmapped (though 65534, the overflow id shown, is)
user_ns "0 100000 65536\n"; user_node unmapped
out=$(rw -r "$scratch/unmapped" /bin/true 2>&1); st=$?
is "$st" 125 "joined user namespace where the caller is not mapped: refused"
like "$out" "^redwrap: cannot run in user namespace /proc/$holder/ns/user: the caller's ids are not mapped there" \
    "message names the namespace"
kill $holder; wait $holder 2>/dev/null
user_ns "0 0 1\n1 100001 65535\n"; user_node mapped
out=$(rw -r "$scratch/mapped" --dump-only /bin/true)
like "$out" "user caller" "dump: a joined user namespace keeps the caller's uid"
is "$(rw -r "$scratch/mapped" /bin/probe ids)" "uid=0 euid=0 gid=0 egid=0 groups=" \
    "joined user namespace: the caller's ids as mapped there"
is "$(rw -r "$scratch/mapped" -u 1000 -g 1000 /bin/probe ids)" \
    "uid=1000 euid=1000 gid=1000 egid=1000 groups=" "--user/--group are ids of the joined namespace"
is "$(rw -r "$scratch/mapped" -u 1000 /bin/readlink /proc/self/ns/user)" \
    "$(readlink /proc/$holder/ns/user)" "the program runs in the joined user namespace"
out=$(rw -r "$scratch/mapped" -u 70000 /bin/true 2>&1); st=$?
is "$st" 125 "an id the joined namespace does not map: refused"
like "$out" "cannot run as uid 70000 in user namespace /proc/$holder/ns/user: it is not mapped there" \
    "message names the id"
kill $holder; wait $holder 2>/dev/null

# ---- --admin, --verbose, die-with-parent, SIGHUP ----
cat > "$leaf/etc/redpak-admin.yaml" <<EOF
headers:
  alias: leaf
environ:
  - {mode: Static, key: ADMIN_VAR, value: admin}
EOF
out=$(rw -r "$leaf" --admin /bin/probe env)
like "$out" "ADMIN_VAR=admin" "--admin merges the admin file"
out=$(rw -r "$leaf" /bin/probe env)
! printf '%s' "$out" | grep -q ADMIN_VAR; ok $? "admin file ignored without --admin"
out=$(rw -v -r "$leaf" /bin/true 2>&1)
like "$out" "redwrap: mount /ro from $root/ro" "--verbose names each mount"
make_node "$scratch/dwp" dwp Enable <<EOF
headers:
  alias: dwp
config:
  die-with-parent: Enabled
exports:
$(base_exports "$scratch/root")
EOF
sh -c "\"$REDPAK\" redwrap -r \"$scratch/dwp\" /bin/sleep 31.5; :" & parent=$!
sleep 0.5
kill -KILL $parent; wait $parent 2>/dev/null
sleep 0.5
! pgrep -f "sleep 31.5" >/dev/null; ok $? "die-with-parent: container dies with the caller"
rw -r "$leaf" /bin/sleep 30 & wrapper=$!
sleep 0.5; kill -HUP $wrapper; wait $wrapper
is $? 129 "SIGHUP forwarded: 128+1"

# ---- states, --force, --strict, --dump-only ----
sed -i 's/state: Enable/state: Disable/' "$root/mid/.rednode.yaml"
out=$(rw -r "$leaf" /bin/true 2>&1); st=$?
is "$st" 125 "a disabled ancestor refuses to run"
like "$out" "redwrap: node $root/mid is Disable" "message names the node"
rw -r "$leaf" --force /bin/true; is $? 0 "--force runs anyway"
sed -i 's/state: Disable/state: Enable/' "$root/mid/.rednode.yaml"

make_node "$scratch/missing" missing Enable <<EOF
headers:
  alias: missing
exports:
$(base_exports "$scratch/root")
  - {mode: Public, mount: /made, path: $scratch/made/here}
  - {mode: RestrictedFile, mount: /etc/nofile, path: $scratch/nofile}
EOF
out=$(rw -r "$scratch/missing" --dump-only /bin/true); st=$?
is "$st" 0 "--dump-only exits 0"
[ ! -e "$scratch/made" ]; ok $? "--dump-only touches nothing"
like "$out" "mount [0-9]+ bind /made rw,rec,nosuid,nodev,create export=Public" "dump shows a bind"
like "$out" "namespace net new" "dump shows namespaces"
make_node "$scratch/commands" commands Enable <<EOF
headers:
  alias: commands
config:
  hostname: h\$(touch $scratch/ran-config)
environ:
  - {mode: Default, key: FROM_COMMAND, value: '\$(touch $scratch/ran-env; echo v)'}
  - {mode: Execfd, key: FROM_EXECFD, value: 'touch $scratch/ran-execfd'}
exports:
$(base_exports "$scratch/root")
  - {mode: Public, mount: /cmd, path: '$scratch/cmd\$(touch $scratch/ran-export)'}
EOF
out=$(rw -r "$scratch/commands" --dump-only /bin/true); st=$?
is "$st" 0 "--dump-only with commands exits 0"
set -- "$scratch"/ran-*; [ ! -e "$1" ]; ok $? "--dump-only runs no \$(...) nor Execfd command"
like "$out" "env set FROM_COMMAND=\\\$\\(touch $scratch/ran-env; echo v\\)" \
    "dump shows a \$(...) as written"
like "$out" "source=$scratch/cmd\\\$\\(touch $scratch/ran-export\\)\$" \
    "dump shows a \$(...) of an export path as written"
like "$out" "hostname h\\\$\\(touch" "dump shows a \$(...) of a config string as written"
rw -r "$scratch/commands" /bin/true
is "$(cd "$scratch" && echo ran-*)" "ran-config ran-env ran-execfd ran-export" \
    "a run runs them all"
out=$(rw -r "$scratch/missing" --strict /bin/true 2>&1); st=$?
is "$st" 125 "--strict: missing source is an error"
like "$out" "^redwrap: cannot bind $scratch/made/here onto /made: No such file" \
    "failure message names step and paths"
out=$(rw -r "$scratch/missing" /bin/true 2>&1); st=$?
is "$st" 0 "missing sources: directory created, file skipped"
like "$out" "warning: skipping /etc/nofile" "skipped file is warned about"
[ -d "$scratch/made/here" ]; ok $? "missing directory source created"

# ---- setuid refusal ----
cp "$REDPAK" "$scratch/redpak-suid"; chmod 4755 "$scratch/redpak-suid"
out=$("$scratch/redpak-suid" redwrap -r "$leaf" /bin/true 2>&1); st=$?
is "$st" 125 "setuid binary refuses to run"
like "$out" "refusing to run" "setuid refusal message"

done_testing
