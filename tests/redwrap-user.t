#!/bin/sh
# redwrap run by an unprivileged user (uid 65534 through setpriv): a user
# namespace maps the caller, nothing of the host becomes reachable.
. "$(dirname "$0")/lib/tap.sh"
. "$TESTS_DIR/lib/redwrap.sh"

if [ "$(id -u)" -ne 0 ] || ! command -v setpriv >/dev/null; then
    echo "1..0 # SKIP needs root and setpriv to become an unprivileged user"
    exit 0
fi
chmod 755 "$scratch"
cp "$REDPAK" "$scratch/redpak"
chmod 755 "$scratch/redpak"
as_user() {
    setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all \
        env REDPAK_MAIN="$REDPAK_MAIN" "$scratch/redpak" redwrap "$@"
}

make_base "$scratch/root"
mkdir -p "$scratch/root/ro" "$scratch/root/pub"
echo restricted > "$scratch/root/ro/file"
chown 65534:65534 "$scratch/root/pub" "$scratch/root/ro/file" # EROFS, not EACCES
make_node "$scratch/root" base Enable <<EOF
headers:
  alias: base
config:
  hostname: userbox
exports:
$(base_exports "$scratch/root")
  - {mode: Restricted, mount: /ro, path: $scratch/root/ro}
  - {mode: Public, mount: /pub, path: $scratch/root/pub}
  - {mode: Mqueue, mount: /dev/mqueue}
  - {mode: Execfd, mount: /etc/whoami, path: id -u}
EOF
make_node "$scratch/root/leaf" leaf Enable <<EOF
headers:
  alias: leaf
config:
  map-root-user: true
  capabilities:
    - {cap: NET_BIND_SERVICE, add: 1}
EOF
root="$scratch/root"
leaf="$scratch/root/leaf"

as_user -r "$root" /bin/true; is $? 0 "unprivileged run works"
is "$(as_user -r "$root" /bin/probe ids)" "uid=65534 euid=65534 gid=65534 egid=65534 groups=" \
    "caller's uid maps to itself"
is "$(as_user -r "$root" /bin/cat /etc/whoami)" 65534 "Execfd runs on the host as the caller"
is "$(as_user -r "$root" /bin/probe hostname)" userbox "hostname in a user-owned uts namespace"
is "$(as_user -r "$root" /bin/probe write /pub/x)" ok "Public writable by its owner"
is "$(as_user -r "$root" /bin/probe write /ro/file)" "error: Read-only file system" \
    "Restricted is read-only"
out=$(as_user -r "$root" /bin/probe caps)
like "$out" "CapEff:	0000000000000000" "no capabilities by default"
like "$out" "NoNewPrivs:	1" "no-new-privs"
is "$(as_user -r "$root" /bin/probe orphans)" reaped "pid 1 reaps orphans"
out=$(as_user -r "$root" /bin/sh -c 'ls /proc | grep -c "^[0-9]"')
[ "$out" -le 4 ]; ok $? "only the container's processes are visible ($out)"
out=$(as_user -r "$root" /bin/probe mount); like "$out" "^error" "cannot mount inside"
out=$(as_user -r "$root" /bin/ls -d /oldroot "$scratch" 2>&1)
like "$out" "No such file" "host root unreachable"
out=$(as_user -r "$root" -u 0 /bin/true 2>&1); st=$?
is "$st" 125 "cannot become another user"
like "$out" "cannot run as user 0: only uid 65534 is mapped" "message says why"

is "$(as_user -r "$leaf" /bin/probe ids)" "uid=0 euid=0 gid=0 egid=0 groups=" \
    "map-root-user maps the caller to root"
out=$(as_user -r "$leaf" /bin/probe caps)
like "$out" "CapEff:	0000000000000400" "an added capability is effective"
like "$out" "CapBnd:	0000000000000400" "bounding set is exactly the added capabilities"
like "$out" "CapAmb:	0000000000000400" "ambient set too"
is "$(as_user -r "$leaf" /bin/probe write /ro/file)" "error: Read-only file system" \
    "root inside still cannot write Restricted"
as_user -r "$root" /bin/sh -c 'kill -INT $$'; is $? 130 "SIGINT: 128+2"
make_node "$scratch/shared" shared Enable <<EOF
headers:
  alias: shared
config:
  share_user: Enabled
exports:
$(base_exports "$scratch/root")
EOF
is "$(as_user -r "$scratch/shared" /bin/probe ids)" "uid=65534 euid=65534 gid=65534 egid=65534 groups=" \
    "share_user Enabled without root still gets a user namespace of its own"

# A user namespace of the caller's own (unshare --map-root-user): joined,
# the caller is root there, as unshare made it.
setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all \
    unshare --user --map-root-user --kill-child sleep 30 & holder=$!
while ! grep -q '^ *0 *65534 ' /proc/$holder/uid_map 2>/dev/null; do sleep 0.1; done
make_node "$scratch/joined" joined Enable <<EOF
headers:
  alias: joined
config:
  share_user: /proc/$holder/ns/user
exports:
$(base_exports "$scratch/root")
  - {mode: Restricted, mount: /ro, path: $scratch/root/ro}
EOF
is "$(as_user -r "$scratch/joined" /bin/probe ids)" "uid=0 euid=0 gid=0 egid=0 groups=" \
    "joined user namespace: the caller's ids as it maps them"
is "$(as_user -r "$scratch/joined" /bin/readlink /proc/self/ns/user)" \
    "$(readlink /proc/$holder/ns/user)" "the program runs in the joined user namespace"
is "$(as_user -r "$scratch/joined" /bin/probe write /ro/file)" "error: Read-only file system" \
    "Restricted is read-only in a joined user namespace"
out=$(as_user -r "$scratch/joined" -u 1 /bin/true 2>&1); st=$?
is "$st" 125 "an id the joined namespace does not map: refused"
like "$out" "cannot run as uid 1 in user namespace /proc/$holder/ns/user: it is not mapped there" \
    "message names the id"
kill $holder; wait $holder 2>/dev/null

done_testing
