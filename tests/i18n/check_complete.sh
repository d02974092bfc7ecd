#!/usr/bin/env bash
# check_complete.sh - fails when a message of the sources lacks a Japanese
# translation: extracts a fresh template from the sources (po/update.sh
# --pot, which changes no file), merges po/ja.po into it without fuzzy
# matching, and requires every entry to be translated and none fuzzy.
# On failure it lists the messages to translate (see po/update.sh).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

bash "$root/po/update.sh" --pot "$tmp/fresh.pot"
total=$(msgattrib --no-obsolete --no-wrap "$tmp/fresh.pot" | grep -c '^msgid ' || true)
# The header counts as one msgid; a template with no message is itself wrong
# (the extraction keywords would have stopped matching).
if [ "$total" -lt 2 ]; then
    echo "check_complete: no message extracted from the sources" >&2
    exit 1
fi

# Fuzzy matching off: a msgid that changed must be translated again, not
# guessed from a similar one.
msgmerge --quiet --no-fuzzy-matching --no-wrap -o "$tmp/merged.po" "$root/po/ja.po" "$tmp/fresh.pot"

status=0
for kind in untranslated only-fuzzy; do
    msgattrib --"$kind" --no-obsolete --no-wrap -o "$tmp/$kind.po" "$tmp/merged.po"
    # msgattrib writes no file when nothing matches.
    [ -f "$tmp/$kind.po" ] || continue
    # Each entry but the header: its msgid line, or for a msgid written
    # over several lines (msgid "" then "..."), its first text line.
    list=$(awk '/^msgid /{ if ($0 != "msgid \"\"") print; else wait = 1; next }
                wait && /^"/ { print "msgid " $0; wait = 0; next }
                { wait = 0 }' "$tmp/$kind.po")
    if [ -n "$list" ]; then
        echo "check_complete: po/ja.po: ${kind#only-} messages:" >&2
        printf '%s\n' "$list" | sed 's/^/  /' >&2
        status=1
    fi
done
# ja.po itself must carry no fuzzy entry either (msgfmt would skip it).
if LC_ALL=C msgfmt --statistics -o /dev/null "$root/po/ja.po" 2>&1 | grep fuzzy >/dev/null; then
    echo "check_complete: po/ja.po has fuzzy entries" >&2
    status=1
fi
if [ "$status" -eq 0 ]; then
    echo "check_complete: all $((total - 1)) messages have a Japanese translation"
else
    echo "check_complete: run po/update.sh and translate the entries above" >&2
fi
exit "$status"
