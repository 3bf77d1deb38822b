#!/bin/sh
# Print the path of an uncompressed Debian kernel (vmlinux) for the qemu
# tests, fetching it once; brd.ko (the RAM disk module, for the io.*
# checks) is kept next to it. The kernel is taken from the linux-image-amd64
# package without touching the host's /boot, and cached by version under
# $REDPAK_QEMU_CACHE (default /var/cache/redpak-qemu/VERSION/vmlinux).
#
# Why vmlinux: qemu boots the ELF directly (PVH), which saves the xz
# decompression under software emulation (the biggest boot cost).
set -eu
cache=${REDPAK_QEMU_CACHE:-/var/cache/redpak-qemu}

# The meta package depends on the real, versioned one (its name changes
# with every security update; old ones leave the mirror).
package=$(apt-cache depends linux-image-amd64 2>/dev/null |
    sed -n 's/^ *Depends: \(linux-image-[0-9].*-amd64\)$/\1/p' | head -n 1)
[ -n "$package" ] || { echo "qemu-kernel: cannot resolve linux-image-amd64" >&2; exit 1; }
version=$(apt-cache policy "$package" | sed -n 's/^ *Candidate: //p')
target=$cache/$package-$version/vmlinux
if [ -s "$target" ] && [ -s "$(dirname "$target")/brd.ko" ]; then
    echo "$target"
    exit 0
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/redpak-kernel.XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$work"
# apt-get download runs as _apt when it can: let it write here.
chmod 0777 "$work"
apt-get download -qq "$package" >/dev/null 2>&1 ||
    apt-get download -qq -o APT::Sandbox::User=root "$package" >/dev/null
dpkg-deb -x "$package"_*.deb root
vmlinuz=$(ls root/boot/vmlinuz-* | head -n 1)
# Debian's bzImage holds an xz stream (magic FD 37 7A 58 5A 00) whose
# content is the ELF kernel.
offset=$(LC_ALL=C grep -obUaP '\xfd7zXZ\x00' "$vmlinuz" | head -n 1 | cut -d: -f1)
[ -n "$offset" ] || { echo "qemu-kernel: no xz stream in $vmlinuz" >&2; exit 1; }
tail -c +"$((offset + 1))" "$vmlinuz" | xz -dc --single-stream > vmlinux
head -c 4 vmlinux | grep -q 'ELF' ||
    { echo "qemu-kernel: $vmlinuz did not hold an ELF kernel" >&2; exit 1; }
mkdir -p "$(dirname "$target")"
cp root/lib/modules/*/kernel/drivers/block/brd.ko "$(dirname "$target")/brd.ko"
mv vmlinux "$target.tmp"
mv "$target.tmp" "$target"
echo "$target"
