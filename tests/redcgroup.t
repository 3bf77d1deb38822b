#!/bin/sh
# redcgroup and the per-node cgroups of core/cgroup.c, on a directory
# built to look like a cgroup2 tree (CGROUPS_MOUNT_POINT points at it):
# every file written, the nesting, validation before any write, fail
# closed on a missing controller or permission, the commands' output.
# A real kernel runs the same code in tests/qemu.t.
. "$(dirname "$0")/lib/tap.sh"

nodes=$scratch/nodes
export CGROUPS_MOUNT_POINT="$scratch/cg"
export REDPAK_MAIN="$scratch/main.yaml"
printf 'headers:\n  alias: main\nconfig:\n  cgrouproot: /test\n' > "$REDPAK_MAIN"

# make_node DIR ALIAS CGROUPS-YAML (indented under cgroups:) [TOP-LEVEL-YAML]
make_node() {
    mkdir -p "$1/etc"
    printf 'realpath: %s\nstate: Enable\ntimestamp: 0\ninfo: test\n' "$1" \
        > "$1/.rednode.yaml"
    {
        printf 'headers:\n  alias: %s\n' "$2"
        if [ -n "$3" ]; then printf 'config:\n  cgroups:\n%s\n' "$3"; fi
        if [ -n "${4:-}" ]; then printf '%s\n' "$4"; fi
    } > "$1/etc/redpak.yaml"
}

fake_tree() { # fake_tree CONTROLLERS: a fresh cgroup2 look-alike
    rm -rf "$CGROUPS_MOUNT_POINT"
    mkdir -p "$CGROUPS_MOUNT_POINT/test"
    for dir in "$CGROUPS_MOUNT_POINT" "$CGROUPS_MOUNT_POINT/test"; do
        echo "$1" > "$dir/cgroup.controllers"
        : > "$dir/cgroup.subtree_control"
        : > "$dir/cgroup.procs"
    done
}

# The fake tree as fake_tree left it: no cgroup made, nothing delegated.
nothing_written() { # nothing_written DESCRIPTION
    is "$(find "$CGROUPS_MOUNT_POINT" -mindepth 2 | wc -l)|$(cat "$CGROUPS_MOUNT_POINT/test/cgroup.subtree_control")" \
        "3|" "$1"
}

# The documented name: redpak-ALIAS-FNV1a32(node path) in hex.
fnv1a() {
    printf %s "$1" | od -An -tu1 -v | tr -s ' ' '\n' | grep . | {
        hash=2166136261
        while read -r byte; do
            hash=$(( ((hash ^ byte) * 16777619) & 4294967295 ))
        done
        printf %08x "$hash"
    }
}

# Pretty prints (and so validates) JSON.
json() { perl -MJSON::PP -e 'local $/; print JSON::PP->new->canonical->encode(decode_json(<STDIN>))'; }

make_node "$nodes/a" a '    pids:
      max: 50
    mem:
      max: 512M
      oom_group: 1'
make_node "$nodes/a/b" b '    pids:
      max: 20
    cpu:
      max: 50000 100000
      weight: 200'
make_node "$nodes/plain" plain ''

a_dir=$CGROUPS_MOUNT_POINT/test/redpak-a-$(fnv1a "$nodes/a")
b_dir=$a_dir/redpak-b-$(fnv1a "$nodes/a/b")

# apply: the files a kernel would receive.
fake_tree "cpuset cpu io memory pids"
run_ok "apply creates the chain's cgroups" $REDPAK redcgroup -r "$nodes/a/b" apply
is "$(cat "$CGROUPS_MOUNT_POINT/test/cgroup.subtree_control")" "+cpu +memory +pids" \
    "the root delegates what the whole chain needs"
is "$(cat "$a_dir/pids.max") $(cat "$a_dir/memory.max") $(cat "$a_dir/memory.oom.group")" \
    "50 512M 1" "the root-most node's limits are written to its cgroup"
is "$(cat "$a_dir/cgroup.subtree_control")" "+cpu +pids" \
    "a node delegates only what the nodes below it need"
is "$(cat "$b_dir/pids.max")|$(cat "$b_dir/cpu.max")|$(cat "$b_dir/cpu.weight")" \
    "20|50000 100000|200" "the leaf's limits are written to its nested cgroup"
[ -d "$b_dir/run" ] && [ ! -e "$b_dir/cgroup.subtree_control" ]
ok $? "the program's cgroup is the leaf's run child; the leaf delegates nothing"
is "$(cd "$CGROUPS_MOUNT_POINT" && find . -type f | sort | tr '\n' ' ')" \
    "./cgroup.controllers ./cgroup.procs ./cgroup.subtree_control ./test/cgroup.controllers ./test/cgroup.procs ./test/cgroup.subtree_control ./test/$(basename "$a_dir")/cgroup.subtree_control ./test/$(basename "$a_dir")/memory.max ./test/$(basename "$a_dir")/memory.oom.group ./test/$(basename "$a_dir")/pids.max ./test/$(basename "$a_dir")/$(basename "$b_dir")/cpu.max ./test/$(basename "$a_dir")/$(basename "$b_dir")/cpu.weight ./test/$(basename "$a_dir")/$(basename "$b_dir")/pids.max " \
    "nothing else is written"
run_ok "apply again is idempotent" $REDPAK redcgroup -r "$nodes/a/b" apply
is "$(cat "$b_dir/pids.max")" 20 "values unchanged by a second apply"

# A value dropped from the configuration goes back to the kernel's
# default in the existing cgroup; the others stay; io.* per device.
echo "cpu io memory pids" > "$b_dir/cgroup.controllers" # what a kernel shows
printf '1:0 rbps=max wbps=1024 riops=max wiops=max\n' > "$b_dir/io.max"
printf 'default 100\n1:0 50\n' > "$b_dir/io.weight"
cp "$nodes/a/b/etc/redpak.yaml" "$scratch/b.yaml"
make_node "$nodes/a/b" b '    pids:
      max: 20
    cpu:
      weight_nice: 3'
run_ok "apply after values were dropped" $REDPAK redcgroup -r "$nodes/a/b" apply
is "$(cat "$b_dir/pids.max")|$(cat "$b_dir/cpu.max")|$(cat "$b_dir/cpu.weight")|$(cat "$b_dir/cpu.weight.nice")" \
    "20|max|200|3" "dropped cpu.max reset; cpu.weight left to weight_nice"
is "$(cat "$b_dir/io.max")|$(cat "$b_dir/io.weight")" \
    "1:0 rbps=max wbps=max riops=max wiops=max|1:0 default" \
    "every device line of io.max and io.weight reset"
test ! -e "$b_dir/memory.max"; ok $? "a file that was not there is not created"
cp "$scratch/b.yaml" "$nodes/a/b/etc/redpak.yaml"
rm "$b_dir/io.max" "$b_dir/io.weight" "$b_dir/cpu.weight.nice" \
    "$b_dir/cgroup.controllers"
run_ok "apply the original values again" $REDPAK redcgroup -r "$nodes/a/b" apply

# Validation happens before anything is written.
make_node "$nodes/a/bad" bad '    pids:
      max: 20
    mem:
      high: 10Q'
fake_tree "cpuset cpu io memory pids"
output=$($REDPAK redcgroup -r "$nodes/a/bad" apply 2>&1); status=$?
is "$status" 1 "a bad value is refused (exit 1)"
is "$output" "redcgroup: $nodes/a/bad/etc/redpak.yaml:8:13: invalid cgroups.mem.high '10Q': expected bytes with an optional K, M, G or T suffix, or max" \
    "the error names file:line:column, the key and the accepted form"
nothing_written "nothing is written when one value is bad (not even the valid ones)"
output=$($REDPAK redmanager check -r "$nodes/a/bad" 2>&1); status=$?
like "$status|$output" "^1\|redmanager: $nodes/a/bad/etc/redpak.yaml:8:13: invalid cgroups.mem.high '10Q'" \
    "redmanager check finds the bad value too (checked at load time)"

# Fail closed: a controller the chain needs is not delegated.
fake_tree "cpu pids"
output=$($REDPAK redcgroup -r "$nodes/a/b" apply 2>&1); status=$?
is "$status" 1 "a missing controller is refused"
like "$output" "^redcgroup: $nodes/a/etc/redpak.yaml:[0-9]+:[0-9]+: the memory controller is not available in $CGROUPS_MOUNT_POINT/test: delegate it" \
    "the message names the value needing it and what to do"
nothing_written "nothing is written when a controller is missing"

# Fail closed when the root holds processes (only leaf cgroups may).
fake_tree "cpuset cpu io memory pids"
echo 1 > "$CGROUPS_MOUNT_POINT/test/cgroup.procs"
output=$($REDPAK redcgroup -r "$nodes/a/b" apply 2>&1); status=$?
is "$status|$output" "1|redcgroup: cgroup root $CGROUPS_MOUNT_POINT/test holds processes (only leaf cgroups may): set config.cgrouproot to an empty delegated cgroup" \
    "a cgroup root holding processes is refused"
nothing_written "nothing is written then"

# Fail closed without permission (the unprivileged path).
fake_tree "cpuset cpu io memory pids"
chmod -R a+rX "$scratch"
output=$(setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all \
    $REDPAK redcgroup -r "$nodes/a/b" apply 2>&1); status=$?
is "$status" 1 "an undelegated cgroup root is refused for an unprivileged user"
like "$output" "cannot (enable|create) .*Permission denied: delegate the subtree \(chown -R USER $CGROUPS_MOUNT_POINT/test," \
    "the message says to delegate the subtree"
# Delegated (the root belongs to the user): the unprivileged path works.
chown -R 65534:65534 "$CGROUPS_MOUNT_POINT/test"
run_ok "a delegated cgroup root works for an unprivileged user" \
    setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all \
    $REDPAK redcgroup -r "$nodes/a/b" apply
is "$(stat -c %u "$b_dir")|$(cat "$b_dir/pids.max")" "65534|20" \
    "the user's cgroups hold the limits"

# A chain without limits needs no cgroup.
fake_tree "cpuset cpu io memory pids"
run_ok "apply on a node without limits succeeds" $REDPAK redcgroup -r "$nodes/plain" apply
is "$(find "$CGROUPS_MOUNT_POINT/test" -mindepth 1 -type d | wc -l)" 0 \
    "and creates no cgroup"

output=$($REDPAK redcgroup -r "$nodes/plain" procs 2>&1); status=$?
like "$status|$output" "^1\|redcgroup: $nodes/plain has no cgroup $CGROUPS_MOUNT_POINT/test/redpak-plain-[0-9a-f]{8} yet \(redwrap or redcgroup apply creates it\)$" \
    "procs, freeze, thaw and kill need the node's cgroup"

# show, stat, procs.
fake_tree "cpuset cpu io memory pids"
$REDPAK redcgroup -r "$nodes/a/b" apply
echo 4096 > "$b_dir/memory.current"
echo 3 > "$b_dir/pids.current"
printf 'usage_usec 1234\nuser_usec 1000\n' > "$b_dir/cpu.stat"
output=$($REDPAK redcgroup -r "$nodes/a/b" show 2>&1)
like "$output" "node $nodes/a/b $b_dir" "show names each node and its cgroup"
like "$output" "  pids.max=20 kernel=20 from=$nodes/a/b/etc/redpak.yaml:[0-9]+:[0-9]+" \
    "show gives the configured value, the kernel's and where it was set"
like "$output" "run $b_dir/run" "show names the program's cgroup"
output=$($REDPAK redcgroup --json -r "$nodes/a/b" show | json)
like "$output" "\"cpu.max\":\\{\"from\":\"[^\"]*\",\"kernel\":\"50000 100000\",\"value\":\"50000 100000\"\\}" \
    "show --json is valid JSON with the same content"
output=$($REDPAK redcgroup -r "$nodes/a/b" stat)
is "$(echo "$output" | tail -n 1)" \
    "$nodes/a/b memory.current=4096 pids.current=3 cpu.usage_usec=1234" "stat reads the usage"
is "$(echo "$output" | head -n 1)" \
    "$nodes/a memory.current=- pids.current=- cpu.usage_usec=-" "stat shows - when unknown"
output=$($REDPAK redcgroup --json -r "$nodes/a/b" stat | json)
like "$output" "\"cpu.usage_usec\":1234,\"memory.current\":4096,\"node\":\"$nodes/a/b\",\"pids.current\":3" \
    "stat --json gives numbers"
like "$output" "\"cpu.usage_usec\":null,\"memory.current\":null,\"node\":\"$nodes/a\"" \
    "stat --json gives null when unknown"

sleep 60 & victim=$!
echo "$victim" > "$b_dir/run/cgroup.procs"
is "$($REDPAK redcgroup -r "$nodes/a/b" procs)" "$victim $b_dir/run" \
    "procs lists the processes of the leaf's cgroup and below"
output=$($REDPAK redcgroup --json -r "$nodes/a/b" procs | json)
is "$output" "[{\"cgroup\":\"$b_dir/run\",\"pid\":$victim}]" "procs --json"

# kill without cgroup.kill (before Linux 5.14): SIGKILL each process.
run_ok "kill succeeds" $REDPAK redcgroup -r "$nodes/a/b" kill
wait "$victim"; is "$?" 137 "kill without cgroup.kill killed the process"
: > "$b_dir/cgroup.kill"
run_ok "kill with cgroup.kill" $REDPAK redcgroup -r "$nodes/a/b" kill
is "$(cat "$b_dir/cgroup.kill")" 1 "kill writes 1 to cgroup.kill"

# freeze and thaw write cgroup.freeze (no cgroup.events: no wait).
: > "$b_dir/cgroup.freeze"
$REDPAK redcgroup -r "$nodes/a/b" freeze
is "$(cat "$b_dir/cgroup.freeze")" 1 "freeze writes 1 to cgroup.freeze"
$REDPAK redcgroup -r "$nodes/a/b" thaw
is "$(cat "$b_dir/cgroup.freeze")" 0 "thaw writes 0"
rm "$b_dir/cgroup.freeze"
output=$($REDPAK redcgroup -r "$nodes/a/b" freeze 2>&1); status=$?
is "$status|$output" "1|redcgroup: cannot write $b_dir/cgroup.freeze: No such file or directory" \
    "freeze fails when the cgroup has no cgroup.freeze"

# clean: empty cgroups go, deepest first; a busy one stays.
find "$a_dir" -type f ! -name cgroup.procs -delete
echo 1 > "$b_dir/run/cgroup.procs"
is "$($REDPAK redcgroup -r "$nodes/a/b" clean | tr '\n' ' ')" \
    "kept $b_dir/run kept $b_dir kept $a_dir " "clean keeps cgroups still in use"
find "$a_dir" -type f -delete
is "$($REDPAK redcgroup -r "$nodes/a/b" clean | tr '\n' ' ')" \
    "removed $b_dir/run removed $b_dir removed $a_dir " "clean removes empty cgroups, deepest first"

# cgrouproot as a directory under the mount point names the same cgroup.
printf 'headers:\n  alias: main\nconfig:\n  cgrouproot: $CGROUPS_MOUNT_POINT/test/\n' > "$REDPAK_MAIN"
like "$($REDPAK redcgroup -r "$nodes/a/b" show)" "root $CGROUPS_MOUNT_POINT/test
" "cgrouproot may be a directory under the mount point"
printf 'headers:\n  alias: main\nconfig:\n  cgrouproot: /test/../x\n' > "$REDPAK_MAIN"
output=$($REDPAK redcgroup -r "$nodes/a/b" show 2>&1); status=$?
like "$status|$output" "^1\|redcgroup: $REDPAK_MAIN:4:15: cgrouproot '/test/../x' must be an absolute path without '..'" \
    "a cgrouproot with .. is refused"
# Without cgrouproot: the caller's own cgroup.
printf 'headers:\n  alias: main\n' > "$REDPAK_MAIN"
own=$(sed -n 's/^0:://p' /proc/self/cgroup)
like "$($REDPAK redcgroup -r "$nodes/a/b" show)" "root $CGROUPS_MOUNT_POINT${own%/}
" "the default cgrouproot is the caller's cgroup"

# redwrap starts the program in the leaf's run cgroup. A look-alike
# directory is not a cgroup, so clone3 refuses it and the child writes
# itself ("0") to run/cgroup.procs before it executes.
mkdir -p "$scratch/bin"
cp /bin/busybox "$scratch/bin/busybox"
ln -s busybox "$scratch/bin/sh"
wrap_exports="exports:
  - {mode: Restricted, mount: /bin, path: $scratch/bin}
  - {mode: Procfs, mount: /proc}"
make_node "$nodes/w" w '    pids:
      max: 30' "$wrap_exports"
make_node "$nodes/wplain" wplain '' "$wrap_exports"
printf 'headers:\n  alias: main\nconfig:\n  share_all: Disabled\n  cgrouproot: /test\n' > "$REDPAK_MAIN"
w_run=$CGROUPS_MOUNT_POINT/test/redpak-w-$(fnv1a "$nodes/w")/run
fake_tree "cpuset cpu io memory pids"
output=$($REDPAK redwrap -r "$nodes/w" -- /bin/sh -c 'echo inside' 2>&1); status=$?
is "$status|$output" "0|inside" "redwrap runs a node with limits"
is "$(cat "$w_run/cgroup.procs" 2>/dev/null)|$(cat "$w_run/../pids.max")" "0|30" \
    "redwrap wrote the limits and its child entered the run cgroup"
fake_tree "cpuset cpu io memory pids"
chown -R 65534:65534 "$CGROUPS_MOUNT_POINT/test"
output=$(setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all \
    $REDPAK redwrap -r "$nodes/w" -- /bin/sh -c 'echo inside' 2>&1); status=$?
is "$status|$output|$(cat "$w_run/cgroup.procs" 2>/dev/null)" "0|inside|0" \
    "unprivileged redwrap in a delegated cgroup root"
run_ok "redwrap --dump-only" $REDPAK redwrap --dump-only -r "$nodes/w" -- /bin/sh
like "$($REDPAK redwrap --dump-only -r "$nodes/w" -- /bin/sh)" "cgroup $w_run" \
    "--dump-only names the program's cgroup"
fake_tree "cpu memory"
output=$($REDPAK redwrap -r "$nodes/w" -- /bin/sh -c 'echo inside' 2>&1); status=$?
like "$status|$(printf '%s\n' "$output" | wc -l)|$output" \
    "^125\|1\|redwrap: $nodes/w/etc/redpak.yaml:6:[0-9]+: the pids controller is not available in $CGROUPS_MOUNT_POINT/test: delegate it" \
    "redwrap refuses limits it cannot apply, in one line (exit 125)"
is "$(find "$CGROUPS_MOUNT_POINT/test" -mindepth 1 -type d | wc -l)" 0 \
    "and creates no cgroup"

# The real machine: with limits asked and no usable cgroup v2 controller
# (a hybrid hierarchy), refuse; without limits nothing is needed.
unset CGROUPS_MOUNT_POINT
printf 'headers:\n  alias: main\nconfig:\n  share_all: Disabled\n' > "$REDPAK_MAIN"
unified=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/self/mounts)
if [ -n "$unified" ] && ! grep -qw pids "$unified/cgroup.controllers"; then
    output=$($REDPAK redcgroup -r "$nodes/a/b" apply 2>&1); status=$?
    like "$status|$output" "^1\|redcgroup: .*: the (memory|pids|cpu) controller is not available in" \
        "on a host without cgroup v2 controllers, limits are refused"
    output=$($REDPAK redwrap -r "$nodes/w" -- /bin/sh -c 'echo inside' 2>&1); status=$?
    like "$status|$output" "^125\|redwrap: .*: the pids controller is not available in" \
        "redwrap too refuses to run there"
else
    ok 0 "# SKIP the host has cgroup v2 controllers"
    ok 0 "# SKIP the host has cgroup v2 controllers"
fi
output=$($REDPAK redwrap -r "$nodes/wplain" -- /bin/sh -c 'echo inside' 2>&1); status=$?
is "$status|$output" "0|inside" "a node without limits runs without any cgroup"

# Command line.
run_ok "--help" $REDPAK redcgroup --help
is "$($REDPAK redcgroup --version)" "redcgroup $($REDPAK --version | cut -d' ' -f2)" "--version"
$REDPAK redcgroup -r "$nodes/a/b" 2>/dev/null; is "$?" 2 "a missing command is a usage error"
$REDPAK redcgroup -r "$nodes/a/b" explode 2>/dev/null; is "$?" 2 "an unknown command is a usage error"
$REDPAK redcgroup --json -r "$nodes/a/b" kill 2>/dev/null; is "$?" 2 "--json only for show, stat, procs"
output=$($REDPAK redcgroup -r "$scratch/none" show 2>&1); status=$?
is "$status" 1 "a path that is not a node is refused"

done_testing
