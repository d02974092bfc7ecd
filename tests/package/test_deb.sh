#!/usr/bin/env bash
# test_deb.sh BUILD_DIR - the Debian package: cpack -G DEB builds it from
# the build tree; its control data names the libraries the binary and its
# plugins link (dpkg-shlibdeps: libcurl4 comes from the DoH plugin, libssl3
# from the TLS plugin, and each package is named once), section net; it
# carries the binary, the plugins, the man page, the Japanese catalogue,
# the completion and the copyright; and the binary, unpacked with dpkg -x
# into a scratch root, runs the demo offline, in English and in Japanese,
# finding its catalogue relative to itself, and finds its plugins there
# too.
set -uo pipefail

build=$(cd "$1" && pwd)
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0

ok() { echo "ok   $1"; }
bad() { echo "FAIL $1"; failures=$((failures + 1)); }

for tool in cpack dpkg-deb dpkg-shlibdeps; do
    command -v "$tool" >/dev/null || { echo "test_deb: $tool is missing (apt-get install dpkg-dev)"; exit 1; }
done

# A private output directory, so parallel runs and the build tree's own
# _CPack_Packages do not collide.
if ! (cd "$tmp" && cpack -G DEB --config "$build/CPackConfig.cmake" -B "$tmp/out") > "$tmp/cpack.log" 2>&1; then
    cat "$tmp/cpack.log"
    echo "test_deb: cpack failed"
    exit 1
fi
deb=$(ls "$tmp"/out/*.deb 2>/dev/null | head -1)
[ -n "$deb" ] || { cat "$tmp/cpack.log"; echo "test_deb: no .deb produced"; exit 1; }
ok "cpack built $(basename "$deb")"

info=$(dpkg-deb -I "$deb")
field() { printf '%s\n' "$info" | sed -n "s/^ $1: //p"; }
[ "$(field Package)" = tmems-check ] && ok "Package: tmems-check" || bad "Package: $(field Package)"
[ "$(field Section)" = net ] && ok "Section: net" || bad "Section: $(field Section)"
[ -n "$(field Maintainer)" ] && ok "Maintainer: $(field Maintainer)" || bad "no Maintainer"
[ -n "$(field Description)" ] && ok "Description: $(field Description)" || bad "no Description"
depends=$(field Depends)
echo "     Depends: $depends"
for lib in libc-ares2 libcurl4 libssl3 libcjson1 libzscanner4 libidn2-0 libc6; do
    n=$(printf '%s\n' "$depends" | tr ',' '\n' | grep -c "^ *$lib\b")
    if [ "$n" -eq 1 ]; then
        ok "Depends names $lib once"
    else
        bad "Depends names $lib $n times"
    fi
done

# Installable here: every dependency is installed at a version that
# satisfies it (read from dpkg's database, which this test never changes).
while IFS= read -r dep; do
    [ -n "$dep" ] || continue
    pkg=$(printf '%s' "$dep" | awk '{print $1}')
    op=$(printf '%s' "$dep" | sed -n 's/.*(\([<>=]*\) *\([^)]*\)).*/\1/p')
    ver=$(printf '%s' "$dep" | sed -n 's/.*(\([<>=]*\) *\([^)]*\)).*/\2/p')
    have=$(dpkg-query -W -f='${Version}' "$pkg" 2>/dev/null || true)
    if [ -z "$have" ]; then
        bad "$pkg is not installed"
    elif [ -n "$op" ] && ! dpkg --compare-versions "$have" "$op" "$ver"; then
        bad "$pkg $have does not satisfy $op $ver"
    else
        ok "$pkg $have satisfies ${op:-any}${ver:+ $ver}"
    fi
done < <(printf '%s\n' "$depends" | tr ',' '\n' | sed 's/^ *//')

contents=$(dpkg-deb -c "$deb" | awk '{print $6}')
plugins=$(printf '%s\n' "$contents" | grep '/tmems-check/[a-z]*\.so$' | sort | tr '\n' ' ')
[ "$(printf '%s\n' "$contents" | grep -c '/tmems-check/\(doh\|tls\)\.so$')" -eq 2 ] \
    && ok "contains the plugins: $plugins" || bad "plugins missing: $plugins"
for path in ./usr/bin/tmems-check \
            ./usr/share/man/man1/tmems-check.1.gz \
            ./usr/share/locale/ja/LC_MESSAGES/tmems-check.mo \
            ./usr/share/bash-completion/completions/tmems-check \
            ./usr/share/doc/tmems-check/copyright; do
    if printf '%s\n' "$contents" | grep -x -- "$path" >/dev/null; then ok "contains $path"; else bad "lacks $path"; fi
done

dpkg-deb -x "$deb" "$tmp/root"
exe=$tmp/root/usr/bin/tmems-check
zone=$root/examples/acme-corp.example.zone
# A clean environment: no TMEMS_CHECK_LOCALEDIR, so the catalogue must be
# found through ../share/locale from the unpacked binary.
run() { env -i PATH=/usr/bin:/bin "$exe" --offline --zone "$zone" --color never "$@" acme-corp.example; }

out=$(run --lang en 2>&1); rc=$?
if [ "$rc" -eq 0 ] || [ "$rc" -eq 1 ]; then ok "the unpacked binary runs the demo (exit $rc)"; else bad "demo exit $rc: $out"; fi
printf '%s\n' "$out" | grep '^acme-corp.example: ' >/dev/null && ok "English report heading" || bad "no report heading"
out=$(run --lang ja 2>&1)
printf '%s\n' "$out" | grep '^判定: ' >/dev/null && ok "Japanese report from the packaged catalogue" || bad "no Japanese verdict line"
gzip -dc "$tmp/root/usr/share/man/man1/tmems-check.1.gz" | grep '^\.TH TMEMS' >/dev/null && ok "man page readable" || bad "man page unreadable"
msgunfmt "$tmp/root/usr/share/locale/ja/LC_MESSAGES/tmems-check.mo" > /dev/null && ok "catalogue readable" || bad "catalogue unreadable"
"$exe" --version | grep '^tmems-check ' >/dev/null && ok "--version" || bad "--version"
# The plugins next to the unpacked binary: a DoH run loads its plugin (and
# fails on the closed port with a transport error, exit 3, not with a
# missing plugin, exit 2).
out=$(env -i PATH=/usr/bin:/bin "$exe" --doh http://127.0.0.1:9/dns-query --timeout 500 \
      --tries 1 acme-corp.example 2>&1); rc=$?
if [ "$rc" -eq 3 ] && ! printf '%s\n' "$out" | grep plugin >/dev/null; then
    ok "the unpacked binary finds its DoH plugin"
else
    bad "DoH from the unpacked binary (exit $rc): $out"
fi

if [ "$failures" -ne 0 ]; then
    echo "test_deb: $failures failures"
    exit 1
fi
echo "test_deb: all passed"
