#!/usr/bin/env bash
# update.sh - extracts the translatable messages of the sources into
# po/tmems-check.pot and merges them into every po/<lang>.po.
#
#   po/update.sh              refresh the template and the catalogues
#   po/update.sh --pot FILE   only write a fresh template to FILE (used by
#                             tests/i18n/check_complete.sh; changes nothing)
#
# Idempotent: when the messages have not changed, no file is rewritten (the
# template's POT-Creation-Date alone does not count as a change).  After a
# run, translate what msgmerge left untranslated or fuzzy in po/ja.po:
#   msgattrib --untranslated --no-obsolete po/ja.po
#   msgattrib --only-fuzzy --no-obsolete po/ja.po
# then check with: ctest -R i18n   (or msgfmt --check --statistics po/ja.po)
#
# Messages are marked in C with _() and N_() (src/lib/util/tm_i18n.h) and,
# for plurals, dngettext(TM_TEXTDOMAIN, singular, plural, n).  Some msgids
# carry the console's Japanese words, hence --from-code=UTF-8.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(dirname "$here")
cd "$root"

only_pot=
if [ "${1:-}" = "--pot" ]; then
    [ -n "${2:-}" ] || { echo "usage: $0 [--pot FILE]" >&2; exit 2; }
    only_pot=$2
fi

version=$(sed -n 's/^project(tmems-check VERSION \([0-9.]*\).*/\1/p' CMakeLists.txt)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Every C source and header, in a stable order (the template's order follows
# it); the list is generated so that new files are never forgotten.
find src -name '*.[ch]' | LC_ALL=C sort > "$tmp/POTFILES"

# Locations name the file only: line numbers would rewrite ja.po whenever
# code moves.  dngettext:2,3 and ngettext:1,2 are xgettext's defaults for C;
# they are spelled out because text.c depends on them.
xgettext --language=C --from-code=UTF-8 \
    --keyword=_ --keyword=N_ --keyword=ngettext:1,2 --keyword=dngettext:2,3 \
    --add-comments=TRANSLATORS: --add-location=file \
    --package-name=tmems-check --package-version="$version" \
    --copyright-holder="The tmems-check developers" \
    --files-from="$tmp/POTFILES" --output="$tmp/new.pot" 2> "$tmp/xgettext.err" || {
    cat "$tmp/xgettext.err" >&2
    exit 1
}
# xgettext warns about non-ASCII msgids (deliberate here) and a missing bug
# address (there is none); anything else it says is shown.
grep -v -e 'non-ASCII' -e 'msgid-bugs-address' -e '^ \{8,\}' "$tmp/xgettext.err" >&2 || true
# xgettext writes "charset=CHARSET" in a template; the sources are UTF-8.
sed -i 's/charset=CHARSET/charset=UTF-8/' "$tmp/new.pot"

if [ -n "$only_pot" ]; then
    cp "$tmp/new.pot" "$only_pot"
    exit 0
fi

pot=po/tmems-check.pot
strip_date() { grep -v '^"POT-Creation-Date:' "$1"; }
if [ -f "$pot" ] && cmp -s <(strip_date "$pot") <(strip_date "$tmp/new.pot"); then
    echo "update.sh: $pot unchanged"
else
    cp "$tmp/new.pot" "$pot"
    echo "update.sh: $pot written ($(grep -c '^msgid ' "$pot") entries with the header)"
fi

for po in po/*.po; do
    [ -e "$po" ] || continue
    # --previous keeps the old msgid beside a fuzzy entry, so the translator
    # sees what changed.  -U leaves the file alone when nothing changed.
    msgmerge --quiet --update --backup=none --previous --add-location=file "$po" "$pot"
    # Messages no longer in the sources are dropped (git keeps them), so the
    # catalogue holds exactly what the program can say.
    msgattrib --no-obsolete -o "$tmp/clean.po" "$po"
    cmp -s "$tmp/clean.po" "$po" || cp "$tmp/clean.po" "$po"
    stats=$(LC_ALL=C msgfmt --check --statistics -o /dev/null "$po" 2>&1)
    echo "update.sh: $po: $stats"
done
