#!/bin/sh
# Benchmark (SPEC §8): start and exit of /bin/true in a 3-node chain with
# 25 exports, redwrap against Debian's bwrap doing the same mounts and
# namespaces, and /bin/true alone, in the same run (hyperfine, then
# redwrap and bwrap interleaved); seccomp's cost; then the peak resident
# memory (VmHWM) of each redwrap process.
#
#   scripts/bench.sh [REDPAK]     default: ./redpak (the static binary)
#   RUNS=300 to change the number of runs.
set -eu
redpak=$(realpath "${1:-./redpak}")
runs=${RUNS:-300}
for tool in hyperfine bwrap; do
    command -v $tool >/dev/null || { echo "bench: needs $tool" >&2; exit 1; }
done
work=$(mktemp -d "${TMPDIR:-/tmp}/redpak-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
chmod 755 "$work"

. "$(dirname "$0")/bench-chain.sh"

redwrap="$redpak redwrap -r $leaf /bin/true"
# The same mounts and namespaces (bwrap has no time namespace: shared in
# both). bwrap sorts nothing, so parents come first here by hand.
bwrap="bwrap --unshare-all --new-session --die-with-parent --cap-drop ALL
 --ro-bind /usr /usr --symlink usr/bin /bin --symlink usr/sbin /sbin
 --symlink usr/lib /lib --symlink usr/lib64 /lib64 --proc /proc --dev /dev
 --tmpfs /tmp --tmpfs /run --tmpfs /home
 --ro-bind /etc/passwd /etc/passwd --ro-bind /etc/group /etc/group
 --ro-bind /etc/hosts /etc/hosts --ro-bind /etc/nsswitch.conf /etc/nsswitch.conf
 --ro-bind /etc/os-release /etc/os-release
 --mqueue /dev/mqueue --tmpfs /var/tmp
 --ro-bind $root/usr /nodes/root/usr
 --ro-bind $mid/usr /nodes/mid/usr --bind $mid/var /nodes/mid/var
 --ro-bind $mid/etc /nodes/mid/etc
 --ro-bind $leaf/usr /nodes/leaf/usr --bind $leaf/var /nodes/leaf/var
 --bind $leaf/private /nodes/leaf/private --ro-bind $leaf/etc /nodes/leaf/etc
 /bin/true"
bwrap=$(echo $bwrap)

$redwrap || { echo "bench: redwrap cannot run the benchmark node" >&2; exit 1; }
$bwrap || { echo "bench: bwrap cannot run the benchmark command" >&2; exit 1; }
mounts=$($redpak redwrap -r "$leaf" --dump-only /bin/true | grep -c '^mount ')
echo "redwrap plan: $mounts mounts (25 exports + node-configuration guards)"

# Interleaved runs (A, B, A, B...) so that the load of a shared machine
# hits both sides alike; medians in ms. posix_spawn() and waitpid() add
# the same small constant to both sides (the ratio errs towards 1).
interleaved() { # interleaved RUNS COMMAND-A COMMAND-B: "MEDIAN-A MEDIAN-B"
    python3 - "$@" <<'PY'
import os, statistics, sys, time
runs, commands = int(sys.argv[1]), [c.split() for c in sys.argv[2:4]]
times = [[], []]
for _ in range(runs):
    for side, command in enumerate(commands):
        start = time.perf_counter()
        pid = os.posix_spawnp(command[0], command, os.environ)
        if os.waitpid(pid, 0)[1] != 0:
            sys.exit("bench: %s failed" % command[0])
        times[side].append((time.perf_counter() - start) * 1000)
print(" ".join("%.3f" % statistics.median(t) for t in times))
PY
}

hyperfine -N --warmup 20 --runs "$runs" --export-json "$work/times.json" \
    -n redwrap "$redwrap" -n bwrap "$bwrap" -n true /bin/true

median() { # median NAME
    python3 -c 'import json,sys,statistics
r={x["command"]:x for x in json.load(open(sys.argv[1]))["results"]}
print("%.3f" % (statistics.median(r[sys.argv[2]]["times"]) * 1000))' "$work/times.json" "$1"
}
redwrap_ms=$(median redwrap) bwrap_ms=$(median bwrap) true_ms=$(median true)
ratio=$(python3 -c "print('%.2f' % ($redwrap_ms / $bwrap_ms))")
echo "median ms: redwrap $redwrap_ms  bwrap $bwrap_ms  /bin/true $true_ms"
echo "ratio redwrap/bwrap: $ratio (target <= 0.70)"
# hyperfine runs each command as one block: on a shared machine the load
# can change between blocks. The same comparison interleaved:
set -- $(interleaved "$runs" "$redwrap" "$bwrap")
echo "interleaved median ms: redwrap $1  bwrap $2 -" \
    "ratio $(python3 -c "print('%.2f' % ($1 / $2))")"

# Seccomp: the same chain with the "system" template's deny list in the
# root node (a copy of the tree), start-up and a syscall-heavy program
# (dd of 1-byte blocks: 2 syscalls per byte) with and without it.
sroot=$work/sroot sleaf=$work/sroot/mid/leaf
cp -a "$root" "$sroot"
for file in $(find "$sroot" -name redpak.yaml -o -name .rednode.yaml); do
    sed -i "s|$root|$sroot|g" "$file"
done
seccomp=$(sed -n '/^  seccomp:/,/^[^ ]/p' "$(dirname "$0")/../config/template-system.yaml" |
    sed '$d')
printf '%s\n' "$seccomp" > "$work/seccomp.yaml"
sed -i "/^  share_time: Enabled/r $work/seccomp.yaml" "$sroot/etc/redpak.yaml"
$redpak redwrap -r "$sleaf" --dump-only /bin/true | grep -q '^seccomp layer 1 deny bpf' ||
    { echo "bench: the seccomp copy of the chain has no policy" >&2; exit 1; }
dd="/usr/bin/dd if=/dev/zero of=/dev/null bs=1 count=100000 status=none"
set -- $(interleaved "$runs" "$redwrap" "$redpak redwrap -r $sleaf /bin/true")
echo "seccomp (template deny list, $(grep -c '^      - ' "$work/seccomp.yaml") entries):" \
    "start and exit of /bin/true, median ms: $1 without, $2 with" \
    "(+$(python3 -c "print('%.3f' % ($2 - $1))") ms)"
set -- $(interleaved $((runs / 10 + 1)) "$redpak redwrap -r $leaf $dd" \
    "$redpak redwrap -r $sleaf $dd")
echo "seccomp: dd of 100000 1-byte blocks (200000 syscalls), median ms:" \
    "$1 without, $2 with (+$(python3 -c "print('%.1f' % (($2 - $1) * 5))") ns per syscall)"

# Peak RSS: VmHWM of the monitor and of pid 1, read while the program
# (a sleep) still runs, so both have finished all their setup.
$redpak redwrap -r "$leaf" /bin/sleep 1 &
monitor=$!
sleep 0.5
init=$(cat /proc/$monitor/task/$monitor/children | cut -d' ' -f1)
field() { sed -n "s/^$2:[[:space:]]*\([0-9]*\) kB/\1/p" /proc/$1/status; }
for pid in $monitor $init; do
    set -- "$(field $pid VmHWM)" "$(field $pid RssAnon)" "$(field $pid RssFile)"
    [ $pid = $monitor ] && name=monitor || name="pid 1"
    echo "peak RSS (VmHWM) $name: $1 KiB (target <= 1024) - now anonymous $2 KiB, file-backed $3 KiB"
done
wait $monitor
echo "binary: $(stat -c %s "$redpak") bytes"
