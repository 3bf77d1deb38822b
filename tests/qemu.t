#!/bin/sh
# A real kernel: boot Debian's kernel under qemu on an initramfs holding
# the static redpak and busybox, with only cgroup v2 mounted, and run the
# cgroup checks of tests/qemu/checks.sh there (redwrap under pids.max and
# memory.max, nested limits, redcgroup stat/freeze/kill, io.max on a RAM
# disk). The guest's TAP
# lines are relayed here; its verdict comes back through isa-debug-exit.
. "$(dirname "$0")/lib/tap.sh"
repo=$(cd "$TESTS_DIR/.." && pwd)

skip_all() { echo "1..0 # SKIP $1"; exit 0; }

command -v qemu-system-x86_64 >/dev/null 2>&1 ||
    "$repo/scripts/host-packages.sh" >/dev/null 2>&1
command -v qemu-system-x86_64 >/dev/null 2>&1 ||
    skip_all "qemu-system-x86_64 cannot be installed"
# The guest has no libc: only the static binary can run there (the
# sanitizer build is covered by the other tests).
file -L "$REDPAK" | grep -q 'statically linked' ||
    skip_all "$REDPAK is not static (the guest runs the static binary)"

kernel=$("$repo/scripts/qemu-kernel.sh") || { echo "Bail out! no kernel"; exit 1; }

# The initramfs: busybox with its applet links, redpak with its applet
# links, a static helper to drop privileges, /init and the checks.
root=$scratch/root
mkdir -p "$root/bin" "$root/proc" "$root/sys" "$root/dev" "$root/tmp"
cp "$(command -v busybox)" "$root/bin/busybox"
for applet in $(busybox --list | grep -vx busybox); do
    ln -s busybox "$root/bin/$applet"
done
cp "$REDPAK" "$root/bin/redpak"
for applet in $("$REDPAK" --list); do
    ln -sf redpak "$root/bin/$applet"
done
for cc in musl-gcc gcc; do
    $cc -static -Os -o "$root/bin/setuser" "$TESTS_DIR/qemu/setuser.c" 2>/dev/null &&
        break
done
[ -x "$root/bin/setuser" ] || { echo "Bail out! cannot build tests/qemu/setuser.c"; exit 1; }
mkdir -p "$root/lib"
cp "$(dirname "$kernel")/brd.ko" "$root/lib/brd.ko"
cp "$TESTS_DIR/qemu/init" "$root/init"
cp "$TESTS_DIR/qemu/checks.sh" "$root/checks.sh"
chmod 0755 "$root/init"
(cd "$root" && find . | cpio -o -H newc --quiet) > "$scratch/initramfs.cpio"

log=$scratch/console.log
timeout --kill-after=10 280 qemu-system-x86_64 \
    -accel tcg,thread=multi -cpu max -m 256 -smp 2 -machine q35 \
    -nodefaults -no-user-config -display none -monitor none -no-reboot \
    -serial "file:$log" -device isa-debug-exit,iobase=0xf4,iosize=0x04 \
    -kernel "$kernel" -initrd "$scratch/initramfs.cpio" \
    -append "console=ttyS0 panic=-1 oops=panic quiet loglevel=1 mitigations=off" \
    </dev/null >"$scratch/qemu.out" 2>&1
status=$?

# Relay the guest's results under our own numbering.
tr -d '\r' < "$log" | grep -E '^(not )?ok [0-9]+ - ' | while read -r line; do
    case $line in
        "not ok "*) echo "not ok - guest: ${line#not ok * - }" ;;
        *) echo "ok - guest: ${line#ok * - }" ;;
    esac
done > "$scratch/relayed"
guest_checks=$(wc -l < "$scratch/relayed")
while read -r line; do
    case $line in
        "not ok"*) ok 1 "${line#not ok - }" ;;
        *) ok 0 "${line#ok - }" ;;
    esac
done < "$scratch/relayed"
[ "$guest_checks" -gt 0 ]; ok $? "the guest ran its checks ($guest_checks)"
is "$status" 1 "qemu exited through isa-debug-exit with success (1)"
[ "$status" -eq 1 ] || sed 's/^/# /' "$log" "$scratch/qemu.out" | tail -n 40
done_testing
