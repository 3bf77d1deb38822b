#!/bin/sh
# config.seccomp inside nodes run by redwrap, as root and as an
# unprivileged user: denied syscalls fail with the policy's errno or kill
# the program, policies of a chain stack, a child cannot relax its
# ancestors, TIOCSTI is blocked when the session is shared, and
# --dump-only prints the effective policy.
. "$(dirname "$0")/lib/tap.sh"
. "$TESTS_DIR/lib/redwrap.sh"

escape_setup

rw() { "$scratch/redpak" redwrap "$@"; }
as_user() {
    setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all \
        env REDPAK_MAIN="$REDPAK_MAIN" "$scratch/redpak" redwrap "$@"
}
# EBADFD: an errno no kernel path gives these calls, so seeing it proves
# the filter answered.
BADFD="File descriptor in bad state"

make_base "$scratch/root"
cp "$scratch/escape" "$scratch/root/bin/escape"
make_node "$scratch/root" base Enable <<EOF
headers:
  alias: base
config:
  seccomp:
    default: allow
    errno: 77
    deny:
      - getppid
      - {syscall: bpf, action: kill}
      - {syscall: unshare, arg0-has: CLONE_NEWUSER}
      - {syscall: clone, arg0-has: CLONE_NEWUSER}
      - {syscall: clone3, errno: ENOSYS}
exports:
$(base_exports "$scratch/root")
EOF
make_node "$scratch/root/leaf" leaf Enable <<EOF
headers:
  alias: leaf
config:
  seccomp:
    errno: EACCES
    deny: [keyctl, add_key]
EOF
make_node "$scratch/plain" plain Enable <<EOF
headers:
  alias: plain
exports:
$(base_exports "$scratch/root")
EOF

# ---- a denied syscall, in the node and in its child ----
for who in root user; do
    run=rw; [ $who = user ] && run=as_user
    out=$($run -r "$scratch/root" /bin/escape syscall getppid 2>&1)
    is "$out" "error: $BADFD" "$who: denied syscall fails with the policy's errno"
    out=$($run -r "$scratch/root/leaf" /bin/escape syscall getppid 2>&1)
    is "$out" "error: $BADFD" "$who: the ancestor's filter applies in the child"
    out=$($run -r "$scratch/root/leaf" /bin/escape syscall keyctl 2>&1)
    is "$out" "error: Permission denied" "$who: the child's own filter applies (its errno)"
    out=$($run -r "$scratch/plain" /bin/escape syscall getppid 2>&1)
    is "$out" "ok" "$who: without a policy the syscall works"
    $run -r "$scratch/root/leaf" /bin/escape syscall bpf >/dev/null 2>&1
    is $? 159 "$who: a kill entry kills the program (128+SIGSYS)"
    out=$($run -r "$scratch/root/leaf" /bin/escape userns 2>&1)
    is "$out" "error: $BADFD" "$who: unshare(CLONE_NEWUSER) refused by an argument condition"
    out=$($run -r "$scratch/root/leaf" /bin/sh -c 'echo hello' 2>&1)
    is "$out" "hello" "$who: ordinary programs run (fork, exec) under the policy"
done

# ---- another ABI: an i386 program (int 0x80) ----
# Built with binutils alone (no 32-bit libc needed); skipped when the
# kernel cannot run it at all.
printf '.globl _start\n_start:\n movl $1, %%eax\n movl $7, %%ebx\n int $0x80\n' \
    > "$scratch/i386.s"
if as --32 -o "$scratch/i386.o" "$scratch/i386.s" 2>/dev/null &&
    ld -m elf_i386 -o "$scratch/root/bin/i386" "$scratch/i386.o" 2>/dev/null &&
    "$scratch/root/bin/i386"; [ $? = 7 ]; then
    rw -r "$scratch/plain" /bin/i386
    is $? 7 "i386: without a policy the program runs (its exit code)"
    for who in root user; do
        run=rw; [ $who = user ] && run=as_user
        $run -r "$scratch/root" /bin/i386 2>/dev/null
        is $? 159 "$who: an i386 syscall under a policy kills the program"
    done
else
    skip 3 "the kernel or binutils cannot run i386 programs"
fi

# a redpath through a symlinked directory still finds the ancestor; an
# ancestor node that is itself a symlink is refused
ln -s "$scratch" "$scratch/via-link"
out=$(rw -r "$scratch/via-link/root/leaf" /bin/escape syscall getppid 2>&1)
is "$out" "error: $BADFD" "a redpath through a symlinked directory keeps the ancestor's filter"
ln -s "$scratch/root" "$scratch/root-link"
out=$(rw -r "$scratch/root-link/leaf" /bin/true 2>&1)
is "$out" "redwrap: node $scratch/root-link is a symlink" "an ancestor node reached by a symlink is refused"

# ---- a child cannot relax ----
make_node "$scratch/root/loose" loose Enable <<EOF
headers:
  alias: loose
config:
  seccomp:
    allow: [getppid, read]
EOF
out=$(rw -r "$scratch/root/loose" /bin/true 2>&1); st=$?
is "$st" 125 "a child allowing what an ancestor denies is refused (125)"
is "$out" "redwrap: $scratch/root/loose/etc/redpak.yaml:5:13: node 'loose' ($scratch/root/loose) cannot allow syscall getppid: ancestor 'base' ($scratch/root) denies it at $scratch/root/etc/redpak.yaml:8:9" \
    "the message names both nodes and both positions"

# ---- validation ----
make_node "$scratch/bad" bad Enable <<EOF
headers:
  alias: bad
config:
  seccomp:
    deny: [kexec_load, kexec_lode]
EOF
out=$(rw -r "$scratch/bad" /bin/true 2>&1); st=$?
is "$st" 125 "an unknown syscall name is a configuration error"
is "$out" "redwrap: $scratch/bad/etc/redpak.yaml:5:24: unknown syscall 'kexec_lode'" \
    "the message names file:line:column"

# ---- --dump-only ----
out=$(rw --dump-only -r "$scratch/root/leaf" /bin/true 2>&1)
like "$out" "seccomp layer 1 default allow from=$scratch/root/etc/redpak.yaml:5" \
    "--dump-only: the ancestor's layer first"
like "$out" "seccomp layer 1 deny unshare arg0-has=0x10000000 errno EBADFD" \
    "--dump-only: argument conditions and errno"
like "$out" "seccomp layer 2 deny keyctl errno EACCES" "--dump-only: the leaf's layer"
out=$(rw --dump-only -r "$scratch/plain" /bin/true 2>&1)
like "$out" "seccomp none" "--dump-only: no policy"

# ---- the terminal: TIOCSTI ----
make_node "$scratch/shared" shared Enable <<EOF
headers:
  alias: shared
config:
  new-session: Disabled
exports:
$(base_exports "$scratch/root")
EOF
cp "$scratch/escape" "$scratch/root/bin/escape"
out=$(rw --dump-only -r "$scratch/shared" /bin/true 2>&1)
like "$out" "seccomp layer 1 default allow from=<new-session-disabled>" \
    "new-session: disabled adds the terminal guard"
like "$out" "deny ioctl arg1=0x5412 errno EPERM" "the guard denies TIOCSTI"
like "$out" "deny ioctl arg1=0x541c errno EPERM" "the guard denies TIOCLINUX"
if command -v script >/dev/null; then
    for who in root user; do
        run="$scratch/redpak redwrap"
        [ $who = user ] && run="setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all env REDPAK_MAIN=$REDPAK_MAIN $run"
        out=$(script -qec "$run -r $scratch/shared /bin/escape tiocsti" /dev/null </dev/null | tr -d '\r')
        is "$out" "error: Operation not permitted" "$who: TIOCSTI into the shared terminal fails"
    done
fi

done_testing
