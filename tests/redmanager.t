#!/bin/sh
# redmanager: node lifecycle on real directories. A three-level tree
# (system -> default -> default) is created, listed, inspected, checked,
# disabled/enabled and deleted; every refusal must leave the disk exactly
# as it was (file list, modes and checksums compared before and after).
. "$(dirname "$0")/lib/tap.sh"

rm_() { "$REDPAK" redmanager "$@"; }
# The state of a directory tree: every path with type and mode, and the
# checksum of every file.
snapshot() {
    (cd "$1" && find . -printf '%p %y %m\n' | LC_ALL=C sort &&
        find . -type f -exec sha256sum {} + | LC_ALL=C sort)
}
# refused DESCRIPTION EXPECTED-MESSAGE-REGEX COMMAND-ARGS...: exits 1 with
# one line matching, and $scratch/tree is unchanged.
refused() {
    description=$1 regex=$2; shift 2
    before=$(snapshot "$scratch/tree")
    out=$(rm_ "$@" 2>&1); st=$?
    is "$st" 1 "$description: exit 1"
    like "$out" "$regex" "$description: message"
    is "$(printf '%s\n' "$out" | wc -l)" 1 "$description: one line"
    is "$(snapshot "$scratch/tree")" "$before" "$description: disk unchanged"
}

mkdir "$scratch/tree"
plat=$scratch/tree/plat mid=$scratch/tree/plat/mid app=$scratch/tree/plat/mid/app

# ---- command line ----
out=$(rm_ --help); is $? 0 "--help exits 0"
like "$out" "delete +delete a node" "--help lists the commands"
like "$(rm_ --version)" "^redmanager [0-9]" "--version"
like "$(rm_ create --help)" "--template NAME\|FILE" "create --help"
for command in install update remove list repo; do
    out=$(rm_ $command --help 2>&1); status=$?
    like "$status|$out" "^0\|usage: redmanager $command -r PATH|^0\|usage: redmanager repo add\|list\|remove -r PATH" \
        "$command --help"
done
out=$(rm_ install --bogus -r "$plat" x 2>&1); status=$?
is "$status|$out" "2|redmanager: usage: redmanager install -r PATH [--repo DIR]... [--test] [--noscripts] PKG..." \
    "install with an unknown option: one usage line, exit 2"
rm_ 2>/dev/null; is $? 2 "no command: exit 2"
rm_ frobnicate -r "$plat" 2>/dev/null; is $? 2 "unknown command: exit 2"
rm_ tree 2>/dev/null; is $? 2 "missing --redpath: exit 2"
rm_ tree -r "$plat" --merged 2>/dev/null; is $? 2 "option of another command: exit 2"
mkdir "$scratch/bin" && ln -s "$REDPAK" "$scratch/bin/redmanager"
like "$("$scratch/bin/redmanager" --version)" "^redmanager " "symlink dispatch"

# ---- a three-level tree ----
run_ok "create the root node (system template)" rm_ create -r "$plat"
run_ok "create a middle node (default template)" rm_ create -r "$mid"
run_ok "create a leaf with alias and info" \
    rm_ create -r "$app" --alias application --info 'the "app" node'
like "$(cat "$plat/etc/redpak.yaml")" "mount: /proc" "root node made from the system template"
like "$(cat "$app/etc/redpak.yaml")" 'alias: "application"' "alias written in the headers"
like "$(cat "$app/etc/redpak.yaml")" 'name: "[0-9a-f]{8}-[0-9a-f]{4}-4' "a fresh UUID name"
like "$(cat "$app/.rednode.yaml")" "state: Enable" "status file: Enable"
like "$(cat "$app/.rednode.yaml")" "realpath: \"$app\"" "status file: realpath"
for dir in usr var/lib/rpm etc/yum.repos.d private; do
    test -d "$app/$dir"; ok $? "leaf has $dir/"
done
test -f "$plat/etc/redpak-admin.yaml"; ok $? "admin file from system-admin"
is "$(ls -a "$scratch/tree/plat" | grep -c creating)" 0 "no temporary directory left"

out=$(rm_ tree -r "$scratch/tree"); is $? 0 "tree exits 0"
is "$out" "plat [Enable] $plat
\`-- mid [Enable] $mid
    \`-- application [Enable] $app" "tree draws aliases and states"
out=$(rm_ tree -r "$plat" --json)
printf '%s' "$out" | perl -MJSON::PP -e '
    my $t = decode_json(join "", <STDIN>);
    exit !($t->[0]{alias} eq "plat" &&
           $t->[0]{children}[0]{children}[0]{alias} eq "application")'
ok $? "tree --json parses and nests"

out=$(rm_ config -r "$app"); is $? 0 "config of one node"
like "$out" "alias: application" "config shows the node's own file"
out=$(rm_ config -r "$app" --merged); is $? 0 "config --merged"
like "$out" "mode: Procfs  # from plat \($plat/etc/redpak.yaml:[0-9]+\)" \
    "merged entry annotated with its node and file:line"
like "$out" "share_net: Disabled  # from main" "default from main.yaml"
like "$out" "from application \($app/etc/redpak.yaml" "leaf entries annotated"
out=$(rm_ config -r "$app" --merged --expand); is $? 0 "config --merged --expand"
like "$out" "mount: /nodes/application/usr" "expanded mount point"
like "$out" "path: $app/usr" "expanded source"
out=$(rm_ config -r "$plat")
like "$out" "  seccomp:" "own config prints its seccomp policy"
cp "$plat/etc/redpak.yaml" "$scratch/plat.yaml"
printf '%s\n' "$out" > "$plat/etc/redpak.yaml"
is "$(rm_ config -r "$plat")" "$out" "printed config loads back unchanged"
cp "$scratch/plat.yaml" "$plat/etc/redpak.yaml"
out=$(rm_ config -r "$app" --merged)
like "$out" "# seccomp layer 1 deny kexec_load errno EPERM" \
    "merged config shows the stacked seccomp layers"
out=$(rm_ config -r "$app" --merged --admin --json)
printf '%s' "$out" | perl -MJSON::PP -e '
    my $c = decode_json(join "", <STDIN>);
    my ($usr) = grep { $_->{mount} eq q{/nodes/$NODE_ALIAS/usr} &&
                       $_->{from}{node} eq "application" } @{$c->{exports}};
    exit !($usr && $usr->{mode} eq "Public" &&
           $c->{config}{"map-root-user"}{value})'
ok $? "config --merged --admin --json: admin file makes usr Public"

out=$(rm_ check -r "$scratch/tree"); is $? 0 "check of a sound tree"
is "$out" "3 nodes checked, 0 problems" "check summary"

# ---- state ----
run_ok "disable" rm_ disable -r "$mid"
like "$(cat "$mid/.rednode.yaml")" "state: Disable" "status file says Disable"
like "$(rm_ tree -r "$plat")" "mid \[Disable\]" "tree shows the state"
run_ok "enable" rm_ enable -r "$mid"
like "$(cat "$mid/.rednode.yaml")" "state: Enable" "status file says Enable"

# ---- update ----
name=$(grep 'name:' "$app/etc/redpak.yaml")
run_ok "create --update rewrites an existing node" \
    rm_ create -r "$app" --update --info "updated"
like "$(cat "$app/etc/redpak.yaml")" 'info: "updated"' "--update wrote the new info"
like "$(cat "$app/.rednode.yaml")" 'info: "updated"' "--update rewrote the status file"
is "$(grep 'name:' "$app/etc/redpak.yaml")" "$name" "--update keeps the node's name"
like "$(cat "$app/etc/redpak.yaml")" 'alias: "application"' "--update keeps the alias"

# ---- refusals change nothing ----
refused "create over an existing node" "already a node" create -r "$mid"
refused "delete a node with children" "has 1 child node" delete -r "$mid"
refused "redpath with .." "contains '\.\.'" config -r "$mid/../mid"
refused "create with .." "contains '\.\.'" create -r "$plat/../x"
ln -s "$mid" "$scratch/tree/link"
refused "config of a symlinked node" "link is a symlink" config -r "$scratch/tree/link"
refused "delete a symlinked node" "link is a symlink" delete -r "$scratch/tree/link" --recursive
refused "update a symlinked node" "link is a symlink" create -r "$scratch/tree/link" --update
refused "not a node" "is not a node" config -r "$plat/usr"
refused "unknown template" "unknown template 'nope'" create -r "$plat/new" --template nope
refused "bad alias" "bad alias 'a b'" create -r "$plat/new" --alias 'a b'
refused "missing parent directory" "does not exist" create -r "$plat/no/new"
printf 'headers:\n  alias: "@NODE_ALIAS@"\nconfig:\n  share_net: [oops\n' > "$scratch/bad.yaml"
refused "malformed template" "bad\.yaml:[0-9]+:[0-9]+: " \
    create -r "$plat/new" --template "$scratch/bad.yaml"
refused "template loosening a restriction of its parent" \
    "plat.*(share|mount)|(share|mount).*plat" \
    create -r "$mid/new" --template full

# A Russian-doll violation written by hand: mid disables the network,
# its child enables it.
sed -i 's/^config:$/config:\n  share_net: Disabled/' "$mid/etc/redpak.yaml"
sed -i 's/^config:$/config:\n  share_net: Enabled/' "$app/etc/redpak.yaml"
before=$(snapshot "$scratch/tree")
out=$(rm_ check -r "$plat" 2>&1); st=$?
is "$st" 1 "check finds the violation"
like "$out" "'application'.*'mid'|'mid'.*'application'" "check names both nodes"
like "$out" "1 problem" "check counts it once"
out=$(rm_ config -r "$app" --merged 2>&1); st=$?
is "$st" 1 "config --merged refuses the violation"
like "$out" "'application'.*'mid'|'mid'.*'application'" "config --merged names both nodes"
refused "enable a node whose chain does not merge" "re-share net" enable -r "$app"
is "$(snapshot "$scratch/tree")" "$before" "check and config changed nothing"
sed -i '/share_net/d' "$mid/etc/redpak.yaml" "$app/etc/redpak.yaml"

printf 'headers:\n  alias: mid\nconfig:\n  umask: [\n' > "$mid/etc/redpak.yaml"
out=$(rm_ check -r "$plat" 2>&1); st=$?
is "$st" 1 "check of a tree with malformed YAML"
like "$out" "$mid/etc/redpak.yaml:4:[0-9]+: " "check gives file:line:column"
refused "config of a node with malformed YAML" "$mid/etc/redpak.yaml:4:[0-9]+: " \
    config -r "$mid"
out=$(rm_ tree -r "$plat" 2>&1); st=$?
is "$st" 1 "tree of a tree with a broken node fails"
like "$out" "$mid/etc/redpak.yaml:4:" "tree reports the broken file"
like "$out" "\\? \\[Error\\] $mid" "tree still shows the broken node"
run_ok "repair with --update and an explicit alias" \
    rm_ create -r "$mid" --update --alias mid
out=$(rm_ check -r "$scratch/tree" 2>&1); st=$?
is "$st" 1 "check reports a symlink to a node"
like "$out" "tree/link is a symlink to a node" "check names the symlink"
rm "$scratch/tree/link"
run_ok "check passes again" rm_ check -r "$scratch/tree"

# ---- delete ----
run_ok "delete a leaf" rm_ delete -r "$app"
test ! -e "$app"; ok $? "leaf removed"
rm_ create -r "$app" >/dev/null
ln -s /etc/passwd "$app/var/outside"
run_ok "delete --recursive" rm_ delete -r "$mid" --recursive
test ! -e "$mid"; ok $? "subtree removed"
test -f /etc/passwd; ok $? "symlink target untouched"
is "$(ls -A "$plat" | grep -c deleting)" 0 "nothing left behind"
run_ok "the root remains sound" rm_ check -r "$plat"

# ---- unprivileged (a directory the user owns) ----
nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups \
    --inh-caps=-all "$@"; }
if [ "$(id -u)" -eq 0 ] && nobody true 2>/dev/null &&
    nobody test -x "$REDPAK"; then
    chmod 755 "$scratch"
    mkdir "$scratch/user" && chown 65534:65534 "$scratch/user"
    run_ok "unprivileged: create a root node" \
        nobody "$REDPAK" redmanager create -r "$scratch/user/base"
    run_ok "unprivileged: create a child" \
        nobody "$REDPAK" redmanager create -r "$scratch/user/base/leaf"
    like "$(nobody "$REDPAK" redmanager tree -r "$scratch/user")" \
        "leaf \[Enable\]" "unprivileged: tree"
    run_ok "unprivileged: check" nobody "$REDPAK" redmanager check -r "$scratch/user"
    before=$(snapshot "$scratch/tree")
    out=$(nobody "$REDPAK" redmanager create -r "$scratch/tree/plat/x" 2>&1)
    is $? 1 "unprivileged: cannot create in a root-owned node"
    is "$(snapshot "$scratch/tree")" "$before" "unprivileged: disk unchanged"
    run_ok "unprivileged: delete --recursive" \
        nobody "$REDPAK" redmanager delete -r "$scratch/user/base" --recursive
    is "$(ls -A "$scratch/user")" "" "unprivileged: nothing left"
else
    echo "# skipping the unprivileged part (needs root and setpriv)"
fi

done_testing
