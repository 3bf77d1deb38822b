#!/bin/sh
# redwrap on unusual hosts: a kernel without the new mount API (the nosys
# helper makes open_tree, mount_setattr... fail with ENOSYS, so the
# fallbacks run), a host without /tmp. Mounts are made in mount
# namespaces of their own (unshare -m) and vanish with them.
. "$(dirname "$0")/lib/tap.sh"
. "$TESTS_DIR/lib/redwrap.sh"

if [ "$(id -u)" -ne 0 ] || ! command -v setpriv >/dev/null ||
    ! command -v unshare >/dev/null || ! command -v chroot >/dev/null; then
    echo "1..0 # SKIP needs root, setpriv, unshare and chroot"
    exit 0
fi
helper_build "$scratch/nosys" "$TESTS_DIR/helpers/nosys.c" ||
    { echo "1..0 # SKIP cannot build tests/helpers/nosys.c"; exit 0; }
chmod 755 "$scratch"
cp "$REDPAK" "$scratch/redpak"
chmod 755 "$scratch/redpak" "$scratch/nosys"

root="$scratch/root"
make_base "$root"
mkdir -p "$root/ro/sub" "$root/pub/sub"
make_node "$root" base Enable <<EOF
headers:
  alias: base
exports:
$(base_exports "$root")
  - {mode: Restricted, mount: /ro, path: $root/ro}
  - {mode: Public, mount: /pub, path: $root/pub}
EOF

# nested CMD...: CMD where ro/sub and pub/sub are tmpfs mounts of their
# own (noexec like many host mounts: a flag locked for a user namespace).
nested() {
    unshare -m sh -c 'for d in ro pub; do
            mount -t tmpfs -o mode=0777,nosuid,nodev,noexec tmpfs "$0/$d/sub" || exit 99
        done; exec "$@"' "$root" "$@"
}
as_user="setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all"

# ---- read-only binds are read-only on every submount ----
for how in "" "$scratch/nosys" "$scratch/nosys -s"; do
    case $how in
    *-s) what=" (open_tree but no mount_setattr)" ;;
    ?*) what=" (no new mount API)" ;;
    *) what= ;;
    esac
    is "$(nested $how "$scratch/redpak" redwrap -r "$root" /bin/probe write /ro/sub/x)" \
        "error: Read-only file system" "root: a mount below a Restricted export is read-only$what"
    is "$(nested $how "$scratch/redpak" redwrap -r "$root" /bin/probe write /ro/x)" \
        "error: Read-only file system" "root: the Restricted export itself is read-only$what"
    is "$(nested $how "$scratch/redpak" redwrap -r "$root" /bin/probe write /pub/sub/x)" \
        ok "root: a mount below a Public export stays writable$what"
    is "$(nested $as_user $how "$scratch/redpak" redwrap -r "$root" /bin/probe write /ro/sub/x)" \
        "error: Read-only file system" "user: a mount below a Restricted export is read-only$what"
    is "$(nested $as_user $how "$scratch/redpak" redwrap -r "$root" /bin/probe write /pub/sub/x)" \
        ok "user: a mount below a Public export stays writable$what"
    out=$(nested $as_user $how "$scratch/redpak" redwrap -r "$root" /bin/cat /proc/self/mountinfo)
    like "$out" " /ro/sub [^ ]*ro,nosuid,nodev,noexec" "user: the submount keeps its locked noexec$what"
done

# ---- no /tmp on the host ----
# A root of binds of every top-level directory but /tmp (read-only, so
# nothing can create it), the test tree at /s; pivot_root into it.
mkdir -p "$scratch/tree/node" "$scratch/fake"
make_base "$scratch/tree/node"
cp "$scratch/redpak" "$scratch/tree/redpak"
cp "$REDPAK_MAIN" "$scratch/tree/main.yaml"
chmod 755 "$scratch/tree"
make_node "$scratch/tree/node" node Enable <<EOF
headers:
  alias: node
exports:
$(base_exports /s/node)
EOF
sed -i 's|^realpath: .*|realpath: /s/node|' "$scratch/tree/node/.rednode.yaml"
out=$(unshare -m sh -c 'fake=$0 tree=$1; shift
    mount -t tmpfs -o mode=0755 tmpfs "$fake" || exit 99
    for entry in /*; do
        name=${entry#/}
        [ "$name" = tmp ] && continue
        if [ -L "$entry" ]; then ln -s "$(readlink "$entry")" "$fake/$name"
        elif [ -d "$entry" ]; then mkdir "$fake/$name" && mount --rbind "$entry" "$fake/$name"
        fi || exit 99
    done
    mkdir "$fake/s" "$fake/.host" && mount --bind "$tree" "$fake/s" &&
        mount -o remount,ro,bind "$fake" && cd "$fake" && pivot_root . .host &&
        cd / && umount -l /.host || exit 99
    export REDPAK_MAIN=/s/main.yaml
    for user in "" "$*"; do
        $user /s/redpak redwrap -r /s/node /bin/sh -c "test -e /tmp/x || probe write /tmp/x"
    done' "$scratch/fake" "$scratch/tree" $as_user 2>&1)
is "$out" "ok
ok" "redwrap runs on a host without /tmp (root, then a user)"

done_testing
