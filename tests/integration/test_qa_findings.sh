#!/usr/bin/env bash
# test_qa_findings.sh - cases a QA pass found, through the binary, against a
# real BIND 9 on 127.0.0.1 and with zone files (--offline --zone):
#
# - offline, an SPF include that no zone file holds can hide a missing TMEmS
#   include: the verdict is unknown (exit 3), never ready; online it fails;
# - an MX at the company's relay host or at the inbound suffix without a
#   company ID fails mx.tmems in either phase (the onboarding guide, Steps
#   4-1 and 4-2), and neither is offered as a receiving server;
# - a range that the site record as served lists and the bundled rules lack
#   is evaluated too (docs/checks.md spf.tmems_ranges);
# - a console check skipped with --skip leaves the console's view unknown,
#   never 完了; --no-outbound: spf.include is no console check.
. "$(dirname "$0")/lib.sh"
tm_init "$@"
tm_bind_start

Z="$TM_ZONES"

# ---- offline unknown SPF names: never ready ----------------------------------

tm_case "offline, the Outlook include is unknown: unknown, not ready"
tm_run_raw --offline --zone "$Z/spf-outlookonly.example.zone" --format json spf-outlookonly.example
expect_exit 3
expect_json '.results[0].outcome' "unknown"
expect_json '.results[0].not_judged | join(",")' "spf"
expect_json '.results[0].console_view.status' "unknown"
expect_json '.results[0].console_view.unknown | join(",")' "outbound"
expect_check spf.include skip
expect_check spf.tmems_ranges skip
expect_json '.results[0].checks[] | select(.id == "spf.include") | .summary | contains("spf.protection.outlook.com")' "true"
tm_run_raw --offline --zone "$Z/spf-outlookonly.example.zone" spf-outlookonly.example
expect_stdout_lacks "never ready" '^Verdict: ready'
expect_stdout_lacks "never 完了" '完了'

tm_case "online, the same record fails spf.include"
tm_run --format json spf-outlookonly.example
expect_exit 1
expect_check spf.include fail
expect_check spf.tmems_ranges fail

tm_case "offline with every name of the tree known: judged"
tm_run_raw --offline --zone "$Z/spf-outlookonly.example.zone" --zone "$Z/protection.outlook.com.zone" \
    --format json spf-outlookonly.example
expect_exit 1
expect_check spf.include fail

# ---- MX at a TMEmS name that takes no inbound mail ---------------------------

for d in mx-relay mx-nocompany; do
    tm_case "$d: the MX names a TMEmS name that is no inbound host"
    tm_run --format json "$d.example"
    expect_exit 1
    expect_check mx.tmems fail
    expect_json '.results[0].outcome' "not_ready"
    expect_json '.results[0].checks[] | select(.id == "inbound.servers") | .fix // "" | contains("tmems-jp")' "false"
    tm_run --format json --phase pre "$d.example"
    expect_check mx.tmems fail
    tm_run_raw --offline --zone "$Z/$d.example.zone" --format json "$d.example"
    expect_exit 1
    expect_check mx.tmems fail
done
tm_run mx-relay.example
expect_stdout_has "names the relay host" 'mx\.tmems .*acme\.relay\.tmems-jp\.trendmicro\.com, a TMEmS relay host'
tm_run mx-nocompany.example
expect_stdout_has "names the missing company ID" 'mx\.tmems .*in\.tmems-jp\.trendmicro\.com without a company ID'

# ---- live-only site ranges ------------------------------------------------------

tm_case "a range only the site record as served lists is evaluated"
sed 's|ip4:15.168.56.128/26 -all|ip4:15.168.56.128/26 ip4:13.114.0.0/26 -all|' \
    "$Z/tmems-jp.trendmicro.com.zone" >"$TM_TMP/tmems-jp.trendmicro.com.zone"
cat >"$TM_TMP/hardcoded.example.zone" <<'ZONE'
$ORIGIN hardcoded.example.
$TTL 3600
@ IN SOA ns1 hostmaster 1 3600 900 604800 300
  IN NS ns1
ns1 IN A 192.0.2.53
@ IN TXT "tmes=Q3n7Vb2Lx9Kp4Rt6Wy8Zc1Ad5Fg0Hj2M"
@ 300 IN MX 10 acme.in.tmems-jp.trendmicro.com.
@ IN TXT "v=spf1 ip4:18.176.203.128/26 ip4:18.176.203.192/26 ip4:18.177.156.0/26 ip4:18.177.156.64/26 ip4:15.168.56.0/25 ip4:15.168.49.64/26 ip4:15.168.56.128/26 -all"
ZONE
tm_run_raw --offline --zone "$TM_TMP/hardcoded.example.zone" --zone "$TM_TMP/tmems-jp.trendmicro.com.zone" \
    --format json hardcoded.example
expect_exit 1
expect_check spf.tmems_ranges fail
expect_json '.results[0].checks[] | select(.id == "spf.tmems_ranges") | .detail | contains("13.114.0.0/26")' "true"
tm_run_raw --offline --zone "$TM_TMP/hardcoded.example.zone" --zone "$Z/tmems-jp.trendmicro.com.zone" \
    --format json hardcoded.example
expect_check spf.tmems_ranges pass

# ---- the console's view of skipped checks ---------------------------------------

tm_case "--skip of the console's SPF check: not ready, console unknown"
tm_run --format json --skip spf.include,spf.tmems_ranges ready.example
expect_exit 0
expect_json '.results[0].outcome' "selected_passed"
expect_json '.results[0].console_view.status' "unknown"
tm_run --skip spf.include ready.example
expect_stdout_lacks "never 完了" '完了'

tm_case "--no-outbound: spf.include is no console check"
tm_run --format json --no-outbound spf-oldranges.example
expect_json '.results[0].checks[] | select(.id == "spf.include") | .console' "false"
expect_json '.results[0].checks[] | select(.id == "spf.include") | .summary | contains("SPFレコード内")' "false"

# ---- zones BIND refuses to load: input error, exit 2 -------------------------

tm_case "a quoted TXT string over 255 bytes: exit 2 with file:line"
long=$(printf 'a%.0s' $(seq 1 256))
printf '$ORIGIN longtxt.example.\n$TTL 300\n@ IN SOA ns1 hm 1 2 3 4 5\n@ IN NS ns1\n@ IN TXT "v=spf1 include:spf.tmems-jp.trendmicro.com ~all %s"\n' "$long" \
    >"$TM_TMP/longtxt.example.zone"
if named-checkzone -q longtxt.example "$TM_TMP/longtxt.example.zone" >/dev/null 2>&1; then
    tm_fail "named-checkzone loads the zone: the case tests nothing"
else
    tm_pass
fi
tm_run_raw --offline --zone "$TM_TMP/longtxt.example.zone" longtxt.example
expect_exit 2
tm_assert "names the file and line" grep -q "longtxt.example.zone' line 5: a quoted string is longer than 255 bytes" "$TM_ERR"

tm_case "a CNAME beside other data: exit 2 with file:line"
printf '$ORIGIN cnamedata.example.\n$TTL 300\n@ IN SOA ns1 hm 1 2 3 4 5\n@ IN NS ns1\next IN CNAME other.example.\next IN MX 10 acme.in.tmems-jp.trendmicro.com.\n' \
    >"$TM_TMP/cnamedata.example.zone"
if named-checkzone -q cnamedata.example "$TM_TMP/cnamedata.example.zone" >/dev/null 2>&1; then
    tm_fail "named-checkzone loads the zone: the case tests nothing"
else
    tm_pass
fi
tm_run_raw --offline --zone "$TM_TMP/cnamedata.example.zone" ext.cnamedata.example
expect_exit 2
tm_assert "names the file and line" grep -q "cnamedata.example.zone' line 6: 'ext.cnamedata.example' has a CNAME record and other data" "$TM_ERR"

# ---- command line -----------------------------------------------------------------

tm_case "-q with -v: usage error"
tm_run -q -v ready.example
expect_usage_error
tm_assert "says why" grep -q -- "-q and -v exclude each other" "$TM_ERR"

tm_case "the same domain twice as arguments: checked once"
tm_run -q ready.example READY.example.
expect_exit 0
tm_assert "one verdict line" test "$(grep -c . "$TM_OUT")" -eq 1

tm_case "a zone file that starts with a UTF-8 BOM: named"
printf '\xef\xbb\xbf$ORIGIN bom.example.\n@ 300 IN TXT "x"\n' >"$TM_TMP/bom.example.zone"
tm_run_raw --offline --zone "$TM_TMP/bom.example.zone" bom.example
expect_exit 2
tm_assert "names the BOM" grep -q "line 1: the file starts with a UTF-8 byte order mark (BOM)" "$TM_ERR"

tm_finish
