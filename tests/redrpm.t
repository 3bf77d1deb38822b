#!/bin/sh
# redrpm over a 3-node chain: output identical to Debian's rpm on each
# node, aggregated leaf first; -i/-U/-e through the package engine.
. "$(dirname "$0")/lib/tap.sh"
. "$TESTS_DIR/lib/rpmbuild.sh"

make_node() {
    mkdir -p "$1/etc"
    printf 'realpath: %s\nstate: Enable\ntimestamp: 1700000000000\ninfo: test\n' \
        "$1" > "$1/.rednode.yaml"
    printf 'headers:\n  alias: %s\n' "$2" > "$1/etc/redpak.yaml"
}
redrpm() { "$REDPAK" redrpm -r "$leaf" "$@"; }
rpmq() { node=$1; shift; rpm --root "$node" --dbpath /var/lib/rpm "$@"; }

root=$scratch/root mid=$scratch/root/mid leaf=$scratch/root/mid/leaf
make_node "$root" root; make_node "$mid" mid; make_node "$leaf" leaf
base=$(rpm_make base 1.0 arch=x86_64 exe=/bin/sh:/bin/busybox)
lib1=$(rpm_make libz 1.0 provides=libz.so.1 file=/usr/lib/libz.txt config=/etc/z.conf)
lib2=$(rpm_make libz 1.1 provides=libz.so.1 file=/usr/lib/libz.txt config=/etc/z.conf)
mw=$(rpm_make middleware 1.0 requires=libz.so.1 file=/usr/lib/mw.txt)
app=$(rpm_make app 2.0 requires=middleware 'requires=libz >= 1.0' \
    file=/usr/bin/app.txt doc=/usr/share/doc/app/README)

run_ok "redrpm -i in the root" "$REDPAK" redrpm -r "$root" -i "$base" "$lib1"
run_ok "redrpm -i in the middle" "$REDPAK" redrpm -r "$mid" -i "$mw"
run_ok "redrpm -ivh in the leaf" redrpm -ivh "$app"

union=$(for n in "$root" "$mid" "$leaf"; do rpmq "$n" -qa; done | sort)
is "$(redrpm -qa | sort)" "$union" "-qa is the union of rpm --root NODE -qa"
is "$(redrpm -qa | head -1)" "app-2.0-1.noarch" "the leaf's packages come first"
for pair in "root|-qi libz" "root|-ql libz" "root|-qc libz" "mid|-qR middleware" \
    "root|--provides -q libz" "root|-qf /usr/lib/libz.txt" \
    "root|-q --whatprovides libz.so.1" "mid|-q --whatrequires libz.so.1" "root|-qil libz"; do
    eval "node=\$${pair%%|*}"; query=${pair#*|}
    # shellcheck disable=SC2086
    is "$(redrpm $query)" "$(rpmq "$node" $query)" "redrpm $query equals rpm on the owning node"
done
format='%{NAME}-%{VERSION}:%{SIZE}:%{REQUIRENAME}\n'
is "$(redrpm -qa --qf "$format" | sort)" \
    "$(for n in "$root" "$mid" "$leaf"; do rpmq "$n" -qa --qf "$format"; done | sort)" \
    "-qa --qf equals rpm over every node"
is "$(redrpm -qd app)" "$(rpmq "$leaf" -qd app)" "-qd equals rpm"
is "$(redrpm -q --qf '%{NAME} %{REDNODE}\n' app libz)" "app $leaf
libz $root" "%{REDNODE} names the node holding the package"
out=$(redrpm -q nothere); status=$?
is "$out $status" "package nothere is not installed 1" "missing package: rpm's message, exit 1"
out=$(redrpm -qf /nowhere); is "$out" "file /nowhere is not owned by any package" "-qf miss"
run_ok "-Va passes" redrpm -Va
echo tampered >> "$root/usr/lib/libz.txt"
out=$(redrpm -Va); status=$?
is "$out" "$(rpmq "$root" -Va)" "-Va reports what rpm -Va reports"
is "$status" 1 "-Va fails on a tampered file"
run_ok "-U libz 1.1 in the root" "$REDPAK" redrpm -r "$root" -U "$lib2"
is "$(redrpm -q libz)" "libz-1.1-1.noarch" "upgraded"
out=$("$REDPAK" redrpm -r "$root" -e libz 2>&1); status=$?
like "$out" "needed by middleware-1.0-1.noarch in descendant $mid" "-e of what a descendant needs is refused"
run_ok "-e app in the leaf" redrpm -e app
is "$(rpmq "$leaf" -qa)" "" "leaf empty"
chmod 0755 "$scratch"
run_ok "unprivileged -qa" setpriv --reuid=65534 --regid=65534 --clear-groups \
    --inh-caps=-all "$REDPAK" redrpm -r "$leaf" -qa
out=$("$REDPAK" redrpm -r "$leaf" -x 2>&1); status=$?
is "$status" 2 "unknown option: usage exit code"
done_testing
