# Checks run inside the qemu guest by /init (busybox sh). Every check is a
# TAP line; tests/qemu.t relays them. Exit status: 0 when all passed.
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

cgroot=/sys/fs/cgroup
grep -q ' /sys/fs/cgroup cgroup2 ' /proc/mounts
ok $? "cgroup v2 is mounted at /sys/fs/cgroup"
echo '+cpu +memory +pids' > $cgroot/cgroup.subtree_control
is "$(cat $cgroot/cgroup.subtree_control)" "cpu memory pids" \
    "root cgroup delegates cpu, memory and pids"

echo "# guest: $count checks, $failed failed"
[ "$failed" -eq 0 ]
