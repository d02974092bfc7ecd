#!/usr/bin/env bash
# test_html_browser.sh - the HTML report in a real browser (docs/html.md):
# the golden scenarios (tests/golden/scenarios.txt) in both languages, the
# SPF remedy scenarios, a batch page and a page of hostile TXT data, each
# rendered by the built binary and checked in Debian's chromium, headless,
# by tests/browser/test_html_browser.js (puppeteer-core; no browser is
# downloaded).  Screenshots (one page of each kind; every page with
# TM_BROWSER_SCREENSHOTS=all) stay in the build tree: $TM_BUILD_DIR/browser.
#
# Run by ctest as: bash test_html_browser.sh /path/to/tmems-check
# Skipped (exit 77) only where chromium is not installed; scripts/bootstrap.sh
# installs it and the test's npm packages.
#
# TM_BROWSER_ONE_LANG=1 (the README's test command, scripts/test.sh): each
# golden and remedy scenario in one language, the languages alternating down
# the list, so both still render every kind of page (the batch page in
# both); 14 pages instead of 25, a third of a minute of the two CPUs.  CI
# (TM_VALGRIND=1) renders every scenario in both.
set -u
bin=${1:-}
if [ -z "$bin" ] || [ ! -x "$bin" ]; then
    echo "usage: bash $0 /path/to/tmems-check" >&2
    exit 2
fi
bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=${TM_SOURCE_DIR:-$(cd "$here/../.." && pwd)}
out=${TM_BUILD_DIR:-$root/build}/browser
chromium=${TM_CHROMIUM:-/usr/bin/chromium}

if [ ! -x "$chromium" ]; then
    echo "SKIPPED: $chromium is not installed (apt-get install chromium, or run scripts/bootstrap.sh)"
    exit 77
fi
if [ ! -d "$root/tests/browser/node_modules/puppeteer-core" ]; then
    echo "tests/browser/node_modules is missing: run scripts/bootstrap.sh (npm ci in tests/browser)" >&2
    exit 1
fi
command -v node >/dev/null || { echo "node is required (scripts/bootstrap.sh)" >&2; exit 1; }

rm -rf "$out"
mkdir -p "$out"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail=0
pages=()

# render NAME LANG ARGS... - the page and the JSON document of one run (the
# same run: --format json on stdout, --html beside it).
render() {
    local name=$1 lang=$2
    shift 2
    (cd "$root" && env -i PATH=/usr/bin:/bin SOURCE_DATE_EPOCH=1725148800 \
        "$bin" --offline --color never --lang "$lang" --format json --html "$out/$name.$lang.html" \
        "$@" > "$out/$name.$lang.json")
    local rc=$?
    if [ "$rc" -ne 0 ] && [ "$rc" -ne 1 ] && [ "$rc" -ne 3 ]; then
        echo "FAIL $name.$lang: the tool exited $rc" >&2
        fail=1
        return
    fi
    local size
    size=$(wc -c < "$out/$name.$lang.html")
    if [ "$size" -ge 204800 ]; then
        echo "FAIL $name.$lang: the page is $size bytes, not under 200 KB" >&2
        fail=1
    fi
    echo "page $name.$lang.html: $size bytes"
    pages+=("$out/$name.$lang.html:$out/$name.$lang.json:$lang")
}

all_zones=()
for z in "$root"/tests/zones/*.zone; do all_zones+=(--zone "$z"); done

# wanted LANG: whether this scenario renders in LANG (the next scenario of
# the list takes the other language under TM_BROWSER_ONE_LANG=1).
scenario=0
wanted() {
    [ "${TM_BROWSER_ONE_LANG:-0}" = 1 ] || return 0
    local pick=en
    [ $((scenario % 2)) -eq 0 ] && pick=ja
    [ "$1" = "$pick" ]
}

for lang in en ja; do
    scenario=0
    # The goldens, as tests/golden/run.sh runs them (the zone alone).
    while read -r name zone domain opts; do
        case "$name" in ''|'#'*) continue ;; esac
        scenario=$((scenario + 1))
        wanted "$lang" || continue
        # shellcheck disable=SC2086 # the options are words of the line
        render "golden-$name" "$lang" --zone "$zone" $opts "$domain"
    done < "$root/tests/golden/scenarios.txt"
    # Failing domains with everything the remedies read, and a batch page.
    for d in spf-13lookups spf-chain spf-vendors; do
        scenario=$((scenario + 1))
        wanted "$lang" || continue
        render "$d" "$lang" "${all_zones[@]}" "$d.example"
    done
    printf '%s\n' ready.example spf-13lookups.example before.example 'not a domain' > "$work/list"
    render batch "$lang" "${all_zones[@]}" -f "$work/list"
done

# Hostile TXT data: markup, a closing script tag, an HTML comment opener.
cat > "$work/html-inject.example.zone" <<'EOF'
$ORIGIN html-inject.example.
$TTL 3600
@   IN SOA ns1 hostmaster 1 3600 900 604800 300
    IN NS  ns1
ns1 IN A   192.0.2.53
@   IN TXT "tmes=</script><script>alert(1)</script><img src=x onerror=alert(2)>"
@   IN TXT "v=spf1 include:spf.tmems-jp.trendmicro.com <!-- ~all"
@   IN TXT "\"><iframe src=//192.0.2.1/></iframe>&amp;"
@   IN MX  10 acme.in.tmems-jp.trendmicro.com.
EOF
render html-inject en --zone "$work/html-inject.example.zone" html-inject.example

# The page's policy names the inline style and script by their SHA-256:
# it must be the hash of what the page holds, and html_assets.c must be what
# scripts/html_assets.py makes of the sources.
python3 - "$out/golden-ready.en.html" <<'EOF' || fail=1
import base64, hashlib, re, sys
page = open(sys.argv[1], encoding="utf-8").read()
csp = re.search(r'Content-Security-Policy" content="([^"]*)"', page).group(1)
for tag in ("style", "script"):
    body = re.findall(r"<%s>(.*?)</%s>" % (tag, tag), page, re.S)[-1]
    digest = base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()
    if "'sha256-%s'" % digest not in csp:
        sys.exit("FAIL the policy does not name the page's %s (sha256-%s)" % (tag, digest))
print("policy: the inline style and script match their hashes")
EOF
python3 "$root/scripts/html_assets.py" "$work/assets.c"
if ! cmp -s "$work/assets.c" "$root/src/lib/report/html_assets.c"; then
    echo "FAIL src/lib/report/html_assets.c is not what scripts/html_assets.py makes of report.css/report.js" >&2
    fail=1
fi

(cd "$root/tests/browser" && node test_html_browser.js "$chromium" "$out" "${pages[@]}") || fail=1
exit $fail
