#!/bin/sh
# Regenerate scripts/hot-functions.txt: the functions the static binary
# runs for `redwrap -r LEAF /bin/true` in the benchmark's chain (redwrap
# and its pid 1, not the program), as callgrind sees them, plus every
# function of redwrap's own modules (valgrind lacks open_tree, so it
# sees the fallback mount path, not the usual one). The link puts these
# first (Makefile: gold's --section-ordering-file) so that redwrap
# touches few pages of the binary: its peak RSS (target 1 MiB).
#
#   scripts/hot-functions.sh     after `make`; needs valgrind
set -eu
redpak=$(realpath ./redpak)
modules="redpak applets/redwrap core/arena core/log core/yaml_reader core/config
core/config_load core/config_parse core/config_seccomp core/embedded
core/expand core/node core/merge core/plan core/rootfs core/container
core/credentials core/cgroup core/cgroup_value core/seccomp"
list=$(cd "$(dirname "$0")" && pwd)/hot-functions.txt
work=$(mktemp -d "${TMPDIR:-/tmp}/redpak-hot.XXXXXX")
trap 'rm -rf "$work"' EXIT
chmod 755 "$work"
mkdir "$work/out"
# The dumps of the processes inside the container go through an export
# whose mount point is its host path: one file name valid on both sides.
leaf_extra="  - {mode: Public, mount: $work/out, path: $work/out}"
. "$(dirname "$0")/bench-chain.sh"

valgrind -q --vgdb=no --tool=callgrind --log-file=/dev/null --trace-children=yes \
    --callgrind-out-file="$work/out/callgrind.%p" \
    "$redpak" redwrap -r "$leaf" /bin/true
{
    for dump in "$work"/out/callgrind.*; do
        grep -q "^cmd: *$redpak " "$dump" || continue # not the program
        grep -oE '^c?fn=\([0-9]+\) [A-Za-z_][A-Za-z0-9_.]*$' "$dump" |
            sed -E 's/^c?fn=\([0-9]+\) //'
    done
    for module in $modules; do
        nm --defined-only "build/static/$module.o" | awk '$2 ~ /^[tT]$/ {print $3}'
    done
} | sort -u > "$list"
echo "hot-functions: $(wc -l < "$list") functions in $list"
