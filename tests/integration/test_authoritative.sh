#!/usr/bin/env bash
# test_authoritative.sh - --authoritative and dns.consistency (docs/checks.md
# domain) against real BIND 9 servers on loopback.
#
# Run by ctest as: bash test_authoritative.sh /path/to/tmems-check
#
# Three BIND instances: the "recursive" one the tool asks (--server), and
# the zone's two name servers ns1 and ns2, which the NS records place at
# 127.0.0.2 and 127.0.0.3.  BIND only listens on an interface's addresses
# (lo has 127.0.0.1), so each name server is a BIND on 127.0.0.1 behind a
# byte-for-byte UDP/TCP relay on 127.0.0.x:AUTH_PORT (lib.sh), and the tool
# is pointed at that port with the testing aid --auth-port.
#
# Zones (written here, not in tests/zones: they name 127.0.0.x servers):
#   same.example     identical on every server                 -> pass
#   cutover.example  ns2 is mid-cutover: newer serial, the TMEmS MX, the
#                    TMEmS SPF include                          -> warn
# then ns2 stops answering (its BIND stopped: no answer; its address closed:
# refused): UNREACHABLE, never an rcode it did not send         -> error, exit 3

# shellcheck source=tests/integration/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
tm_init "$@"

Z="$TM_TMP/zones"
mkdir -p "$Z"
TOKEN="88vf4Tw3IPext5MmvoQSYF5mxwOczSpc"

# zone ORIGIN SERIAL MX_TTL MX_HOST SPF
zone() {
    cat <<EOF
\$ORIGIN $1.
\$TTL 3600
@      IN SOA ns1 hostmaster ( $2 3600 900 604800 300 )
@      IN NS  ns1
@      IN NS  ns2
ns1    IN A   127.0.0.2
ns2    IN A   127.0.0.3
mail   IN A   127.0.0.1
@ $3   IN MX  10 $4
@      IN TXT "tmes=$TOKEN"
@      IN TXT "$5"
EOF
}

OLD_SPF="v=spf1 ip4:192.0.2.0/24 -all"
NEW_SPF="v=spf1 ip4:192.0.2.0/24 include:spf.tmems-jp.trendmicro.com -all"
zone same.example 2024090101 300 mail.same.example. "$OLD_SPF" >"$Z/same.example"
zone cutover.example 2024090101 86400 mail.cutover.example. "$OLD_SPF" >"$Z/cutover.old"
zone cutover.example 2024090102 300 acme.in.tmems-jp.trendmicro.com. "$NEW_SPF" >"$Z/cutover.new"

TMEMS="tmems-jp.trendmicro.com=$TM_ZONES/tmems-jp.trendmicro.com.zone"

# The recursive view still has the old zone; ns1 too; ns2 the new one.
tm_bind_aux_start recursive "same.example=$Z/same.example" "cutover.example=$Z/cutover.old" "$TMEMS"
RECURSIVE_PORT=$TM_AUX_PORT
tm_bind_aux_start ns1 "same.example=$Z/same.example" "cutover.example=$Z/cutover.old"
NS1_PORT=$TM_AUX_PORT
tm_bind_aux_start ns2 "same.example=$Z/same.example" "cutover.example=$Z/cutover.new"
NS2_PORT=$TM_AUX_PORT
NS2_BIND_PID=$TM_AUX_PID

AUTH_PORT=$(tm_free_port_on 127.0.0.2 127.0.0.3) || { tm_log "no free port on 127.0.0.2/3"; exit 2; }
tm_dns_relay_start 127.0.0.2 "$AUTH_PORT" "$NS1_PORT"
tm_dns_relay_start 127.0.0.3 "$AUTH_PORT" "$NS2_PORT"
NS2_RELAY_PID=$TM_RELAY_PID

# The relays answer like the servers behind them.
if [ "$(dig +short +norecurse +time=2 +tries=1 @127.0.0.3 -p "$AUTH_PORT" SOA cutover.example |
        awk '{print $3}')" != 2024090102 ]; then
    tm_log "the relay on 127.0.0.3 does not answer for ns2"
    exit 2
fi

# Every run asks the recursive BIND and reaches the name servers on AUTH_PORT.
auth_run() {
    tm_run_raw --server "127.0.0.1:$RECURSIVE_PORT" --auth-port "$AUTH_PORT" "$@"
}

detail_of() {
    jq -r --arg id "$1" '.results[0].checks[] | select(.id == $id) | .detail // ""' "$TM_OUT"
}

expect_detail_has() { # ID TEXT
    if detail_of "$1" | grep -qF -- "$2"; then
        tm_pass
    else
        tm_fail "detail of $1 lacks: $2"
    fi
}

# ---- identical zones: pass ---------------------------------------------------

tm_case "identical zones pass"
auth_run --format json --authoritative --only dns.consistency same.example
expect_exit 0
expect_check dns.consistency pass
expect_json '[.results[0].checks[] | select(.id == "dns.consistency") | .summary | test("All 2 authoritative server addresses agree.*2024090101")] | .[0]' true
expect_detail_has dns.consistency "up to 300 s"

tm_case "catalogue position: right after token.match"
auth_run --format json --authoritative same.example
expect_json '[.results[0].checks[].id] | (index("dns.consistency") - index("token.match"))' 1
expect_check dns.consistency pass

tm_case "without --authoritative the check does not appear"
auth_run --format json same.example
expect_json '[.results[0].checks[] | select(.id == "dns.consistency")] | length' 0
expect_json '[.results[0].checks[] | select(.id == "token.present")] | length' 1

# ---- cutover in progress: warn, listing what differs per server -------------

tm_case "ns2 mid-cutover warns with the differences"
auth_run --format json --authoritative --only dns.consistency cutover.example
expect_exit 0
expect_check dns.consistency warn
expect_detail_has dns.consistency "ns2.cutover.example (127.0.0.3): serial 2024090102 vs 2024090101 (newer)"
expect_detail_has dns.consistency "MX 10 acme.in.tmems-jp.trendmicro.com vs 10 mail.cutover.example"
expect_detail_has dns.consistency "SPF \"$NEW_SPF\" vs \"$OLD_SPF\""
# the token is the same everywhere, and ns1 agrees with the recursive answer
if detail_of dns.consistency | grep -q -e 'token ' -e 'ns1.cutover.example'; then
    tm_fail "ns1 or the token is listed as different"
else
    tm_pass
fi
# the old MX's TTL: how long caches may keep it
expect_detail_has dns.consistency "up to 86400 s"

tm_case "text report tells how long caches may keep the old MX"
auth_run --format text --color never --authoritative --only dns.consistency cutover.example
expect_exit 0
expect_stdout_has "warn line" 'warn.*dns\.consistency'
expect_stdout_has "TTL sentence" 'Resolvers may keep the old MX for up to 86400 s'
expect_stdout_has "per-server line" 'ns2\.cutover\.example \(127\.0\.0\.3\): serial 2024090102 vs 2024090101'

tm_case "--strict makes the cutover warning exit 1"
auth_run --format json --authoritative --strict --only dns.consistency cutover.example
expect_exit 1

tm_case "offline: not asked, skip"
# (offline, the domain must be in a --zone file: without one it is exit 2)
tm_run_raw --offline --zone "$Z/cutover.old" --auth-port "$AUTH_PORT" --format json --authoritative \
    --only dns.consistency cutover.example
expect_check dns.consistency skip

# ---- a name server that does not answer: error, exit 3 -----------------------

# ns2's BIND stops, its relay stays: questions to 127.0.0.3 go unanswered.
# Each is tried --tries times at --timeout each; a server that never
# answered anything is UNREACHABLE (no DNS message came: not an rcode).
tm_helper_stop "$NS2_BIND_PID"

tm_case "silent name server is an error, after --tries tries"
auth_run --format json --authoritative --timeout 400 --tries 2 --only dns.consistency same.example
expect_exit 3
expect_check dns.consistency error
expect_detail_has dns.consistency "ns2.same.example (127.0.0.3): no answer for same.example SOA: UNREACHABLE (no answer from the DNS server (2 tries of 400 ms each))"

tm_case "text report of the silent server"
auth_run --format text --color never --authoritative --timeout 400 --tries 1 --only dns.consistency same.example
expect_exit 3
expect_stdout_has "error line" 'error.*dns\.consistency.*1 of 2 authoritative server addresses did not answer'

# Nothing listens on 127.0.0.3 any more: refused at once.
tm_helper_stop "$NS2_RELAY_PID"

tm_case "refused name server is an error, not the REFUSED response code"
auth_run --format json --authoritative --timeout 2000 --tries 3 --only dns.consistency same.example
expect_exit 3
expect_check dns.consistency error
expect_detail_has dns.consistency "ns2.same.example (127.0.0.3): no answer for same.example SOA: UNREACHABLE (connection refused)"
if detail_of dns.consistency | grep -q 'REFUSED'; then
    tm_fail "a connection nobody accepted is reported as the REFUSED rcode"
else
    tm_pass
fi

tm_case "whole report: the error makes exit 3 when nothing fails"
auth_run --format json --authoritative --timeout 400 --tries 1 --only "domain.,token.,dns." same.example
expect_exit 3
expect_json '.results[0].verdict' error

# ---- usage ---------------------------------------------------------------------

tm_case "--auth-port is validated"
tm_run_raw --authoritative --auth-port 0 same.example
expect_usage_error
tm_run_raw --authoritative --auth-port 70000 same.example
expect_usage_error

tm_case "--help documents the testing aid"
tm_run_raw --help
expect_exit 0
expect_stdout_has "--auth-port" '--auth-port N'
expect_stdout_has "--authoritative" '--authoritative'

tm_finish
