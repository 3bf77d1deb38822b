#!/bin/sh
# Install the Debian packages the tests and the sanitizer build need, only
# when one is missing (a cached machine pays one dpkg-query).
set -eu
packages="gcc make musl-tools libyaml-dev librpm-dev libcmocka-dev rpm
busybox-static bubblewrap hyperfine util-linux gnupg file perl
qemu-system-x86 cpio xz-utils clang libclang-rt-14-dev"
missing=
for package in $packages; do
    dpkg-query -W -f='${Status}\n' "$package" 2>/dev/null |
        grep -q 'ok installed' || missing="$missing $package"
done
[ -z "$missing" ] && exit 0
echo "host-packages: installing$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null
