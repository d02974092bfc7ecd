#!/usr/bin/env bash
# test_ci_examples.sh BINARY - the CI examples of docs/ci.md work: their YAML
# parses, and the tmems-check commands they run, executed as written in a
# scratch repository with the layout the page describes, write JUnit XML
# with one testsuite per domain and exit 0 on a ready zone, 1 on a zone with
# a failing check.
set -euo pipefail

bin=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# The binary under the name the examples call it by.
mkdir -p "$tmp/bin"
ln -s "$bin" "$tmp/bin/tmems-check"
export PATH="$tmp/bin:$PATH"

python3 - "$root/docs/ci.md" "$tmp/commands" <<'PY'
import re, sys, yaml
text = open(sys.argv[1], encoding="utf-8").read()
blocks = re.findall(r"```yaml\n(.*?)```", text, re.S)
# the first two: the JUnit jobs (the integrations' examples follow them and
# are checked by tests/integration/test_ci_entry.sh)
assert len(blocks) >= 2, f"expected the 2 JUnit yaml blocks, found {len(blocks)}"
github, gitlab = (yaml.safe_load(b) for b in blocks[:2])
steps = github["jobs"]["zone"]["steps"]
runs = [s["run"] for s in steps if "run" in s]
junit = [s for s in steps if "junit" in s.get("uses", "")]
assert junit and junit[0]["with"]["report_paths"] == "report.xml", "GitHub: no JUnit publishing"
job = gitlab["tmems-check"]
assert job["artifacts"]["reports"]["junit"] == "report.xml", "GitLab: no JUnit report"
commands = [c for r in runs for c in r.splitlines()] + job["script"]
commands = [c.strip() for c in commands if c.strip().startswith("tmems-check")]
assert len(commands) == 4, commands
# The several-zones example is a shell block with continuation lines.
sh = re.findall(r"```sh\n(tmems-check --offline.*?)```", text, re.S)
assert len(sh) == 1, "the several-zones example is missing"
commands.append(sh[0].replace("\\\n", " ").strip())
open(sys.argv[2], "w").write("\n".join(commands) + "\n")
print(f"ci.md: 2 YAML jobs parse, {len(commands)} commands")
PY

# A repository with the layout of ci.md, from the test zones.
zone_as() { # SOURCE-ZONE NEW-ORIGIN
    sed "s/$(basename "$1" .zone | sed 's/\./\\./g')/$2/g" "$1"
}

run_commands() { # ZONE-FOR-example.co.jp EXPECTED-STATUS
    rm -rf "$tmp/repo"
    mkdir -p "$tmp/repo/zones"
    zone_as "$1" example.co.jp > "$tmp/repo/zones/example.co.jp.zone"
    zone_as "$root/tests/zones/ready.example.zone" example.jp > "$tmp/repo/zones/example.jp.zone"
    local n=0
    while IFS= read -r cmd; do
        n=$((n + 1))
        rc=0
        (cd "$tmp/repo" && bash -c "$cmd") > "$tmp/out" 2> "$tmp/err" || rc=$?
        if [[ $cmd == *"|| true"* ]]; then
            [ -s "$tmp/out" ] || { echo "FAIL [$cmd]: no report"; cat "$tmp/err"; exit 1; }
            continue
        fi
        if [ "$rc" -ne "$2" ]; then
            echo "FAIL [$cmd] on $(basename "$1"): exit $rc, expected $2"; cat "$tmp/err"
            exit 1
        fi
        python3 - "$tmp/repo/report.xml" "$2" "$cmd" <<'PY'
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
suites = root.findall("testsuite")
names = [s.get("name") for s in suites]
want = ["example.co.jp", "example.jp"] if "example.jp.zone" in sys.argv[3] else ["example.co.jp"]
assert names == want, f"testsuites {names}, expected {want}"
cases = suites[0].findall("testcase")
assert len(cases) >= 20, f"only {len(cases)} testcases"
failures = suites[0].findall("testcase/failure")
if sys.argv[2] == "1":
    assert failures, "a failing zone gave no <failure>"
else:
    assert not failures, f"a ready zone gave failures: {[f.get('message') for f in failures]}"
print(f"ok   {len(suites)} testsuite(s), {len(cases)} testcases, {len(failures)} failures")
PY
    done < "$tmp/commands"
    echo "ran $n commands on $(basename "$1")"
}

# The packages of "Building the tool in the job" are the toolchain and the
# libraries scripts/bootstrap.sh installs (its PACKAGES list is the one kept
# up to date): a build from that page must not miss a header.
python3 - "$root/docs/ci.md" "$root/scripts/bootstrap.sh" <<'PY'
import re, sys
page = open(sys.argv[1], encoding="utf-8").read()
block = re.search(r"## Building the tool in the job.*?```sh\n(.*?)```", page, re.S).group(1)
install = re.search(r"apt-get install (.*?)\n(?!\s)", block.replace("\\\n", " "), re.S).group(1)
docs = {w for w in install.split() if not w.startswith("-")}
boot = open(sys.argv[2], encoding="utf-8").read()
body = re.search(r"PACKAGES=\((.*?)\n\)", boot, re.S).group(1)
groups, name = {}, None
for line in body.splitlines():
    line = line.strip()
    if line.startswith("#"):
        name = line[1:].split(":")[0].split("(")[0].strip()
        continue
    groups.setdefault(name, set()).update(line.split("#")[0].split())
need = groups.get("toolchain", set()) | groups.get("libraries", set())
assert need, f"no toolchain or libraries group in bootstrap.sh: {sorted(groups)}"
missing, extra = need - docs, docs - need
assert not missing and not extra, f"docs/ci.md lacks {sorted(missing)}, has extra {sorted(extra)}"
print(f"ok   docs/ci.md installs the {len(need)} build packages of scripts/bootstrap.sh")
PY

run_commands "$root/tests/zones/ready.example.zone" 0
run_commands "$root/tests/zones/notoken.example.zone" 1
echo "test_ci_examples: all passed"
