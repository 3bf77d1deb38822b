# Checks run inside the qemu guest by /init (busybox sh, root, only cgroup
# v2 mounted, init in the root cgroup). Every check is a TAP line that
# tests/qemu.t relays. Exit status: 0 when all passed.
count=0
failed=0
ok() { # ok STATUS DESCRIPTION
    count=$((count + 1))
    if [ "$1" -eq 0 ]; then echo "ok $count - $2"; else
        echo "not ok $count - $2"; failed=$((failed + 1)); fi
}
is() { # is GOT EXPECTED DESCRIPTION
    [ "$1" = "$2" ]; ok $? "$3"
    [ "$1" = "$2" ] || echo "# got '$1', expected '$2'"
}
field() { # field FILE KEY: the value of "KEY N" in a flat-keyed file
    sed -n "s/^$2 //p" "$1"
}

make_node() { # make_node DIR ALIAS CGROUPS-YAML
    mkdir -p "$1/etc"
    printf 'realpath: %s\nstate: Enable\ntimestamp: 0\ninfo: qemu\n' "$1" \
        > "$1/.rednode.yaml"
    printf 'headers:\n  alias: %s\nconfig:\n  cgroups:\n%s\n' "$2" "$3" \
        > "$1/etc/redpak.yaml"
}

cgroot=/sys/fs/cgroup
grep -q ' /sys/fs/cgroup cgroup2 ' /proc/mounts
ok $? "cgroup v2 is mounted at /sys/fs/cgroup"
is "$(grep -c ' cgroup ' /proc/mounts)" 0 "no cgroup v1 hierarchy"

export REDPAK_MAIN=/srv/main.yaml
mkdir -p /srv/out
printf 'headers:\n  alias: main\nconfig:\n  share_all: Disabled\n' > $REDPAK_MAIN
nodes=/srv/nodes
make_node $nodes/top top '    pids:
      max: 12
    mem:
      max: 64M
exports:
  - {mode: Restricted, mount: /bin, path: /bin}
  - {mode: Procfs, mount: /proc}
  - {mode: Devfs, mount: /dev}
  - {mode: Tmpfs, mount: /tmp}
  - {mode: Public, mount: /out, path: /srv/out}'
make_node $nodes/top/child child '    pids:
      max: 1000
    cpu:
      weight: 50'
make_node $nodes/top/hog hog '    mem:
      max: 16M
      swap_max: 0'

# redcgroup apply on a real kernel: nested cgroups, limits written.
redcgroup -r $nodes/top/child apply
ok $? "redcgroup apply creates the chain's cgroups"
top=$(echo $cgroot/redpak-top-*)
child=$(echo "$top"/redpak-child-*)
is "$(cat "$top/pids.max") $(cat "$top/memory.max")" "12 67108864" \
    "the parent's limits are in the kernel"
is "$(cat "$child/pids.max") $(cat "$child/cpu.weight")" "1000 50" \
    "the child's limits are in the kernel, nested under the parent"
is "$(cat "$top/cgroup.subtree_control")" "cpu pids" \
    "the parent delegates only what the child needs"
is "$(cat $cgroot/cgroup.subtree_control)" "cpu memory pids" \
    "the root delegates what the chain needs"

# Every key (io.* below, on a block device) in the syntax the
# validators accept is accepted by the kernel too.
make_node $nodes/top/all all '    cpuset:
      cpus: 0-1
      mems: 0
      cpus_partition: member
    mem:
      min: 1M
      low: 2M
      high: 48M
      max: 56M
      swap_high: max
      swap_max: 0
      oom_group: 1
    cpu:
      weight_nice: 5
      max: 50000 100000
    pids:
      max: max'
redcgroup -r $nodes/top/all apply
ok $? "redcgroup apply writes every kind of value"
all=$(echo "$top"/redpak-all-*)
got=
for file in cpuset.cpus cpuset.mems cpuset.cpus.partition memory.min \
    memory.low memory.high memory.max memory.swap.high memory.swap.max \
    memory.oom.group cpu.weight.nice cpu.max pids.max; do
    got="$got$(cat "$all/$file")|"
done
is "$got" "0-1|0|member|1048576|2097152|50331648|58720256|max|0|1|5|50000 100000|max|" \
    "the kernel holds every value"
is "$(redcgroup -r $nodes/top/all clean | tr '\n' ' ')" \
    "removed $all/run removed $all kept $top " "redcgroup clean of that node"

# A parent's pids.max bounds a child whose own limit is higher: a fork
# loop in the child's run cgroup stops at the parent's 12 (the shell
# and 11 children; the shell then exits on "can't fork").
sh -c "echo 0 > $child/run/cgroup.procs
       i=0; while [ \$i -lt 50 ]; do sleep 60 & i=\$((i + 1)); done" 2>/dev/null
is "$?|$(cat "$child/pids.current")" "2|11" \
    "a fork loop is stopped at the parent's limit (12 < child's 1000)"
redcgroup -r $nodes/top/child stat > /tmp/stat
# (top delegates memory since the "all" node asked for it)
grep -q "^$nodes/top memory.current=[0-9][0-9]* pids.current=11 cpu.usage_usec=[0-9][0-9]*$" /tmp/stat &&
    grep -q "^$nodes/top/child memory.current=[0-9][0-9]* pids.current=11 cpu.usage_usec=[0-9][0-9]*$" /tmp/stat
stat_status=$?
ok $stat_status "redcgroup stat reports each node's usage"
[ $stat_status -eq 0 ] || sed 's/^/# /' /tmp/stat
is "$(redcgroup -r $nodes/top/child procs | wc -l)" 11 \
    "redcgroup procs lists the 11 processes"
redcgroup -r $nodes/top/child kill
ok $? "redcgroup kill"
sleep 1
is "$(cat "$child/pids.current")" 0 "kill emptied the cgroup (cgroup.kill)"

# The same through redwrap: the program runs in the child's run cgroup.
# Linux 6.1 counts a refused fork in the pids.events of the forking
# task's cgroup (the child node: its run cgroup has no pids controller).
events_before=$(field "$child/pids.events" max)
redwrap -r $nodes/top/child -- /bin/sh -c \
    'i=0; while [ $i -lt 50 ]; do sleep 60 & i=$((i + 1)); done' 2>/tmp/fork.err
is "$?" 2 "redwrap: the fork loop fails (exit 2, the shell's)"
grep -q "can't fork" /tmp/fork.err
ok $? "redwrap: the shell could not fork past the parent's limit"
[ "$(field "$child/pids.events" max)" -gt "$events_before" ]
ok $? "redwrap: pids.events counts the refused forks"

# freeze, thaw and kill a program run by redwrap.
redwrap -r $nodes/top/child -- /bin/sh -c \
    'while :; do echo x >> /out/ticks; sleep 0.2; done' &
monitor=$!
sleep 2
[ -n "$(cat "$child/run/cgroup.procs")" ] && ! grep -qx "$monitor" "$child/run/cgroup.procs"
ok $? "the program is in the run cgroup, redwrap's waiting process is not"
is "$(cat /proc/$monitor/cgroup)" "0::/" "redwrap's waiting process stays where it was"
redcgroup -r $nodes/top/child freeze
ok $? "redcgroup freeze"
is "$(field "$child/cgroup.events" frozen)" 1 "the kernel reports the cgroup frozen"
before=$(wc -l < /srv/out/ticks); sleep 1; after=$(wc -l < /srv/out/ticks)
is "$after" "$before" "a frozen program makes no progress"
redcgroup -r $nodes/top/child thaw
sleep 1
[ "$(wc -l < /srv/out/ticks)" -gt "$after" ]
ok $? "a thawed program runs again"
redcgroup -r $nodes/top/child kill
wait $monitor
is "$?" 137 "redcgroup kill: redwrap reports the program killed by SIGKILL"

# memory.max: a hog is OOM-killed inside its node only.
redwrap -r $nodes/top/hog -- /bin/sh -c \
    'x=$(head -c 50000000 /dev/zero | tr "\0" a); echo survived' > /tmp/hog.out 2>&1
is "$?" 137 "redwrap: the memory hog is killed (SIGKILL)"
! grep -q survived /tmp/hog.out
ok $? "the hog did not finish"
hog=$(echo "$top"/redpak-hog-*)
[ "$(field "$hog/memory.events" oom_kill)" -ge 1 ]
ok $? "memory.events counts the OOM kill in the hog's node"
is "$(field "$child/memory.events" oom_kill)" 0 "a sibling node saw no OOM kill"
is "$(cat "$hog/memory.max")" 16777216 "the hog's memory.max was written by redwrap"

# io.max and io.weight on a real block device (brd's /dev/ram0, 1:0,
# loaded by /init): the kernel takes both values and throttles direct
# writes of a shell placed in the node's run cgroup.
if [ -b /dev/ram0 ]; then
    make_node $nodes/top/disk disk '    io:
      weight: 50
      max: 1:0 wbps=262144'
    redcgroup -r $nodes/top/disk apply
    ok $? "redcgroup apply writes io.weight and io.max"
    disk=$(echo "$top"/redpak-disk-*)
    is "$(cat "$disk/io.max")|$(cat "$disk/io.weight")" \
        "1:0 rbps=max wbps=262144 riops=max wiops=max|default 50" \
        "the kernel holds the io values"
    write_time() { # write_time CGROUP: centiseconds to write 1 MiB directly
        sh -c "echo \$\$ > $1/cgroup.procs
               start=\$(cut -d' ' -f1 /proc/uptime | tr -d .)
               dd if=/dev/zero of=/dev/ram0 bs=64k count=16 oflag=direct 2>/dev/null
               end=\$(cut -d' ' -f1 /proc/uptime | tr -d .)
               echo \$((end - start))"
    }
    free=$(write_time $cgroot)
    throttled=$(write_time "$disk/run")
    # 1 MiB at 256 KiB/s: about 4 s (the first slice may pass at once).
    [ "$throttled" -ge 250 ] && [ "$free" -lt 100 ]
    ok $? "io.max throttles the node's writes (${throttled} cs against ${free} cs)"
    # Values dropped from the configuration go back to the defaults.
    make_node $nodes/top/disk disk '    pids:
      max: 30'
    redcgroup -r $nodes/top/disk apply
    is "$(cat "$disk/io.max")|$(cat "$disk/io.weight")|$(cat "$disk/pids.max")" \
        "|default 100|30" "dropped io values are reset in the kernel"
    is "$(redcgroup -r $nodes/top/disk clean | tr '\n' ' ')" \
        "removed $disk/run removed $disk kept $top " "redcgroup clean of the disk node"
else
    ok 1 "/dev/ram0 exists (brd loaded by /init)"
fi

# Unprivileged: uid 1000 runs from a cgroup delegated to it (the kernel
# wants write access to the common ancestor's cgroup.procs to move it).
mkdir -p $cgroot/deleg/shell
chown -R 1000:1000 $cgroot/deleg
printf 'headers:\n  alias: main\nconfig:\n  share_all: Disabled\n  cgrouproot: /deleg\n' \
    > /srv/user-main.yaml
printf 'headers:\n  alias: main\nconfig:\n  share_all: Disabled\n' > /srv/own-main.yaml
printf 'headers:\n  alias: main\nconfig:\n  share_all: Disabled\n  cgrouproot: /\n' \
    > /srv/root-main.yaml
make_node $nodes/unode unode '    pids:
      max: 6
exports:
  - {mode: Restricted, mount: /bin, path: /bin}
  - {mode: Procfs, mount: /proc}
  - {mode: Devfs, mount: /dev}'
cat > /srv/user-fork.sh <<'SCRIPT'
exec redwrap -r /srv/nodes/unode -- /bin/sh -c \
    'i=0; while [ $i -lt 50 ]; do sleep 60 & i=$((i + 1)); done'
SCRIPT
echo "exec redwrap -r /srv/nodes/unode -- /bin/sh -c 'echo inside'" > /srv/user-echo.sh
as_user() { # as_user MAIN SCRIPT: uid 1000 runs SCRIPT from deleg/shell
    REDPAK_MAIN=$1 sh -c "echo \$\$ > $cgroot/deleg/shell/cgroup.procs
                          exec setuser 1000 1000 /bin/sh $2"
}
as_user /srv/user-main.yaml /srv/user-fork.sh 2>/tmp/user.err
is "$?" 2 "unprivileged redwrap: the fork loop fails (exit 2)"
grep -q "can't fork" /tmp/user.err || sed 's/^/# /' /tmp/user.err
unode=$(echo $cgroot/deleg/redpak-unode-*)
is "$(stat -c %u "$unode")|$(cat "$unode/pids.max")|$(field "$unode/pids.events" max)" \
    "1000|6|1" "unprivileged redwrap made its cgroup in the delegated root and hit pids.max"
output=$(as_user /srv/root-main.yaml /srv/user-echo.sh 2>&1)
status=$?
case $output in
    "redwrap: cannot "*"Permission denied: delegate the subtree"*) matched=0 ;;
    *) matched=1; echo "# $output" ;;
esac
is "$status|$matched" "125|0" "unprivileged redwrap without delegation refuses to run"
output=$(as_user /srv/own-main.yaml /srv/user-echo.sh 2>&1)
is "$?|$output" "125|redwrap: cgroup root $cgroot/deleg/shell holds processes (only leaf cgroups may): set config.cgrouproot to an empty delegated cgroup" \
    "redwrap refuses a cgroup root holding processes (its own, by default)"

# clean removes the now empty cgroups, deepest first.
redcgroup -r $nodes/top/child clean > /tmp/clean
is "$(tr '\n' ' ' < /tmp/clean)" "removed $child/run removed $child kept $top " \
    "redcgroup clean removes the child's cgroups, keeps the busy parent"
redcgroup -r $nodes/top/hog clean > /dev/null
[ ! -e "$top" ]
ok $? "cleaning the last node removes the parent's cgroup too"

echo "# guest: $count checks, $failed failed"
[ "$failed" -eq 0 ]
