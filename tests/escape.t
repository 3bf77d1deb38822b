#!/bin/sh
# Escape attempts from inside nodes run by redwrap (SPEC §6), as root and
# as an unprivileged user: every attempt must fail. The tree is a "system"
# root node carrying the built-in template's seccomp deny list, with two
# application nodes below it. tests/helpers/escape.c makes the attempts.
. "$(dirname "$0")/lib/tap.sh"
. "$TESTS_DIR/lib/redwrap.sh"

escape_setup
echo host > "$scratch/host-marker"

# ---- the tree ----
sys="$scratch/sys" app="$scratch/sys/app" other="$scratch/sys/other"
make_base "$sys"
cp "$scratch/escape" "$sys/bin/escape"
mkdir -p "$sys/ro" "$sys/special" "$app/var/lib/rpm" "$app/usr" \
    "$other/private" "$app/private"
echo restricted > "$sys/ro/file"
echo secret > "$other/private/secret"
echo rpmdb > "$app/var/lib/rpm/rpmdb.sqlite"
# a setuid-root copy and a copy with a file capability
cp "$scratch/escape" "$sys/special/suid" && chmod 4755 "$sys/special/suid"
cp "$scratch/escape" "$sys/special/fcap"
setcap cap_sys_admin,cap_dac_override+ep "$sys/special/fcap" 2>/dev/null
fcap=$?
# the built-in template's seccomp section, as a node created by
# `redmanager create` would have it
seccomp=$(sed -n '/^  seccomp:/,/^[^ ]/p' "$TESTS_DIR/../config/template-system.yaml" |
    sed '$d')
make_node "$sys" sys Enable <<EOF
headers:
  alias: sys
config:
$seccomp
exports:
$(base_exports "$sys")
  - {mode: Restricted, mount: /ro, path: $sys/ro}
  - {mode: Restricted, mount: /special, path: $sys/special}
EOF
make_node "$app" app Enable <<EOF
headers:
  alias: app
exports:
  - {mode: Restricted, mount: /nodes/app/usr, path: $app/usr}
  - {mode: Private, mount: /nodes/app/var, path: $app/var}
  - {mode: Public, mount: /nodes/app/all, path: $app}
EOF
make_node "$sys/sneaky" sneaky Enable <<EOF
headers:
  alias: sneaky
exports:
  - {mode: PublicFile, mount: /config, path: $sys/sneaky/etc/redpak.yaml}
EOF
make_node "$sys/rpmpub" rpmpub Enable <<EOF
headers:
  alias: rpmpub
exports:
  - {mode: Public, mount: /rpm, path: $sys/rpmpub/var/lib/rpm}
EOF
make_node "$other" other Enable <<EOF
headers:
  alias: other
exports:
  - {mode: Private, mount: /nodes/other/private, path: $other/private}
EOF
make_node "$sys/shared" shared Enable <<EOF
headers:
  alias: shared
config:
  share_pid: Enabled
  new-session: Disabled
EOF

sleep 300 & host_pid=$!
trap 'kill $host_pid 2>/dev/null; rm -rf "$scratch"' EXIT

as_root() { "$scratch/redpak" redwrap "$@" 2>&1; }
as_user() {
    setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all \
        env REDPAK_MAIN="$REDPAK_MAIN" "$scratch/redpak" redwrap "$@" 2>&1
}
# refused WHO DESCRIPTION REDWRAP-ARGS...: the attempt prints "error: ..."
refused() {
    who=$1 what=$2; shift 2
    out=$(as_$who "$@"); st=$?
    case "$out" in
    error:*) ok 0 "$who: $what ($out)" ;;
    *) ok 1 "$who: $what"; printf '# exit %s: %s\n' "$st" "$out" ;;
    esac
}

for who in root user; do
    # the host and other nodes
    refused $who "host root not visible" -r "$app" /bin/escape read "$scratch/host-marker"
    refused $who "chroot escape does not reach the host root" \
        -r "$app" /bin/escape chroot-break "$scratch/host-marker"
    refused $who "another node's Private data not visible" \
        -r "$app" /bin/escape read /nodes/other/private/secret
    refused $who "another node's Private data not reachable by host path" \
        -r "$app" /bin/escape read "$other/private/secret"
    refused $who "a host process not visible through /proc" \
        -r "$sys/shared" /bin/escape read "/proc/$host_pid/root$scratch/host-marker"
    # read-only stays read-only
    refused $who "remount a Restricted mount read-write" -r "$app" /bin/escape remount-rw /ro
    refused $who "write into a Restricted mount" -r "$app" /bin/escape write /ro/file
    refused $who "write the node's own configuration" \
        -r "$app" /bin/escape write /nodes/app/all/etc/redpak.yaml
    refused $who "write the node's status file" \
        -r "$app" /bin/escape write /nodes/app/all/.rednode.yaml
    refused $who "write the node's rpm database (normal run)" \
        -r "$app" /bin/escape write /nodes/app/var/lib/rpm/rpmdb.sqlite
    refused $who "write the node's rpm database through a parent bind" \
        -r "$app" /bin/escape write /nodes/app/all/var/lib/rpm/rpmdb.sqlite
    out=$(as_$who -r "$sys/sneaky" /bin/escape write /config); st=$?
    is "$st" 125 "$who: a writable file export of the node's own configuration is refused"
    like "$out" "refusing to make the configuration of node $sys/sneaky writable" \
        "$who: ... saying so"
    out=$(as_$who -r "$sys/rpmpub" /bin/escape write /rpm/x); st=$?
    is "$st" 125 "$who: a writable export of the node's rpm database is refused"
    # new privileges (the program runs as uid 1000, or 65534 as mapped
    # for an unprivileged caller)
    uid=1000 user_option="-u 1000"
    [ $who = user ] && uid=65534 user_option=
    out=$(as_$who $user_option -r "$app" /special/suid caps)
    is "$out" "caps=0000000000000000 euid=$uid" "$who: a setuid-root binary gives nothing"
    if [ $fcap -eq 0 ]; then
        out=$(as_$who $user_option -r "$app" /special/fcap caps)
        is "$out" "caps=0000000000000000 euid=$uid" "$who: a file-capability binary gives nothing"
    fi
    refused $who "create a user namespace to regain capabilities" -r "$app" /bin/escape userns
    # host processes
    refused $who "signal a host process (new pid namespace)" -r "$app" /bin/escape kill "$host_pid"
    refused $who "ptrace a host process (new pid namespace)" -r "$app" /bin/escape ptrace "$host_pid"
    # (sharing the host's pid namespace is the config's choice; a program
    # running as the host process's own uid could signal it, so not root)
    refused $who "signal a host process (shared pid namespace)" \
        $user_option -r "$sys/shared" /bin/escape kill "$host_pid"
    refused $who "ptrace a host process (shared pid namespace)" \
        $user_option -r "$sys/shared" /bin/escape ptrace "$host_pid"
    # the kernel
    for call in init_module finit_module delete_module kexec_load bpf \
        perf_event_open keyctl add_key request_key userfaultfd; do
        out=$(as_$who -r "$app" /bin/escape syscall $call)
        is "$out" "error: Operation not permitted" "$who: $call denied by the template's seccomp policy"
    done
    # the terminal
    if command -v script >/dev/null; then
        run="$scratch/redpak redwrap"
        [ $who = user ] &&
            run="setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all env REDPAK_MAIN=$REDPAK_MAIN $run"
        for node in "$app" "$sys/shared"; do
            out=$(script -qec "$run -r $node /bin/escape tiocsti" /dev/null </dev/null | tr -d '\r')
            case "$out" in error:*) ok 0 "$who: TIOCSTI in ${node#$scratch/} ($out)" ;;
            *) ok 1 "$who: TIOCSTI in ${node#$scratch/}"; echo "# $out" ;; esac
        done
    fi
done
kill $host_pid 2>/dev/null
is "$(cat "$scratch/host-marker" "$sys/ro/file" "$app/etc/redpak.yaml" | head -2)" \
    "host
restricted" "nothing outside was modified"
is "$(cat "$app/var/lib/rpm/rpmdb.sqlite")" "rpmdb" "the rpm database is intact"

done_testing
