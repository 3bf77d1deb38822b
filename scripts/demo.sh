#!/bin/sh
# The main job, shown: a small node tree made in a temporary directory
# (a "system" root, a platform node, an application leaf), drawn, checked,
# and the application's effective configuration printed with the node
# each entry comes from. Run by `make demo` (which builds ./redpak first).
set -eu
cd "$(dirname "$0")/.."
# REDPAK=path/to/redpak runs the demo with another build (e.g. the ASan one).
redpak=${REDPAK:-$PWD/redpak}
[ -x "$redpak" ] || make redpak
demo=$(mktemp -d "${TMPDIR:-/tmp}/redpak-demo.XXXXXX")
trap 'rm -rf "$demo"' EXIT

step() { printf '\n\033[1m$ %s\033[0m\n' "$*"; "$@"; }

step "$redpak" redmanager create -r "$demo/system"
step "$redpak" redmanager create -r "$demo/system/platform"
step "$redpak" redmanager create -r "$demo/system/platform/app" \
    --alias hello --info "demo application"
step "$redpak" redmanager tree -r "$demo"
step "$redpak" redmanager check -r "$demo"
step "$redpak" redmanager config -r "$demo/system/platform/app" --merged --expand
step "$redpak" redwrap -r "$demo/system/platform/app" -- \
    /bin/sh -c 'echo "inside the node: $(ls /nodes)"; id'
