#!/usr/bin/env bash
# test_verdict.sh - the verdict, as every format tells it, against a real
# BIND 9 on 127.0.0.1 (docs/checks.md "The verdict", docs/json.md):
#
# - ready needs the token, MX and SPF judged: --only/--skip leaving out a
#   decisive check gives "the selected checks passed", never ready, and a run
#   where nothing could be judged is unknown (exit 3), never ready;
# - --strict: warnings fail the verdict in text, -q, JSON, JSON Lines and
#   JUnit, not only in the exit status;
# - repeated options: --only, --skip and -f add up, any other option given
#   twice is a usage error;
# - the console's view beside the tool's: which checks the console makes,
#   which findings get its red (!), and the (!) on 受信サーバ that is expected
#   before the MX cutover.
. "$(dirname "$0")/lib.sh"
tm_init "$@"
tm_bind_start

Z="$TM_ZONES"

# expect_junit XPATH-LIKE: the JUnit document on stdout has this property.
junit_prop() { # NAME -> the value of the first suite property NAME
    grep -o "<property name=\"$1\" value=\"[^\"]*\"" "$TM_OUT" | head -n 1 |
        sed 's/.*value="\([^"]*\)"/\1/'
}
expect_junit_prop() {
    local got
    got=$(junit_prop "$1")
    if [ "$got" = "$2" ]; then tm_pass; else tm_fail "JUnit property $1 is '$got', expected '$2'"; fi
}
# The testsuite element's attribute NAME.
suite_attr() { grep -o "<testsuite [^>]*" "$TM_OUT" | head -n 1 | grep -o " $1=\"[0-9]*\"" | tr -dc 0-9; }
expect_suite_attr() {
    local got
    got=$(suite_attr "$1")
    if [ "$got" = "$2" ]; then tm_pass; else tm_fail "testsuite $1=\"$got\", expected \"$2\""; fi
}

# ---- 1. ready needs the token, MX and SPF judged ------------------------------

tm_case "ready: every decisive record judged"
tm_run --format json ready.example
expect_exit 0
expect_json '.results[0] | "\(.outcome) \(.exit_status) \(.verdict)"' "ready 0 pass"
expect_json '.results[0].not_judged | length' 0
expect_json '.results[0].not_selected | length' 0
tm_run ready.example
expect_exit 0
expect_stdout_has "the verdict line" '^Verdict: ready — 0 failures, 0 warnings \| TMEmS console: 完了 \(complete\)$'

tm_case "--only without a decisive check: the selected checks passed, not ready"
tm_run --only inbound.firewall ready.example
expect_exit 0
expect_stdout_has "says what passed" '^Verdict: the selected checks passed; not a readiness verdict \(--only/--skip left out: ownership token, MX, SPF\)'
expect_stdout_lacks "never says ready" 'Verdict: ready'
tm_run -q --only inbound.firewall ready.example
expect_stdout_has "-q too" '^ready\.example: the selected checks passed; not a readiness verdict'
tm_run --format json --only inbound.firewall ready.example
expect_json '.results[0] | "\(.outcome) \(.exit_status)"' "selected_passed 0"
expect_json '.results[0].not_selected | join(",")' "token,mx,spf"
expect_json '.results[0].console_view.status' unknown
tm_run --format junit --only inbound.firewall ready.example
expect_junit_prop outcome selected_passed
expect_junit_prop exit_status 0

tm_case "--skip a decisive check: not a readiness verdict"
tm_run --format json --skip mx.tmems ready.example
expect_exit 0
expect_json '.results[0] | "\(.outcome) \(.not_selected | join(","))"' "selected_passed mx"

tm_case "--only the decisive checks: ready"
tm_run --format json --only token.present,token.format,token.match,mx.present,mx.tmems,spf.present,spf.include,spf.tmems_ranges ready.example
expect_exit 0
expect_json '.results[0].outcome' ready

tm_case "--only a failing check: not ready whatever else was left out"
tm_run --format json --only spf.present spf-none.example
expect_exit 1
expect_json '.results[0] | "\(.outcome) \(.exit_status)"' "not_ready 1"

# Offline with nothing known about the domain: no zone covers it.  Every
# decisive check skips, so the verdict is unknown (exit 3); the input check
# for an uncovered domain may refuse the run first (exit 2).  Either way it
# is never ready.
tm_case "offline, nothing known: never ready"
tm_run_raw --offline --zone "$Z/ready.example.zone" --format json other.example
if [ "$TM_RC" -eq 2 ]; then
    expect_stdout_empty
else
    expect_exit 3
    expect_json '.results[0] | "\(.outcome) \(.exit_status) \(.verdict)"' "unknown 3 pass"
    expect_json '.results[0].not_judged | join(",")' "token,mx,spf"
    tm_run_raw --offline --zone "$Z/ready.example.zone" other.example
    expect_exit 3
    expect_stdout_has "text" '^Verdict: unknown: these records were not judged \(their checks skipped\): ownership token, MX, SPF'
    tm_run_raw --offline --zone "$Z/ready.example.zone" --format junit other.example
    expect_exit 3
    expect_stdout_has "a testcase stands for the unknown verdict" '<testcase classname="verdict" name="verdict">'
    expect_stdout_has "as an error" '<error message="unknown: these records were not judged'
    expect_junit_prop outcome unknown
fi

# ---- 6. --strict: every format tells the exit status's story -------------------

tm_case "--strict with a warning: not ready in every format"
tm_run before.example
expect_exit 0
expect_stdout_has "ready without --strict" '^Verdict: ready — 0 failures, 1 warning'
tm_run --strict before.example
expect_exit 1
expect_stdout_has "text" '^Verdict: not ready: --strict makes warnings fail — 0 failures, 1 warning'
tm_run --strict -q before.example
expect_exit 1
expect_stdout_has "-q" '^before\.example: not ready: --strict makes warnings fail \|'
tm_run --strict --format json before.example
expect_exit 1
expect_json '.results[0] | "\(.outcome) \(.exit_status) \(.strict) \(.verdict)"' "not_ready 1 true warn"
tm_run --strict --format jsonl before.example
expect_exit 1
expect_json '"\(.outcome) \(.exit_status)"' "not_ready 1"
tm_run --strict --format junit before.example
expect_exit 1
expect_suite_attr failures 1
expect_stdout_has "the warning is a failure" '<failure message="[^"]*" type="warn">'
expect_junit_prop outcome not_ready
expect_junit_prop strict true
tm_run --format junit before.example
expect_exit 0
expect_suite_attr failures 0
expect_junit_prop outcome ready

tm_case "--strict over several domains: each result says its own"
tm_run --strict --format jsonl ready.example before.example
expect_exit 1
expect_json '"\(.domain) \(.outcome)"' "ready.example ready before.example not_ready"

# ---- 7. repeated options -------------------------------------------------------------

tm_case "-f twice: both files are checked"
printf 'ready.example\n' >"$TM_TMP/a.txt"
printf 'notoken.example\nready.example\n' >"$TM_TMP/b.txt"
tm_run -f "$TM_TMP/a.txt" -f "$TM_TMP/b.txt" --format jsonl --only token.
expect_exit 1
expect_json '.domain' "ready.example notoken.example"

tm_case "--only twice: the lists add up"
tm_run --format json --only mx.present --only spf.present ready.example
expect_exit 0
expect_json '[.results[0].checks[].id] | join(",")' "mx.present,spf.present"

tm_case "--skip twice: the lists add up"
tm_run --format json --skip mx. --skip spf. ready.example
expect_json '[.results[0].checks[].id | select(startswith("mx.") or startswith("spf."))] | length' 0
expect_json '[.results[0].checks[].id | select(. == "token.present")] | length' 1

tm_case "a single-value option twice is a usage error"
tm_run --region jp --region us ready.example
expect_usage_error
tm_assert "exact message" grep -qxF "tmems-check: option '--region' can be given only once (repeatable: --server, --zone, -f, --only, --skip, -v, --ip)" "$TM_ERR"
tm_run --strict --strict ready.example
expect_usage_error
tm_assert "a switch too" grep -qF "option '--strict' can be given only once" "$TM_ERR"
tm_run_raw -f - -f - </dev/null
expect_usage_error
tm_assert "standard input once" grep -qF -- "-f - is given twice: standard input can be read only once" "$TM_ERR"

tm_case "--help says which options add up"
tm_run_raw --help
expect_exit 0
expect_stdout_has "the rule" "Only --server, --zone, -f, --only, --skip, -v and the spf subcommand's --ip\$"
expect_stdout_has "-f" 'repeatable, the files are read in order'

# ---- 12. the console's view and the tool's --------------------------------------------

tm_case "before the cutover: the console's (!) on 受信サーバ is expected"
tm_run --format json before.example
expect_exit 0
expect_json '.results[0].console_view | "\(.status) \(.flagged | join(",")) \(.expected | join(","))"' \
    "configuration_required inbound inbound"
expect_json '.results[0].checks[] | select(.id == "mx.tmems") | "\(.status) \(.console) \(.console_flag)"' \
    "info true true"
expect_json '[.results[0].checks[] | select(.console) | .id] | join(",")' \
    "token.present,token.format,token.match,mx.tmems,spf.include"
tm_run before.example
expect_stdout_has "the marked finding" '^  info   mx\.tmems +\(!\) The MX does not point at TMEmS yet'
expect_stdout_has "both views" '^Verdict: ready — 0 failures, 1 warning \| TMEmS console: 設定が必要 \(configuration required\), \(!\) on 受信サーバ \(expected before the MX cutover\)$'
tm_run --lang ja before.example
expect_stdout_has "both views in Japanese" '^判定: 準備完了 — 異常 0 件、警告 1 件 \| TMEmS 管理コンソール: 設定が必要、\(!\) の付くセクション: 受信サーバ \(MX 切り替え前は想定どおり\)$'

tm_case "no SPF record: not ready, while the console shows 完了"
tm_run --format json spf-none.example
expect_exit 1
expect_json '.results[0].checks[] | select(.id == "spf.present") | "\(.status) \(.console) \(.console_flag)"' \
    "fail false false"
expect_json '.results[0] | "\(.outcome) \(.console_view.status)"' "not_ready complete"
tm_run spf-none.example
expect_stdout_has "text" '^Verdict: not ready — 1 failure, 0 warnings \| TMEmS console: 完了 \(complete\)$'
expect_stdout_lacks "no (!) on the tool's own finding" 'spf\.present +\(!\)'
tm_run --lang ja -q spf-none.example
expect_stdout_has "ja" '^spf-none\.example: 準備未完了 \| TMEmS 管理コンソール: 完了$'

tm_case "no token: the console flags 全般 / ドメイン名"
tm_run notoken.example
expect_exit 1
expect_stdout_has "marked" '^  fail   token\.present +\(!\) No ownership token'
expect_stdout_has "verdict" '\| TMEmS console: 設定が必要 \(configuration required\), \(!\) on 全般 / ドメイン名, 受信サーバ \(expected before the MX cutover\)$'
tm_run --format junit notoken.example
expect_stdout_has "JUnit: the console's own check" '<testcase classname="domain" name="token.present">\n?'
expect_stdout_has "JUnit: the (!) in the message" '<failure message="\(!\) No ownership token'
expect_junit_prop console configuration_required
expect_junit_prop console_flagged "domain,inbound"
expect_junit_prop console_expected inbound

tm_case "without outbound protection the console does not check SPF"
tm_run --format json spf-oldranges.example
expect_json '.results[0].checks[] | select(.id == "spf.include") | "\(.status) \(.console_flag)"' "fail true"
expect_json '.results[0].console_view.flagged | index("outbound") != null' true
tm_run --format json --no-outbound spf-oldranges.example
expect_json '.results[0].checks[] | select(.id == "spf.include") | "\(.status) \(.console_flag)"' "info false"
expect_json '.results[0].console_view.flagged | index("outbound") != null' false

tm_finish
