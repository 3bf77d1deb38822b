# Helpers building small test packages with Debian's rpmbuild (sourced by
# tests/*.t and scripts/bench-rpm.sh after tests/lib/tap.sh or with
# $scratch set). Packages land in $rpm_out (default $scratch/rpms).
#
#   rpm_make NAME VERSION [KEY=VALUE...]
#     arch=noarch|x86_64   requires=CAP  provides=CAP  conflicts=CAP
#     file=/PATH           (a file whose content is "NAME-VERSION PATH")
#     config=/PATH         (the same, marked %config(noreplace))
#     doc=/PATH            (the same, marked %doc)
#     exe=/PATH:SOURCE     (install the executable SOURCE at PATH)
#     pre=SH  post=SH  preun=SH  postun=SH  (shell scriptlets)
#     postlua=LUA          (a Lua %post)
#   Keys may repeat. Prints the path of the built package.
#
#   rpm_sign_setup         throwaway GnuPG key in $scratch/gnupg; exports
#                          the public key to $scratch/RPM-GPG-KEY-test
#   rpm_sign FILE          sign FILE in place with that key

rpm_out=${rpm_out:-$scratch/rpms}

rpm_make() {
    name=$1 version=$2; shift 2
    top=$scratch/rpmbuild-$name-$version
    mkdir -p "$top/SPECS" "$rpm_out"
    arch=noarch headers= install= files= scripts=
    for arg in "$@"; do
        key=${arg%%=*} value=${arg#*=}
        case $key in
        arch) arch=$value ;;
        requires) headers="$headers
Requires: $value" ;;
        provides) headers="$headers
Provides: $value" ;;
        conflicts) headers="$headers
Conflicts: $value" ;;
        file|config|doc)
            install="$install
mkdir -p %{buildroot}$(dirname "$value")
echo '$name-$version $value' > %{buildroot}$value"
            case $key in
            file) files="$files
$value" ;;
            config) files="$files
%config(noreplace) $value" ;;
            doc) files="$files
%doc $value" ;;
            esac ;;
        exe)
            path=${value%%:*} source=${value#*:}
            install="$install
mkdir -p %{buildroot}$(dirname "$path")
cp '$source' %{buildroot}$path
chmod 0755 %{buildroot}$path"
            files="$files
$path" ;;
        pre|post|preun|postun) scripts="$scripts
%$key
$value" ;;
        postlua) scripts="$scripts
%post -p <lua>
$value" ;;
        *) echo "rpm_make: unknown key $key" >&2; return 2 ;;
        esac
    done
    cat > "$top/SPECS/$name.spec" <<SPEC
Name: $name
Version: $version
Release: 1
Summary: redpak test package $name
License: MIT
BuildArch: $arch$headers
%global debug_package %{nil}
%global __os_install_post %{nil}
%global _build_id_links none

%description
Test package $name $version built by tests/lib/rpmbuild.sh.

%install
$install
$scripts

%files$files
SPEC
    rpmbuild --quiet --define "_topdir $top" --define "_rpmdir $rpm_out" \
        --define '_build_name_fmt %%{NAME}-%%{VERSION}-%%{RELEASE}.%%{ARCH}.rpm' \
        --define '_binary_payload w9.gzdio' \
        -bb "$top/SPECS/$name.spec" >"$top/log" 2>&1 ||
        { cat "$top/log" >&2; return 1; }
    rm -rf "$top"
    echo "$rpm_out/$name-$version-1.$arch.rpm"
}

rpm_sign_setup() {
    GNUPGHOME=$scratch/gnupg; export GNUPGHOME
    mkdir -p -m 0700 "$GNUPGHOME"
    gpg --batch --quiet --pinentry-mode loopback --passphrase '' \
        --quick-gen-key 'redpak test <test@redpak.invalid>' rsa2048 sign never \
        >/dev/null 2>&1 || return 1
    gpg --batch --armor --export 'redpak test' > "$scratch/RPM-GPG-KEY-test"
}

rpm_sign() {
    rpmsign --addsign --define '_gpg_name redpak test' \
        --define '__gpg /usr/bin/gpg' --define "_gpg_path $GNUPGHOME" \
        --define "_gpg_sign_cmd_extra_args --batch --pinentry-mode loopback --passphrase ''" \
        "$1" </dev/null >/dev/null 2>&1
}

# Stop the agent that gpg started for the throwaway key.
rpm_sign_cleanup() {
    [ -n "${GNUPGHOME:-}" ] && gpgconf --kill gpg-agent 2>/dev/null || :
}

# rpm_make_many PREFIX COUNT: COUNT tiny noarch packages PREFIX1..PREFIXn
# (one file each) from a single rpmbuild run, into $rpm_out.
rpm_make_many() {
    prefix=$1 count=$2 top=$scratch/rpmbuild-$1
    mkdir -p "$top/SPECS" "$rpm_out"
    {
        printf 'Name: %s\nVersion: 1.0\nRelease: 1\nSummary: bench\nLicense: MIT\nBuildArch: noarch\n' "$prefix"
        printf '%%global debug_package %%{nil}\n%%global __os_install_post %%{nil}\n'
        printf '%%description\nbench\n'
        i=1
        while [ $i -le "$count" ]; do
            printf '%%package -n %s%d\nSummary: bench %d\n%%description -n %s%d\nbench\n' \
                "$prefix" $i $i "$prefix" $i
            printf '%%files -n %s%d\n/usr/share/%s/%d.txt\n' "$prefix" $i "$prefix" $i
            i=$((i + 1))
        done
        printf '%%install\nmkdir -p %%{buildroot}/usr/share/%s\n' "$prefix"
        printf 'for i in $(seq 1 %d); do echo $i > %%{buildroot}/usr/share/%s/$i.txt; done\n' \
            "$count" "$prefix"
    } > "$top/SPECS/$prefix.spec"
    rpmbuild --quiet --define "_topdir $top" --define "_rpmdir $rpm_out" \
        --define '_build_name_fmt %%{NAME}-%%{VERSION}-%%{RELEASE}.%%{ARCH}.rpm' \
        --define '_binary_payload w9.gzdio' \
        -bb "$top/SPECS/$prefix.spec" >"$top/log" 2>&1 ||
        { cat "$top/log" >&2; return 1; }
    rm -rf "$top"
}
