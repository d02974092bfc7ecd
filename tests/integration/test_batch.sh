#!/usr/bin/env bash
# test_batch.sh - many domains at once (-f, -j: docs/cli.md) against a
# real BIND 9 on 127.0.0.1: a generated zone batch.test holds customer
# domains c00001 ... c10000 of five kinds with known verdicts; 1,000 of them
# are checked with -j 64 --format jsonl from -f, and every JSON line is
# compared with what was generated, one by one, in input order.  Then the
# input rules (an invalid line in the middle, blank and comment lines,
# repeats, an unreadable file), and JUnit XML read back by python3's
# xml.etree.
#
# The script also measures (never asserts) wall time and peak memory; with
# TM_BATCH_MEASURE=1 it measures 10,000 domains too.
#
# Run by ctest as: bash test_batch.sh /path/to/tmems-check

# shellcheck source=tests/integration/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
tm_init "$@"

BATCH_ZONE="$TM_TMP/batch.test.zone"
N_ZONE=10000

# ---- the generated zone -----------------------------------------------------
#
# kind by number mod 10 (the verdict is what docs/checks.md gives each situation;
# each mirrors a scenario of tests/zones with a known verdict):
#   0-5 ready    token, SPF with the Japan include, MX 300 to company acme  pass
#   6   notoken  before the cutover (own MX host) and no ownership token     fail
#   7   before   before the cutover: own MX hosts with a day-long TTL       warn
#   8   nosuch   MX to a company ID the Japan site does not have            fail
#   9   absent   no record at all: NXDOMAIN                                 fail
"$TM_PYTHON" - "$BATCH_ZONE" "$N_ZONE" <<'EOF'
import hashlib, sys
path, n = sys.argv[1], int(sys.argv[2])
out = ["$ORIGIN batch.test.", "$TTL 3600",
       "@ IN SOA ns1 hostmaster ( 1 3600 900 604800 300 )", "@ IN NS ns1", "ns1 IN A 192.0.2.53"]
for i in range(1, n + 1):
    c = "c%05d" % i
    token = hashlib.md5(c.encode()).hexdigest()  # 32 letters and digits
    kind = i % 10
    if kind <= 5:
        out += ['%s IN TXT "tmes=%s"' % (c, token),
                '%s IN TXT "v=spf1 include:spf.tmems-jp.trendmicro.com ~all"' % c,
                "%s 300 IN MX 10 acme.in.tmems-jp.trendmicro.com." % c]
    elif kind == 6:
        out += ['%s IN TXT "v=spf1 ip4:203.0.113.30 include:spf.tmems-jp.trendmicro.com ~all"' % c,
                "%s 300 IN MX 10 mail.%s" % (c, c),
                "mail.%s IN A 203.0.113.30" % c]
    elif kind == 7:
        out += ['%s IN TXT "tmes=%s"' % (c, token),
                '%s IN TXT "v=spf1 ip4:203.0.113.25 include:spf.tmems-jp.trendmicro.com ~all"' % c,
                "%s 86400 IN MX 10 mail.%s" % (c, c),
                "mail.%s IN A 203.0.113.25" % c]
    elif kind == 8:
        out += ['%s IN TXT "tmes=%s"' % (c, token),
                '%s IN TXT "v=spf1 include:spf.tmems-jp.trendmicro.com ~all"' % c,
                "%s 300 IN MX 10 nosuch.in.tmems-jp.trendmicro.com." % c]
open(path, "w").write("\n".join(out) + "\n")
EOF

# The verdict generated for customer number I.
verdict_of() {
    case $(($1 % 10)) in
        [0-5]) echo pass ;;
        7) echo warn ;;
        *) echo fail ;;
    esac
}

# lib.sh serves tests/zones; batch.test is added to the same server.
eval "$(declare -f tm_bind_config | sed '1s/^tm_bind_config/tm_bind_config_base/')"
tm_bind_config() {
    tm_bind_config_base "$@"
    printf 'zone "batch.test" { type primary; file "%s"; };\n' "$BATCH_ZONE" \
        >>"$TM_TMP/bind/named.conf"
}
tm_bind_start

# Checks stdout (jsonl) against an expectation file of "domain<TAB>verdict"
# lines, or "domain<TAB>invalid" for a line whose only check is domain.name
# fail.  Prints what differs; true when every line matches, in order.
jsonl_matches() {
    "$TM_PYTHON" - "$1" "$TM_OUT" <<'EOF'
import json, sys
want = [l.rstrip("\n").split("\t") for l in open(sys.argv[1], encoding="utf-8")]
got = open(sys.argv[2], encoding="utf-8").read().splitlines()
bad = 0
if len(got) != len(want):
    print("  %d JSON lines, expected %d" % (len(got), len(want)))
    bad += 1
for n, (w, line) in enumerate(zip(want, got), 1):
    try:
        r = json.loads(line)
    except ValueError as e:
        print("  line %d is not JSON: %s" % (n, e)); bad += 1; continue
    domain, verdict = w
    if r.get("domain") != domain:
        print("  line %d: domain %r, expected %r" % (n, r.get("domain"), domain)); bad += 1
        continue
    if verdict == "invalid":
        checks = [(c["id"], c["status"]) for c in r["checks"]]
        if checks != [("domain.name", "fail")] or r["verdict"] != "fail" or r["ascii"] is not None:
            print("  line %d (%s): %r, expected only domain.name fail" % (n, domain, checks)); bad += 1
        continue
    if r.get("verdict") != verdict:
        why = [c["id"] + "=" + c["status"] for c in r["checks"] if c["status"] in ("fail", "error", "warn")]
        print("  line %d (%s): verdict %s, expected %s %s" % (n, domain, r.get("verdict"), verdict, why))
        bad += 1
    if r.get("ascii") != domain:
        print("  line %d: ascii %r" % (n, r.get("ascii"))); bad += 1
    ids = [c["id"] for c in r["checks"]]
    if len(ids) != len(set(ids)) or "domain.name" not in ids:
        print("  line %d: checks %r" % (n, ids)); bad += 1
    if bad > 20:
        print("  ..."); break
sys.exit(1 if bad else 0)
EOF
}

# Peak RSS (KiB) and wall seconds of the last measured run.
measure() { # OUTFILE ARGS...
    local out=$1
    shift
    /usr/bin/time -f '%e %M' -o "$TM_TMP/time" "$TM_BIN" --server "127.0.0.1:$TM_BIND_PORT" "$@" \
        >"$out" 2>"$TM_TMP/measure.err" </dev/null
    # GNU time puts "Command exited with non-zero status N" first.
    read -r MEASURE_S MEASURE_KB < <(tail -n 1 "$TM_TMP/time")
}

report_measure() { # N
    "$TM_PYTHON" - "$1" "$MEASURE_S" "$MEASURE_KB" <<'EOF' >&2
import sys
n, s, kb = int(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3])
print("measure: %d domains in %.2f s (%.0f domains/s), peak RSS %.1f MiB"
      % (n, s, n / s if s > 0 else float("inf"), kb / 1024.0))
EOF
}

# ---- 1,000 domains, -j 64, jsonl, one line each ------------------------------

LIST="$TM_TMP/list1000.txt"
WANT="$TM_TMP/want1000.tsv"
{
    echo "# 1,000 customers of the batch.test zone"
    echo
    for i in $(seq 1 1000); do
        printf 'c%05d.batch.test\n' "$i"
        if [ "$i" -eq 500 ]; then
            printf '  \t\n'
            printf 'c 0500x.batch.test   # an invalid name in the middle\n'
            printf '# a comment line\n'
            printf 'C00002.Batch.Test.\n' # a repeat, in another spelling
        fi
    done
    printf 'c00001.batch.test\n' # a repeat at the end
} >"$LIST"
for i in $(seq 1 1000); do
    printf 'c%05d.batch.test\t%s\n' "$i" "$(verdict_of "$i")"
    [ "$i" -eq 500 ] && printf 'c 0500x.batch.test\tinvalid\n'
done >"$WANT"

tm_case "1,000 domains, -j 64, jsonl"
tm_run -j 64 --format jsonl -f "$LIST"
expect_exit 1
tm_assert "every JSON line in input order with its generated verdict" jsonl_matches "$WANT"
tm_assert "one stderr line, for the invalid line (number 504)" \
    test "$(grep -c . "$TM_ERR")" -eq 1
tm_assert "the message names the file and the line" \
    grep -q "list1000.txt:504: invalid domain name 'c 0500x.batch.test'" "$TM_ERR"
tm_log "  (1,000 domains took ${TM_ELAPSED_MS} ms)"

# The same batch read from standard input, one at a time: the same lines.
tm_case "-f - with -j 1"
TM_CMD="tmems-check -j 1 --format jsonl -f - <list"
timeout -k 5 "$TM_RUN_LIMIT_S" "$TM_BIN" --server "127.0.0.1:$TM_BIND_PORT" -j 1 \
    --format jsonl -f - <"$LIST" >"$TM_OUT" 2>"$TM_ERR"
TM_RC=$?
expect_exit 1
tm_assert "the same lines as with -j 64" jsonl_matches "$WANT"
tm_assert "standard input is named in the message" grep -q "(standard input):504:" "$TM_ERR"

# Streaming: lines reach a reader while later domains are still checked.
# With -j 1 the domains go one after another: when the first line can be
# read, the tool still runs and has written only a few of the 1,001 lines
# (a tool that buffered its output would have written them all at once).
# Orderings and counts, not times.
tm_case "jsonl streams"
"$TM_PYTHON" - "$TM_BIN" "$TM_BIND_PORT" "$LIST" >"$TM_TMP/stream" <<'EOF'
import fcntl, os, subprocess, sys
p = subprocess.Popen([sys.argv[1], "--server", "127.0.0.1:" + sys.argv[2], "-j", "1",
                      "--format", "jsonl", "-f", sys.argv[3]],
                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
first = p.stdout.readline()
running = p.poll() is None
# What else is there right now, without waiting for more.
fd = p.stdout.fileno()
fcntl.fcntl(fd, fcntl.F_SETFL, fcntl.fcntl(fd, fcntl.F_GETFL) | os.O_NONBLOCK)
ready = p.stdout.peek(1 << 20)[:] if hasattr(p.stdout, "peek") else b""
try:
    more = os.read(fd, 1 << 24)
except BlockingIOError:
    more = b""
at_first = 1 + ready.count(b"\n") + more.count(b"\n")
fcntl.fcntl(fd, fcntl.F_SETFL, fcntl.fcntl(fd, fcntl.F_GETFL) & ~os.O_NONBLOCK)
total = 1 + ready.count(b"\n") + more.count(b"\n") + sum(1 for _ in iter(p.stdout.readline, b""))
p.wait()
print(total, int(running), at_first)
EOF
read -r S_LINES S_RUNNING S_AT_FIRST <"$TM_TMP/stream"
tm_log "  streaming: $S_LINES lines, still running at the first: $S_RUNNING, lines written by then: $S_AT_FIRST"
tm_assert "1,001 lines read ($S_LINES)" test "$S_LINES" -eq 1001
tm_assert "the tool still ran when the first line could be read" test "$S_RUNNING" -eq 1
tm_assert "only $S_AT_FIRST of 1,001 lines were written by then" test "$S_AT_FIRST" -lt 500

# ---- input rules on a small list ---------------------------------------------

SMALL="$TM_TMP/small.txt"
printf '# ready customers\n\nc00001.batch.test\n\n   # indented comment\nc00002.batch.test # trailing\nc00001.batch.test\nC00003.BATCH.TEST.\r\n' >"$SMALL"

tm_case "comments, blank lines, CRLF and repeats"
tm_run --format jsonl -f "$SMALL"
expect_exit 0
expect_stderr_empty
tm_assert "three results, each domain once, in order" \
    test "$(jq -r .domain "$TM_OUT" | tr '\n' ' ')" = "c00001.batch.test c00002.batch.test c00003.batch.test "

tm_case "an invalid line alone makes the exit status 1"
printf 'c00001.batch.test\nbad_name..batch.test\nc00002.batch.test\n' >"$TM_TMP/oneinvalid.txt"
tm_run --format json -f "$TM_TMP/oneinvalid.txt"
expect_exit 1
expect_valid_json
expect_json '[.results[].verdict] | join(",")' "pass,fail,pass"
expect_json '.results[1].checks | map(.id + "=" + .status) | join(",")' "domain.name=fail"
expect_json '.results[1].domain' "bad_name..batch.test"
expect_stderr_one_line
tm_assert "the message says which line" grep -q "oneinvalid.txt:2: invalid domain name" "$TM_ERR"

tm_case "an invalid line in text format"
tm_run -q -f "$TM_TMP/oneinvalid.txt"
expect_exit 1
tm_assert "three verdict lines" test "$(grep -c . "$TM_OUT")" -eq 3

tm_case "an invalid argument is still a usage error"
tm_run --format jsonl -f "$SMALL" "bad name.example"
expect_usage_error

tm_case "an unreadable -f file"
tm_run --format jsonl -f "$TM_TMP"
expect_usage_error
tm_case "a missing -f file"
tm_run --format jsonl -f "$TM_TMP/missing.txt"
expect_usage_error

# ---- JUnit XML -----------------------------------------------------------------

junit_ok() { # EXPECTED-DOMAINS-FILE
    "$TM_PYTHON" - "$TM_OUT" "$1" <<'EOF'
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
want = [l.split("\t") for l in open(sys.argv[2]).read().splitlines()]
problems = []
if root.tag != "testsuites":
    problems.append("root is %s" % root.tag)
suites = root.findall("testsuite")
if [s.get("name") for s in suites] != [w[0] for w in want]:
    problems.append("suites %r" % [s.get("name") for s in suites][:5])
for s, (domain, verdict) in zip(suites, want):
    cases = s.findall("testcase")
    counts = {k: sum(1 for c in cases if c.find(k) is not None)
              for k in ("failure", "error", "skipped")}
    if int(s.get("tests")) != len(cases) or not cases:
        problems.append("%s: tests=%s for %d testcases" % (domain, s.get("tests"), len(cases)))
    for attr, key in (("failures", "failure"), ("errors", "error"), ("skipped", "skipped")):
        if int(s.get(attr)) != counts[key]:
            problems.append("%s: %s=%s, counted %d" % (domain, attr, s.get(attr), counts[key]))
    for c in cases:
        if not c.get("classname") in ("domain", "inbound", "outbound", "rules"):
            problems.append("%s: classname %r" % (domain, c.get("classname")))
        f = c.find("failure")
        if f is not None and not f.get("message"):
            problems.append("%s %s: failure without message" % (domain, c.get("name")))
    props = {p.get("name"): p.get("value") for p in s.iter("property")}
    expect_fail = verdict in ("fail", "invalid")
    if (counts["failure"] > 0) != expect_fail or props.get("verdict") != ("fail" if expect_fail else verdict):
        problems.append("%s: %d failures, verdict %s, expected %s"
                        % (domain, counts["failure"], props.get("verdict"), verdict))
for p in problems[:20]:
    print("  " + p)
sys.exit(1 if problems else 0)
EOF
}

head -n 40 "$LIST" >"$TM_TMP/list40.txt"
printf 'c 0500x.batch.test\n' >>"$TM_TMP/list40.txt"
{ head -n 38 "$WANT"; printf 'c 0500x.batch.test\tinvalid\n'; } >"$TM_TMP/want40.tsv"
tm_case "--format junit"
tm_run -j 16 --format junit -f "$TM_TMP/list40.txt"
expect_exit 1
tm_assert "well-formed JUnit XML, one suite per domain in order, counts right" \
    junit_ok "$TM_TMP/want40.tsv"

tm_case "--format json streams one document in input order"
tm_run -j 16 --format json -f "$TM_TMP/list40.txt"
expect_exit 1
expect_valid_json
tm_assert "39 results, in the order of the list, verdicts as generated" "$TM_PYTHON" -c '
import json, sys
doc = json.load(open(sys.argv[1]))
want = [l.split("\t") for l in open(sys.argv[2]).read().splitlines()]
got = [(r["domain"], "invalid" if r["ascii"] is None else r["verdict"]) for r in doc["results"]]
sys.exit(0 if got == [tuple(w) for w in want] and isinstance(doc["elapsed_ms"], int) else 1)
' "$TM_OUT" "$TM_TMP/want40.tsv"

tm_case "--format junit, a ready domain only"
tm_run --format junit c00001.batch.test
expect_exit 0
tm_assert "no failure element" bash -c "! grep -q '<failure' '$TM_OUT'"
printf 'c00001.batch.test\tpass\n' >"$TM_TMP/want1.tsv"
tm_assert "well-formed" junit_ok "$TM_TMP/want1.tsv"

# ---- figures (not assertions) ---------------------------------------------------

seq 1 1000 | awk '{ printf "c%05d.batch.test\n", $1 }' >"$TM_TMP/m1000.txt"
measure "$TM_TMP/m1000.out" -j 64 --format jsonl -f "$TM_TMP/m1000.txt"
report_measure 1000
if [ "${TM_BATCH_MEASURE:-0}" = 1 ]; then
    seq 1 10000 | awk '{ printf "c%05d.batch.test\n", $1 }' >"$TM_TMP/m10000.txt"
    for j in 32 64 256; do
        measure "$TM_TMP/m10000.out" -j "$j" --format jsonl -f "$TM_TMP/m10000.txt"
        printf 'measure: -j %s: ' "$j" >&2
        report_measure 10000
    done
    tm_log "measure: 10,000 output lines: $(wc -l <"$TM_TMP/m10000.out")"
fi

tm_finish
