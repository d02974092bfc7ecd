#!/usr/bin/env bash
# check_lang.sh BINARY - the language of the messages: --lang wins, else
# LC_ALL, LC_MESSAGES, LANG in that order, whether or not the named locale
# is installed (ja_JP.UTF-8 usually is not); and the catalogue is found from
# the build tree, from a moved install tree, and through
# TMEMS_CHECK_LOCALEDIR (src/cli/i18n.c).
set -uo pipefail

bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
build=$(dirname "$bin")
zone=$root/examples/acme-corp.example.zone
# The demo includes Microsoft 365's SPF record: offline, without its zone the
# lookup count is unknown and so is the verdict (docs/checks.md "The verdict").
vendor=$root/tests/zones/protection.outlook.com.zone
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0

# One verdict line (-q) of the demo zone, in a clean environment plus the
# given assignments; options for the binary follow a "--".
verdict() {
    local vars=()
    while [ $# -gt 0 ] && [ "$1" != "--" ]; do vars+=("$1"); shift; done
    [ $# -gt 0 ] && shift
    env -i PATH="$PATH" "${vars[@]}" "$bin" --offline --zone "$zone" --zone "$vendor" -q --color never "$@" \
        acme-corp.example
}

expect() { # NAME PATTERN OUTPUT
    if printf '%s\n' "$3" | grep -- "$2" >/dev/null; then
        echo "ok   $1"
    else
        echo "FAIL $1: expected /$2/ in:"; printf '%s\n' "$3" | sed 's/^/       /'
        failures=$((failures + 1))
    fi
}

# Both verdict lines give the console's status in its own words
# (設定が必要), so only the whole line tells the languages apart.
ja='^acme-corp.example: 準備完了 | TMEmS 管理コンソール: 設定が必要、'
en='^acme-corp.example: ready | TMEmS console: 設定が必要 (configuration required), '
expect "--lang ja, C locale"            "$ja" "$(verdict LANG=C -- --lang ja 2>&1)"
expect "--lang=ja"                      "$ja" "$(env -i PATH="$PATH" "$bin" --offline --zone "$zone" --zone "$vendor" -q --lang=ja acme-corp.example 2>&1)"
expect "--lang en beats LANG=ja"        "$en" "$(verdict LANG=ja_JP.UTF-8 -- --lang en 2>&1)"
expect "LANG=ja_JP.UTF-8"               "$ja" "$(verdict LANG=ja_JP.UTF-8 2>&1)"
expect "LANG=ja_JP.eucJP"               "$ja" "$(verdict LANG=ja_JP.eucJP 2>&1)"
expect "LANG=ja"                        "$ja" "$(verdict LANG=ja 2>&1)"
expect "LC_MESSAGES=ja beats LANG=en"   "$ja" "$(verdict LANG=en_US.UTF-8 LC_MESSAGES=ja_JP.UTF-8 2>&1)"
expect "LC_ALL=C beats LANG=ja"         "$en" "$(verdict LANG=ja_JP.UTF-8 LC_ALL=C 2>&1)"
expect "LC_ALL=ja beats LC_MESSAGES=en" "$ja" "$(verdict LC_MESSAGES=C LC_ALL=ja_JP.UTF-8 2>&1)"
expect "no locale variable"             "$en" "$(verdict 2>&1)"
expect "LANG=java is not Japanese"      "$en" "$(verdict LANG=java 2>&1)"
expect "empty LC_ALL is unset"          "$ja" "$(verdict LC_ALL= LANG=ja_JP.UTF-8 2>&1)"

# Help and usage errors speak the language too; an error leaves stdout empty.
expect "--help in Japanese" '使い方' "$(env -i PATH="$PATH" "$bin" --help --lang ja 2>&1)"
out=$(env -i PATH="$PATH" "$bin" --lang ja --format bogus x.example 2>"$tmp/err"); rc=$?
expect "usage error in Japanese" "'bogus' が正しくありません" "$(cat "$tmp/err")"
expect "usage error exit 2" '^2$' "$rc"
expect "usage error: stdout empty" '^$' "$out"

# TMEMS_CHECK_LOCALEDIR wins over the build tree.
expect "TMEMS_CHECK_LOCALEDIR honoured" "$en" \
    "$(verdict TMEMS_CHECK_LOCALEDIR="$tmp/none" -- --lang ja 2>&1)"
mkdir -p "$tmp/alt/ja/LC_MESSAGES"
cp "$build/locale/ja/LC_MESSAGES/tmems-check.mo" "$tmp/alt/ja/LC_MESSAGES/"
expect "TMEMS_CHECK_LOCALEDIR used" "$ja" \
    "$(verdict TMEMS_CHECK_LOCALEDIR="$tmp/alt" -- --lang ja 2>&1)"

# A moved install tree (what dpkg -x or DESTDIR give): bin/../share/locale.
mkdir -p "$tmp/root/usr/bin" "$tmp/root/usr/share/locale/ja/LC_MESSAGES"
cp "$bin" "$tmp/root/usr/bin/tmems-check"
expect "moved tree without catalogue" "$en" \
    "$(env -i PATH="$PATH" "$tmp/root/usr/bin/tmems-check" --offline --zone "$zone" --zone "$vendor" -q --lang ja acme-corp.example 2>&1)"
cp "$build/locale/ja/LC_MESSAGES/tmems-check.mo" "$tmp/root/usr/share/locale/ja/LC_MESSAGES/"
expect "moved tree with catalogue" "$ja" \
    "$(env -i PATH="$PATH" "$tmp/root/usr/bin/tmems-check" --offline --zone "$zone" --zone "$vendor" -q --lang ja acme-corp.example 2>&1)"

if [ "$failures" -ne 0 ]; then
    echo "check_lang: $failures failures"
    exit 1
fi
echo "check_lang: all passed"
