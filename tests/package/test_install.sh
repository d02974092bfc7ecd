#!/usr/bin/env bash
# test_install.sh BUILD_DIR - cmake --install puts the binary, its plugins,
# the man page, the message catalogue, the completion and the docs where
# GNUInstallDirs says, under any prefix, and the installed binary finds its
# catalogue (../share/locale relative to itself) and its plugins
# (../<libdir>/tmems-check) there without any variable set.
set -uo pipefail

build=$(cd "$1" && pwd)
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0
ok() { echo "ok   $1"; }
bad() { echo "FAIL $1"; failures=$((failures + 1)); }

prefix=$tmp/prefix
if ! cmake --install "$build" --prefix "$prefix" > "$tmp/install.log" 2>&1; then
    cat "$tmp/install.log"; echo "test_install: cmake --install failed"; exit 1
fi
for path in bin/tmems-check \
            share/man/man1/tmems-check.1.gz \
            share/locale/ja/LC_MESSAGES/tmems-check.mo \
            share/bash-completion/completions/tmems-check \
            share/doc/tmems-check/cli.md \
            share/doc/tmems-check/checks.md \
            share/doc/tmems-check/json.md \
            share/doc/tmems-check/ci.md; do
    [ -f "$prefix/$path" ] && ok "$path" || bad "$path missing"
done
[ -x "$prefix/bin/tmems-check" ] && ok "bin/tmems-check is executable" || bad "not executable"
n=$(find "$prefix" -path '*/tmems-check/doh.so' -o -path '*/tmems-check/tls.so' \
     -o -path '*/tmems-check/idn.so' | wc -l)
[ "$n" -eq 3 ] && ok "the plugins are installed" || bad "$n plugins installed, expected 3"
# Outside the build tree, an internationalised name loads the installed IDN
# plugin: the error is the want of a zone file for its A-label, not a
# missing plugin.
out=$(env -i PATH=/usr/bin:/bin "$prefix/bin/tmems-check" --offline 例え.jp 2>&1)
if printf '%s\n' "$out" | grep 'xn--r8jz45g.jp' >/dev/null && ! printf '%s\n' "$out" | grep plugin >/dev/null; then
    ok "the installed binary finds its IDN plugin"
else
    bad "IDN from the installed binary: $out"
fi
# Outside the build tree, the binary loads the installed plugin: a DoH run
# on a closed port is a transport error (exit 3), not a missing plugin (2).
out=$(env -i PATH=/usr/bin:/bin "$prefix/bin/tmems-check" --doh http://127.0.0.1:9/dns-query \
      --timeout 500 --tries 1 acme-corp.example 2>&1); rc=$?
if [ "$rc" -eq 3 ] && ! printf '%s\n' "$out" | grep plugin >/dev/null; then
    ok "the installed binary finds its DoH plugin"
else
    bad "DoH from the installed binary (exit $rc): $out"
fi

out=$(env -i PATH=/usr/bin:/bin "$prefix/bin/tmems-check" --offline --lang ja -q \
      --zone "$root/examples/acme-corp.example.zone" acme-corp.example 2>&1)
printf '%s\n' "$out" | grep '完了\|設定が必要' >/dev/null && ok "installed binary speaks Japanese: $out" \
    || bad "installed binary: $out"
# The completion file is valid bash and registers the function.
bash -c ". '$prefix/share/bash-completion/completions/tmems-check' && complete -p tmems-check" \
    > /dev/null 2>&1 && ok "completion loads" || bad "completion does not load"

if [ "$failures" -ne 0 ]; then echo "test_install: $failures failures"; exit 1; fi
echo "test_install: all passed"
