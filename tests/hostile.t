#!/bin/sh
# Hostile input: every case must give one line naming the file (with
# line:column for YAML) and the cause, a documented exit code, and leave
# the disk exactly as it was (listing + checksums compared before/after).
#
# Table-driven: tests/hostile/configs is one node configuration per line
# (a YAML flow document) with the expected cause; the cases below it need
# files, links or users of their own.
. "$(dirname "$0")/lib/tap.sh"

if [ "$(id -u)" -ne 0 ] || ! command -v setpriv >/dev/null; then
    echo "1..0 # SKIP needs root and setpriv"
    exit 0
fi
REDPAK_MAIN="$scratch/main.yaml"
export REDPAK_MAIN
printf 'headers:\n  alias: main\nconfig:\n  share_all: Disabled\n' > "$REDPAK_MAIN"
chmod 755 "$scratch"
cp "$REDPAK" "$scratch/redpak"
chmod 755 "$scratch/redpak"
tree="$scratch/tree"
node="$tree/n"
file="$node/etc/redpak.yaml"

# status NODE [STATE]: the node's status file.
status() {
    mkdir -p "$1/etc"
    printf 'realpath: %s\nstate: %s\ntimestamp: 0\ninfo: hostile\n' "$1" "${2:-Enable}" \
        > "$1/.rednode.yaml"
}
status "$node"
mkdir -p "$node/private" "$tree/other/private"
status "$tree/other"
echo secret > "$tree/other/private/data"
printf 'headers:\n  alias: other\nexports:\n  - {mode: Private, mount: /p, path: %s}\n' \
    "$tree/other/private" > "$tree/other/etc/redpak.yaml"

# The state of the whole tree: every entry with type, mode, size, link
# target and owner, then every file's checksum.
snapshot() {
    (cd "$tree" && find . -printf '%p %y %m %s %l %U\n' | LC_ALL=C sort &&
        find . -type f -exec sha256sum {} + | LC_ALL=C sort)
}

# expect NAME STATUS REGEX COMMAND...: exit STATUS, one line of output
# matching REGEX (grep -E), disk unchanged.
expect() {
    name=$1 want=$2 regex=$3; shift 3
    before=$(snapshot)
    out=$("$@" 2>&1 </dev/null); st=$?
    after=$(snapshot)
    is "$st" "$want" "$name: exit $want"
    lines=$(printf '%s\n' "$out" | wc -l)
    if [ "$lines" -eq 1 ] && printf '%s' "$out" | grep -Eq -- "$regex"; then
        ok 0 "$name: one clear line"
    else
        ok 1 "$name: one clear line"
        printf '# got: %s\n# expected one line matching: %s\n' "$out" "$regex"
    fi
    is "$after" "$before" "$name: disk unchanged"
}
rw() { "$scratch/redpak" redwrap "$@"; }
quote() { printf '%s' "$1" | sed 's/[][\.*^$()+?{}|]/\\&/g'; }
F=$(quote "$file")

# ---- the table: one configuration per line ----
count=0
while IFS='|' read -r yaml cause; do
    case "$yaml" in '#'*|'') continue ;; esac
    count=$((count + 1))
    printf '%s\n' "$yaml" > "$file"
    expect "config $count ($(printf '%s' "$cause" | cut -c1-40))" 125 \
        "^redwrap: $F:[0-9]+:[0-9]+: $cause" rw -r "$node" /bin/true
done < "$TESTS_DIR/hostile/configs"

# ---- generated inputs ----
header='{headers: {alias: n}, config: {hostname: '
# huge values
long=$(head -c 5000 /dev/zero | tr '\0' a)
printf '%s%s}}\n' "$header" "$long" > "$file"
expect "scalar of 5000 bytes" 125 "^redwrap: $F:1:[0-9]+: value longer than 4096 bytes$" \
    rw -r "$node" /bin/true
{ printf 'headers:\n  alias: n\n# '; head -c 1100000 /dev/zero | tr '\0' x; echo; } > "$file"
expect "file larger than 1 MiB" 125 "^redwrap: $F: .*(too large|larger|size)" \
    rw -r "$node" /bin/true
# deep nesting
deep=$(printf '%0100d' 0 | sed 's/0/[/g')$(printf '%0100d' 0 | sed 's/0/]/g')
# (under a legacy key the loader skips, so only the depth limit can stop it)
printf '{headers: {alias: n}, config: {maxage: %s}}\n' "$deep" > "$file"
expect "lists nested 100 deep" 125 "^redwrap: $F:1:[0-9]+: .*(deep|nesting)" \
    rw -r "$node" /bin/true
deep=$(printf '%060d' 0 | sed 's/0/{a: /g')1$(printf '%060d' 0 | sed 's/0/}/g')
printf '{headers: {alias: n}, config: {inherit: %s}}\n' "$deep" > "$file"
expect "mappings nested 60 deep" 125 "^redwrap: $F:1:[0-9]+: .*(deep|nesting)" \
    rw -r "$node" /bin/true
# bytes that are not text
printf 'headers:\n  alias: "n\377"\n' > "$file"
expect "non-UTF-8 byte" 125 "^redwrap: $F:2:[0-9]+: .*UTF-8" rw -r "$node" /bin/true
printf 'headers:\n  alias: n\000x\n' > "$file"
expect "NUL byte" 125 "^redwrap: $F:2:[0-9]+: " rw -r "$node" /bin/true
printf '\357\273\277headers:\n  alias: "\355\240\200"\n' > "$file"
expect "UTF-16 surrogate in UTF-8" 125 "^redwrap: $F:2:[0-9]+: " rw -r "$node" /bin/true

# ---- expansion ----
printf '%s"$(exit 3)"}}\n' "$header" > "$file"
expect "\$() command that fails" 125 "^redwrap: $F:1:[0-9]+: command 'exit 3' failed \(exit status 3\)$" \
    rw -r "$node" /bin/true
printf '%s"$(head -c 100000 /dev/zero | tr \\\\0 a)"}}\n' "$header" > "$file"
expect "overlong command output" 125 "^redwrap: $F:1:[0-9]+: .*EXPAND_MAX_LENGTH" \
    rw -r "$node" /bin/true
printf '%s"%s"}}\n' "$header" "$(printf '%02000d' 0 | sed 's/00/$X/g')" > "$file"
expect "overlong expansion of a variable" 125 "^redwrap: $F:1:[0-9]+: .*EXPAND_MAX_LENGTH" \
    env X=aaaaaaaaaaaaaaaa "$scratch/redpak" redwrap -r "$node" /bin/true
printf '%s"${UNCLOSED"}}\n' "$header" > "$file"
expect "unterminated \${" 125 "^redwrap: $F:1:[0-9]+: " rw -r "$node" /bin/true
printf '%s"$(echo $(echo $(echo $(echo $(echo $(echo $(echo $(echo $(echo x)))))))))"}}\n' \
    "$header" > "$file"
expect "command substitution nested 9 deep" 125 "^redwrap: $F:1:[0-9]+: .*(deep|EXPAND_MAX_DEPTH|nest)" \
    rw -r "$node" /bin/true
# a "loop": substituted values are never expanded again
printf '{headers: {alias: n}, environ: [{mode: Default, key: V, value: "$LOOP"}]}\n' > "$file"
out=$(env LOOP='$LOOP$LOOP' "$scratch/redpak" redwrap --dump-only -r "$node" /bin/true 2>&1)
like "$out" 'env set V=\$LOOP\$LOOP' "self-referencing variable is inserted verbatim"

# ---- paths: .., symlinks ----
expect "redpath with .." 125 "^redwrap: redpath '$(quote "$tree")/n/\.\./n' contains '\.\.'$" \
    rw -r "$tree/n/../n" /bin/true
ln -s "$node" "$tree/link"
expect "node directory that is a symlink" 125 "^redwrap: node $(quote "$tree")/link is a symlink$" \
    rw -r "$tree/link" /bin/true
rm "$tree/link"
ln -s / "$node/rootlink"
printf '{headers: {alias: n}, exports: [{mode: Restricted, mount: /host, path: %s}]}\n' \
    "$node/rootlink" > "$file"
expect "export source is a symlink to the host root" 125 \
    "^redwrap: cannot bind $F.*|^redwrap: cannot bind $(quote "$node")/rootlink onto /host: it leads out of node" \
    rw -r "$node" /bin/true
rm "$node/rootlink"
ln -s "$tree/other/private" "$node/private/other"
printf '{headers: {alias: n}, exports: [{mode: Public, mount: /o, path: %s}]}\n' \
    "$node/private/other" > "$file"
expect "export source is a symlink to another node's private data" 125 \
    "^redwrap: cannot bind $(quote "$node")/private/other onto /o: it leads out of node" \
    rw -r "$node" /bin/true
rm "$node/private/other"
printf '{headers: {alias: n}, exports: [{mode: Public, mount: /o, path: %s/../other/private}]}\n' \
    "$node" > "$file"
expect "export source with .." 125 "^redwrap: $F:1:[0-9]+: export /o: source .* without '\.\.'" \
    rw -r "$node" /bin/true
printf '{headers: {alias: n}, exports: [{mode: Tmpfs, mount: /a/../../etc}]}\n' > "$file"
expect "export mount with .." 125 "^redwrap: $F:1:[0-9]+: export '/a/\.\./\.\./etc': mount must be" \
    rw -r "$node" /bin/true

# ---- missing and unreadable files ----
rm "$file"
expect "missing configuration" 125 "^redwrap: node $(quote "$node") has no etc/redpak.yaml$" \
    rw -r "$node" /bin/true
printf '{headers: {alias: n}}\n' > "$file"
mkdir -p "$tree/plain"
expect "not a node" 125 "^redwrap: .*$(quote "$tree")/plain" rw -r "$tree/plain" /bin/true
expect "missing redpath" 125 "^redwrap: .*$(quote "$tree")/none" rw -r "$tree/none" /bin/true
printf '{headers: {alias: n}, exports: [{mode: RestrictedFile, mount: /f, path: %s/none}]}\n' \
    "$node" > "$file"
expect "missing file source with --strict" 125 "^redwrap: .*$(quote "$node")/none" \
    rw --strict -r "$node" /bin/true
printf '{headers: {alias: n}}\n' > "$file"
chmod 600 "$file"
chmod 755 "$tree" "$node" "$node/etc"
expect "unreadable configuration (uid 65534)" 125 "^redwrap: .*$F.*Permission denied" \
    setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all \
    env REDPAK_MAIN="$REDPAK_MAIN" "$scratch/redpak" redwrap -r "$node" /bin/true
chmod 644 "$file"
chmod 600 "$node/.rednode.yaml"
expect "unreadable status file (uid 65534)" 125 "^redwrap: .*$(quote "$node")/\.rednode\.yaml.*Permission denied" \
    setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all \
    env REDPAK_MAIN="$REDPAK_MAIN" "$scratch/redpak" redwrap -r "$node" /bin/true
chmod 644 "$node/.rednode.yaml"
printf 'realpath: [x\n' > "$node/.rednode.yaml"
expect "malformed status file" 125 "^redwrap: $(quote "$node")/\.rednode\.yaml:[0-9]+:[0-9]+: " \
    rw -r "$node" /bin/true
status "$node" Disable
expect "disabled node" 125 "^redwrap: .*$(quote "$node").*Disable" rw -r "$node" /bin/true
status "$node"
printf '{headers: {alias: n}}\n' > "$REDPAK_MAIN.bad"
printf 'headers: [main\n' > "$REDPAK_MAIN.bad"
expect "malformed main.yaml" 125 "^redwrap: $(quote "$REDPAK_MAIN").bad:[0-9]+:[0-9]+: " \
    env REDPAK_MAIN="$REDPAK_MAIN.bad" "$scratch/redpak" redwrap -r "$node" /bin/true

# ---- chains: a child loosening its parent ----
printf '{headers: {alias: n}, config: {share_net: Disabled, seccomp: {deny: [bpf]}}, exports: [{mode: Tmpfs, mount: /t}]}\n' > "$file"
status "$node/c"
printf '{headers: {alias: c}, config: {share_net: Enabled}}\n' > "$node/c/etc/redpak.yaml"
expect "child re-shares a namespace" 125 "^redwrap: $(quote "$node")/c/etc/redpak\.yaml:1:[0-9]+: node 'c' .* ancestor 'n' " \
    rw -r "$node/c" /bin/true
printf '{headers: {alias: c}, config: {seccomp: {allow: [bpf]}}}\n' > "$node/c/etc/redpak.yaml"
expect "child allows a syscall the parent denies" 125 "^redwrap: $(quote "$node")/c/etc/redpak\.yaml:1:[0-9]+: node 'c' .* cannot allow syscall bpf: ancestor 'n' " \
    rw -r "$node/c" /bin/true
printf '{headers: {alias: c}, exports: [{mode: Tmpfs, mount: /t}]}\n' > "$node/c/etc/redpak.yaml"
expect "child redefines a mount point" 125 "^redwrap: $(quote "$node")/c/etc/redpak\.yaml:1:[0-9]+: node 'c' .* ancestor 'n' " \
    rw -r "$node/c" /bin/true

done_testing
