# TAP helpers for the integration tests (sourced by tests/*.t).
# $REDPAK is the binary under test (the static one or the sanitizer build).
: "${REDPAK:?set REDPAK to the redpak binary under test}"
TESTS_DIR=$(cd "$(dirname "$0")" && pwd)
tap_count=0
tap_failed=0

plan() { echo "1..$1"; }
ok() { # ok CONDITION-EXIT-STATUS DESCRIPTION
    tap_count=$((tap_count + 1))
    if [ "$1" -eq 0 ]; then
        echo "ok $tap_count - $2"
    else
        echo "not ok $tap_count - $2"
        tap_failed=$((tap_failed + 1))
    fi
}
run_ok() { # run_ok DESCRIPTION COMMAND...: command must exit 0
    description=$1; shift
    output=$("$@" 2>&1); status=$?
    ok $status "$description"
    [ $status -eq 0 ] || printf '# exit %s: %s\n' "$status" "$output" | sed '2,$s/^/# /'
}
is() { # is GOT EXPECTED DESCRIPTION
    if [ "$1" = "$2" ]; then ok 0 "$3"; else
        ok 1 "$3"; printf '# got:      %s\n# expected: %s\n' "$1" "$2"; fi
}
like() { # like GOT REGEX DESCRIPTION (grep -E)
    if printf '%s' "$1" | grep -Eq -- "$2"; then ok 0 "$3"; else
        ok 1 "$3"; printf '# got: %s\n# does not match: %s\n' "$1" "$2"; fi
}
skip() { # skip COUNT REASON: COUNT checks that cannot run here
    i=0
    while [ $i -lt "$1" ]; do
        i=$((i + 1)) tap_count=$((tap_count + 1))
        echo "ok $tap_count # SKIP $2"
    done
}
done_testing() { echo "1..$tap_count"; [ "$tap_failed" -eq 0 ]; }

# A scratch directory removed on exit, whatever happens.
scratch=$(mktemp -d "${TMPDIR:-/tmp}/redpak-test.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
