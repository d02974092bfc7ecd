#!/usr/bin/env bash
# check_plurals.sh - no count in a message without plural forms: extracts a
# fresh template from the sources (po/update.sh --pot, which changes no
# file) and runs check_plurals.py over it.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

bash "$root/po/update.sh" --pot "$tmp/fresh.pot"
python3 "$root/tests/i18n/check_plurals.py" "$tmp/fresh.pot"
