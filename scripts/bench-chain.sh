# The benchmark's node chain (sourced by scripts/bench.sh and
# scripts/hot-functions.sh): in $work, 3 nodes with 25 exports of every
# common mode; sets root, mid, leaf and REDPAK_MAIN. $leaf_extra (YAML
# export lines) is added to the leaf's exports.
node() { # node DIR ALIAS < EXPORTS
    mkdir -p "$1/etc" "$1/usr" "$1/var" "$1/private"
    printf 'realpath: %s\nstate: Enable\ntimestamp: 0\ninfo: bench\n' "$1" \
        > "$1/.rednode.yaml"
    { printf 'headers:\n  alias: %s\nconfig:\n  share_time: Enabled\nexports:\n' "$2"
      cat; } > "$1/etc/redpak.yaml"
}
root=$work/root mid=$work/root/mid leaf=$work/root/mid/leaf
printf 'headers:\n  alias: main\n' > "$work/main.yaml"
export REDPAK_MAIN="$work/main.yaml"

# 25 exports: 14 in the root node, 6 in mid, 5 in the leaf.
node "$root" root <<EOF
  - {mode: Restricted, mount: /usr, path: /usr}
  - {mode: Symlink, mount: /bin, path: usr/bin}
  - {mode: Symlink, mount: /sbin, path: usr/sbin}
  - {mode: Symlink, mount: /lib, path: usr/lib}
  - {mode: Symlink, mount: /lib64, path: usr/lib64}
  - {mode: Procfs, mount: /proc}
  - {mode: Devfs, mount: /dev}
  - {mode: Tmpfs, mount: /tmp}
  - {mode: RestrictedFile, mount: /etc/passwd, path: /etc/passwd}
  - {mode: RestrictedFile, mount: /etc/group, path: /etc/group}
  - {mode: RestrictedFile, mount: /etc/hosts, path: /etc/hosts}
  - {mode: RestrictedFile, mount: /etc/nsswitch.conf, path: /etc/nsswitch.conf}
  - {mode: RestrictedFile, mount: /etc/os-release, path: /etc/os-release}
  - {mode: Restricted, mount: /nodes/root/usr, path: $root/usr}
EOF
node "$mid" mid <<EOF
  - {mode: Restricted, mount: /nodes/mid/usr, path: $mid/usr}
  - {mode: Public, mount: /nodes/mid/var, path: $mid/var}
  - {mode: Restricted, mount: /nodes/mid/etc, path: $mid/etc}
  - {mode: Tmpfs, mount: /run}
  - {mode: Mqueue, mount: /dev/mqueue}
  - {mode: Anonymous, mount: /home}
EOF
node "$leaf" leaf <<EOF
  - {mode: Restricted, mount: /nodes/leaf/usr, path: $leaf/usr}
  - {mode: Public, mount: /nodes/leaf/var, path: $leaf/var}
  - {mode: Private, mount: /nodes/leaf/private, path: $leaf/private}
  - {mode: Restricted, mount: /nodes/leaf/etc, path: $leaf/etc}
  - {mode: Tmpfs, mount: /var/tmp}
${leaf_extra:-}
EOF

