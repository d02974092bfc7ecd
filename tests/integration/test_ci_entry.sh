#!/usr/bin/env bash
# test_ci_entry.sh - the CI integrations run here as CI runs them
# (docs/ci.md): the composite GitHub Action (action.yml) step by step with
# the variables GitHub sets (tests/tools/run_action.py), the GitLab CI
# template's script with its variables, the pre-commit hook's entry with
# staged file names, and ci/install.sh's ways to find or build the tool.
#
# Run by ctest as: bash test_ci_entry.sh /path/to/tmems-check
# Offline, except the plan case (the test BIND on 127.0.0.1).

# shellcheck source=tests/integration/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
tm_init "$@"

ROOT=$TM_SOURCE_DIR
BIN_DIR=$(cd "$(dirname "$TM_BIN")" && pwd)
W="$TM_TMP/workspace"
mkdir -p "$W/zones" "$TM_TMP/runner"
# The repository of a DNS-as-code user: a zone file, an octoDNS zone and a
# DNSControl IR (converted from the suite's scenarios).
cp "$TM_ZONES/spf-typo.example.zone" "$W/zones/"
DUMP="${TM_BUILD_DIR:-$(dirname "$TM_BIN")}/tests/zone_dump"
python3 "$ROOT/tests/tools/zone_convert.py" "$DUMP" ready.example "$TM_ZONES/ready.example.zone" \
    "$W/zones" || tm_fail "zone_convert"
python3 "$ROOT/tests/tools/zone_convert.py" "$DUMP" spf-two.example "$TM_ZONES/spf-two.example.zone" \
    "$TM_TMP" && mv "$TM_TMP/spf-two.example.json" "$W/zones/dnsconfig-ir.json"

# run_action NAME=VALUE... : the action in the workspace, as GitHub runs it
# (a wrapper such as valgrind goes through the tmems-check input).
run_action() {
    : >"$TM_TMP/runner/path"
    : >"$TM_TMP/runner/summary.md"
    TM_CMD="run_action.py $*"
    (cd "$W" && env GITHUB_WORKSPACE="$W" GITHUB_PATH="$TM_TMP/runner/path" \
        GITHUB_STEP_SUMMARY="$TM_TMP/runner/summary.md" RUNNER_TEMP="$TM_TMP/runner" \
        GITHUB_ACTIONS=true CI=true \
        python3 "$ROOT/tests/tools/run_action.py" "$ROOT" "$@") >"$TM_OUT" 2>"$TM_ERR"
    TM_RC=$?
}

WRAPPED="$TM_TMP/tmems-check"
# A program that runs the binary under test (with TM_WRAPPER when set).
cat >"$WRAPPED" <<WRAP
#!/usr/bin/env bash
exec ${TM_WRAPPER:-} "$BIN_DIR/$(basename "$TM_BIN")" "\$@"
WRAP
chmod +x "$WRAPPED"

# ---- the GitHub Action ---------------------------------------------------------
tm_case "action: annotations on the zone lines, the summary, the exit status"
run_action "zones=zones/*.zone zones/*.yaml
zones/dnsconfig-ir.json" tmems-check="$WRAPPED" sarif-file="$TM_TMP/runner/out.sarif"
expect_exit 1
expect_stdout_has "annotation, relative to the workspace" '^::error file=zones/spf-typo\.example\.zone,line=13,title=tmems-check spf\.syntax \(spf-typo\.example\)::'
expect_stdout_has "the IR's filepos in dnsconfig.js" '^::error file=zones/dnsconfig\.js,line=[0-9]+,col=5,title=tmems-check spf\.single \(spf-two\.example\)::'
expect_stdout_has "the output" '^output exit-status=1$'
expect_stdout_lacks "the ready domain has no error or warning" '^::(error|warning) .*title=tmems-check [a-z._]+ \(ready\.example\)::'
if grep -q '^### spf\\-typo\\.example$' "$TM_TMP/runner/summary.md" &&
   grep -q '^### ready\\.example$' "$TM_TMP/runner/summary.md"; then tm_pass; else
    tm_fail "the step summary lacks a domain: $(head -c 400 "$TM_TMP/runner/summary.md")"; fi
if [ "$(grep -c '^## tmems-check$' "$TM_TMP/runner/summary.md")" -eq 1 ]; then tm_pass; else
    tm_fail "the summary's heading is not there once"; fi
if grep -qx "$TM_TMP" "$TM_TMP/runner/path"; then tm_pass; else
    tm_fail "the install step did not add the program's directory to GITHUB_PATH"; fi
TM_CMD="validate.js out.sarif"
if node "$ROOT/tests/tools/sarif/validate.js" "$TM_TMP/runner/out.sarif" 2>"$TM_ERR"; then tm_pass; else
    tm_fail "the SARIF file of the action is not valid SARIF 2.1.0"; fi
TM_OUT_SAVED=$TM_OUT; TM_OUT="$TM_TMP/runner/out.sarif"
expect_json '[.runs[0].results[] | select(.ruleId == "spf.syntax" and .level == "error")][0].locations[0].physicalLocation.artifactLocation.uri' "zones/spf-typo.example.zone"
TM_OUT=$TM_OUT_SAVED

tm_case "action: a ready zone passes; inputs for domains, language and strictness"
run_action zones=zones/ready.example.yaml domains=ready.example lang=ja strict=true \
    tmems-check="$WRAPPED"
expect_exit 0
expect_stdout_has "the output" '^output exit-status=0$'
if grep -q '判定' "$TM_TMP/runner/summary.md"; then tm_pass; else tm_fail "summary not in Japanese"; fi

tm_case "action: a zone that cannot be read fails the step with status 2"
run_action zones=zones/missing.example.zone tmems-check="$WRAPPED"
expect_exit 2
if grep -q "cannot read zone file 'zones/missing.example.zone'" "$TM_ERR"; then tm_pass; else
    tm_fail "no message naming the file"; fi

tm_case "action: plan against the live DNS"
tm_bind_start
sed 's/inculde:/include:/' "$TM_ZONES/spf-typo.example.zone" >"$W/zones/spf-typo.example.zone"
run_action zones=zones/spf-typo.example.zone plan=true tmems-check="$WRAPPED" \
    args="--server 127.0.0.1:$TM_BIND_PORT"
expect_exit 0
if grep -q '^| fixed | `spf.syntax` | fail | pass |' "$TM_TMP/runner/summary.md"; then tm_pass; else
    tm_fail "the summary lacks the plan: $(head -c 600 "$TM_TMP/runner/summary.md")"; fi
tm_bind_stop
cp "$TM_ZONES/spf-typo.example.zone" "$W/zones/"

# ---- ci/install.sh --------------------------------------------------------------
tm_case "install: a given program, or one already on PATH"
: >"$TM_TMP/runner/path"
TM_CMD="ci/install.sh"
TMEMS_CHECK_BIN="$TM_BIN" GITHUB_PATH="$TM_TMP/runner/path" bash "$ROOT/ci/install.sh" \
    >"$TM_OUT" 2>"$TM_ERR"
if grep -qx "$BIN_DIR" "$TM_TMP/runner/path" && grep -qx "$BIN_DIR/tmems-check" "$TM_OUT"; then
    tm_pass; else tm_fail "the given program's directory was not published"; fi
PATH="$BIN_DIR:$PATH" bash "$ROOT/ci/install.sh" >"$TM_OUT" 2>"$TM_ERR"
if grep -qx "$BIN_DIR/tmems-check" "$TM_OUT"; then tm_pass; else tm_fail "PATH not used"; fi
TMEMS_CHECK_BIN=/nonexistent bash "$ROOT/ci/install.sh" >"$TM_OUT" 2>"$TM_ERR"
TM_RC=$?
expect_exit 2

# Building from the sources takes minutes: once, in the plain run only.
if [ -z "${TM_WRAPPER:-}" ] && [ "${TM_SKIP_BUILD_TESTS:-0}" != 1 ]; then
    tm_case "install: built from the sources when none is installed"
    : >"$TM_TMP/runner/path"
    (PATH=/usr/local/bin:/usr/bin:/bin GITHUB_PATH="$TM_TMP/runner/path" \
        TMEMS_CHECK_BUILD_DIR="$TM_TMP/build" bash "$ROOT/ci/install.sh") >"$TM_OUT" 2>"$TM_ERR"
    TM_RC=$?
    expect_exit 0
    if [ -x "$TM_TMP/build/tmems-check" ] && grep -qx "$TM_TMP/build" "$TM_TMP/runner/path"; then
        "$TM_TMP/build/tmems-check" --offline --zone "$TM_ZONES/ready.example.zone" -q \
            ready.example >/dev/null 2>&1 && tm_pass || tm_fail "the built program does not run"
    else
        tm_fail "no program built"
    fi
fi

# ---- the GitLab CI template --------------------------------------------------------
# Its before_script and script as GitLab runs them (one shell, the job's
# variables in the environment), the tool's repository cloned from a local
# copy; the apt-get line (the image's packages) is left out: nothing here
# leaves the machine.
tm_case "gitlab: the template's job produces the JUnit report and fails the job"
REPO="$TM_TMP/tmems-check.git"
mkdir -p "$TM_TMP/repo-src"
cp -r "$ROOT/ci" "$TM_TMP/repo-src/"
(cd "$TM_TMP/repo-src" && git init -q -b main && git add -A &&
    git -c user.email=t@example -c user.name=t commit -qm ci && git clone -q --bare . "$REPO")
python3 - "$ROOT/ci/gitlab/tmems-check.gitlab-ci.yml" >"$TM_TMP/job.sh" <<'PY'
import sys, yaml
job = yaml.safe_load(open(sys.argv[1]))[".tmems-check"]
# the template's defaults; the extending job's variables (here: the
# environment) take precedence, as in GitLab
for k, v in job["variables"].items():
    print('export %s="${%s-%s}"' % (k, k, v))
for line in job["before_script"] + job["script"]:
    if line.startswith("apt-get update"):
        continue  # the image's packages: present here
    print(line)
PY
rm -f /tmp/tmems-check.env
(cd "$W" && env CI_SERVER_URL=unused TMEMS_CHECK_REPO="file://$REPO" TM_ZONES="zones/*.zone" \
    PATH="$TM_TMP:$PATH" TMEMS_CHECK_BIN="$WRAPPED" bash -e "$TM_TMP/job.sh") \
    >"$TM_OUT" 2>"$TM_ERR"
TM_RC=$?
expect_exit 1
expect_stdout_has "the text report in the log" '^  fail   spf\.syntax '
if grep -q '<testcase classname="outbound" name="spf.syntax" file="zones/spf-typo.example.zone" line="13">' \
    "$W/tmems-check.xml"; then tm_pass; else tm_fail "no JUnit report with file and line"; fi
rm -f "$W/tmems-check.xml" /tmp/tmems-check.env
rm -rf /tmp/tmems-check-src

# ---- pre-commit -----------------------------------------------------------------------
tm_case "pre-commit: the hook's entry with the staged files"
ENTRY=$(python3 -c 'import sys,yaml; print(yaml.safe_load(open(sys.argv[1]))[0]["entry"])' \
        "$ROOT/.pre-commit-hooks.yaml")
(cd "$W" && TMEMS_CHECK="$WRAPPED" "$ROOT/$ENTRY" zones/spf-typo.example.zone) >"$TM_OUT" 2>"$TM_ERR"
TM_RC=$?
expect_exit 1
expect_stdout_has "text report" '^spf-typo\.example: '
(cd "$W" && TMEMS_CHECK="$WRAPPED" "$ROOT/$ENTRY" zones/ready.example.yaml) >"$TM_OUT" 2>"$TM_ERR"
TM_RC=$?
expect_exit 0
if python3 -c 'import re,sys,yaml; h=yaml.safe_load(open(sys.argv[1]))[0]; sys.exit(0 if re.search(h["files"], "zones/a.example.zone") and not re.search(h["files"], ".github/workflows/ci.yml") else 1)' \
    "$ROOT/.pre-commit-hooks.yaml"; then tm_pass; else tm_fail "the hook's files pattern"; fi

# ---- the examples of docs/ci.md use what is shipped ----------------------------------
tm_case "docs/ci.md: the examples name real inputs, files and hooks"
TM_CMD="docs/ci.md examples"
if python3 - "$ROOT" >"$TM_OUT" 2>"$TM_ERR" <<'PY'
import os, re, sys, yaml
root = sys.argv[1]
text = open(os.path.join(root, "docs/ci.md"), encoding="utf-8").read()
docs = [yaml.safe_load(b) for b in re.findall(r"```yaml\n(.*?)```", text, re.S)]
action = yaml.safe_load(open(os.path.join(root, "action.yml")))
inputs = set(action["inputs"])
used = 0
for d in docs:
    jobs = d.get("jobs", {}) if isinstance(d, dict) else {}
    if not jobs and isinstance(d, dict) and "plan" in d:
        jobs = d  # the second job, shown alone
    for job in jobs.values():
        for step in job.get("steps", []):
            if "tmems-check@" in step.get("uses", ""):
                used += 1
                unknown = set(step.get("with", {})) - inputs
                assert not unknown, "unknown inputs %s" % unknown
                missing = {k for k, v in action["inputs"].items() if v.get("required")} - set(step["with"])
                assert not missing, "missing inputs %s" % missing
assert used == 2, "expected 2 uses of the Action, found %d" % used
gl = [d for d in docs if isinstance(d, dict) and "include" in d]
assert len(gl) == 1
assert os.path.exists(os.path.join(root, gl[0]["include"][0]["file"]))
assert gl[0]["tmems-check"]["extends"] == ".tmems-check"
template = yaml.safe_load(open(os.path.join(root, gl[0]["include"][0]["file"])))
assert ".tmems-check" in template
pc = [d for d in docs if isinstance(d, dict) and "repos" in d]
assert len(pc) == 1
hooks = {h["id"] for h in yaml.safe_load(open(os.path.join(root, ".pre-commit-hooks.yaml")))}
for h in pc[0]["repos"][0]["hooks"]:
    assert h["id"] in hooks, h["id"]
    assert re.search(h["files"], "zones/example.co.jp.yaml")
print("ok")
PY
then tm_pass; else tm_fail "an example of docs/ci.md does not match what is shipped"; fi

tm_finish
