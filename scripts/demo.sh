#!/bin/sh
# The main job, shown: a small node tree made in a temporary directory
# (a "system" root, a platform node, an application leaf), drawn, checked,
# and the application's effective configuration printed with the node
# each entry comes from; then a library and an application are installed
# as rpm packages in two nodes and the application runs. Run by `make demo` (which builds ./redpak first).
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

# Packages: a library in the platform node, an application using it in the
# leaf, both real rpm packages built here with rpmbuild. The system node
# holds a package declaring the C runtime and the shell the host exports.
scratch=$demo
. tests/lib/rpmbuild.sh
printf '#include <stdio.h>\nvoid greet(const char *who) { printf("hello %%s, from libgreet in the platform node\\n", who); }\n' \
    > "$demo/greet.c"
printf 'void greet(const char *);\nint main(void) { greet("app"); return 0; }\n' > "$demo/hello.c"
musl-gcc -shared -fPIC -Wl,-soname,libgreet.so.1 -o "$demo/libgreet.so.1" "$demo/greet.c"
musl-gcc -o "$demo/hello" "$demo/hello.c" -L"$demo" -l:libgreet.so.1
runtime=$(rpm_make musl-runtime 1.0 arch=x86_64 'provides=libc.so()(64bit)' \
    provides=/bin/sh)
greet=$(rpm_make libgreet 1.0 arch=x86_64 "exe=/usr/lib/libgreet.so.1:$demo/libgreet.so.1")
# Its post-install scriptlet runs in the admin view of the app node (with
# the shell the system node exports), and runs the program there.
hello=$(rpm_make hello 1.0 arch=x86_64 "exe=/usr/bin/hello:$demo/hello" \
    'post=echo "scriptlet of hello, in $(hostname) as uid $(id -u): /nodes holds $(echo $(ls /nodes))"; hello')
step "$redpak" redmanager install -r "$demo/system" "$runtime"
step "$redpak" redmanager install -r "$demo/system/platform" "$greet"
step "$redpak" redmanager install -r "$demo/system/platform/app" "$hello"
step "$redpak" redrpm -r "$demo/system/platform/app" -qa --qf '%{NAME}-%{VERSION} in %{REDNODE}\n'
step "$redpak" redwrap -r "$demo/system/platform/app" -- hello
