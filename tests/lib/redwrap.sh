# Fixtures of the redwrap tests (sourced after tap.sh): node trees written
# by hand, busybox and the probe helper as the programs inside.

# A main.yaml of our own: the installed one must not change the results.
REDPAK_MAIN="$scratch/main.yaml"
export REDPAK_MAIN
cat > "$REDPAK_MAIN" <<'YAML'
headers:
  alias: main
config:
  share_all: Disabled
YAML

# helper_build OUT SOURCE: a static helper (musl-gcc when present, else gcc).
helper_build() {
    for cc in musl-gcc gcc; do
        command -v $cc >/dev/null &&
            $cc -static -Os -o "$1" "$2" 2>/dev/null && return 0
    done
    return 1
}
probe_build() { helper_build "$1" "$TESTS_DIR/helpers/probe.c"; }
if ! [ -x /bin/busybox ] || ! probe_build "$scratch/probe"; then
    echo "1..0 # SKIP needs /bin/busybox (busybox-static) and a static C compiler"
    exit 0
fi

# make_base DIR: DIR/bin with busybox applets and probe.
make_base() {
    mkdir -p "$1/bin"
    cp /bin/busybox "$1/bin/busybox"
    cp "$scratch/probe" "$1/bin/probe"
    for applet in sh cat ls stat grep cut readlink sleep test echo sort kill \
        mkdir touch id true false ip; do
        ln -s busybox "$1/bin/$applet"
    done
}

# base_exports DIR: the YAML export lines every test node needs.
base_exports() {
    cat <<YAML
  - {mode: Restricted, mount: /bin, path: $1/bin}
  - {mode: Procfs, mount: /proc}
  - {mode: Devfs, mount: /dev}
  - {mode: Tmpfs, mount: /tmp}
YAML
}

# make_node DIR ALIAS STATE < CONFIG: status file + etc/redpak.yaml.
make_node() {
    mkdir -p "$1/etc"
    cat > "$1/.rednode.yaml" <<YAML
realpath: $1
state: $3
timestamp: 0
info: test node $2
YAML
    cat > "$1/etc/redpak.yaml"
}

# escape_setup: skip unless root with setpriv; build tests/helpers/escape.c
# as $scratch/escape and copy $REDPAK to $scratch/redpak where an
# unprivileged user can run both.
escape_setup() {
    if [ "$(id -u)" -ne 0 ] || ! command -v setpriv >/dev/null; then
        echo "1..0 # SKIP needs root and setpriv"
        exit 0
    fi
    helper_build "$scratch/escape" "$TESTS_DIR/helpers/escape.c" ||
        { echo "1..0 # SKIP cannot build tests/helpers/escape.c"; exit 0; }
    chmod 755 "$scratch"
    cp "$REDPAK" "$scratch/redpak"
    chmod 755 "$scratch/redpak"
}
