#!/usr/bin/env bash
# test_watch.sh - `tmems-check watch` (docs/watch.md) against real BIND 9
# servers on loopback: a primary and two secondaries that transfer the zone
# from it (AXFR/IXFR), one notified (RFC 1996) and one lagging (no NOTIFY, a
# refresh of an hour), and a caching resolver that forwards to the primary.
# The MX is changed on the primary (the zone file, then rndc reload) and the
# watch must see the primary and the notified secondary change, name the
# lagging one a stale secondary, and see it change after `rndc refresh`.
#
# Run by ctest as: bash test_watch.sh /path/to/tmems-check
#
# BIND listens only on the addresses of an interface (lo has 127.0.0.1), so
# each name server is a BIND on 127.0.0.1 behind a byte-for-byte relay on
# 127.0.0.x:AUTH_PORT (lib.sh), and the tool reaches them there with the
# testing aid --auth-port.  The watch finds the name servers the way it
# does on the Internet: SOA walk-up, NS and A questions to the resolver
# (--server, the caching BIND), which gets them from the primary.
#
# Times: the intervals and deadlines are seconds, so the whole runs in about
# a minute.  Pass and fail read the tool's own events (--format jsonl); the
# one timing assertion is the issue's own criterion, on the tool's reported
# times: the horizon matches the moment the cache changed, within one
# interval.

# shellcheck source=tests/integration/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
tm_init "$@"
command -v rndc >/dev/null && command -v tsig-keygen >/dev/null ||
    { tm_log "rndc and tsig-keygen are required (bind9 package)"; exit 2; }

Z="$TM_TMP/zones"
mkdir -p "$Z"
TOKEN="88vf4Tw3IPext5MmvoQSYF5mxwOczSpc"
EXTRA_NS=""
D=cutover.example
OLD_MX=mail.cutover.example
NEW_MX=acme.in.tmems-jp.trendmicro.com
SPF="v=spf1 include:spf.tmems-jp.trendmicro.com ~all"
MX_TTL=7

# zone_file SERIAL MX_HOST [MNAME] : the cutover zone.  Refresh 3600: a
# secondary that is not notified does not look for an hour.
zone_file() {
    cat <<EOF
\$ORIGIN $D.
\$TTL 60
@      IN SOA ${3:-ns1.$D.} hostmaster ( $1 3600 600 604800 60 )
@      IN NS  ns1
@      IN NS  ns2
@      IN NS  ns3
ns1    IN A   127.0.0.2
ns2    IN A   127.0.0.3
ns3    IN A   127.0.0.4
mail   IN A   192.0.2.25
mx2    IN A   192.0.2.26
${EXTRA_NS:-}
@ $MX_TTL IN MX  10 $2.
@      IN TXT "tmes=$TOKEN"
@      IN TXT "$SPF"
EOF
}

tsig-keygen -a hmac-sha256 rndc-key >"$TM_TMP/rndc.key" 2>/dev/null ||
    { tm_log "tsig-keygen failed"; exit 2; }

# named_start NAME BODY [PORT] : a BIND on 127.0.0.1 at PORT (or a free
# port of its own) with an rndc control channel; BODY is the rest of
# named.conf: options, then @@ZONES@@ and the zones.
# Sets PORT_<NAME>, CTL_<NAME>, PID_<NAME>.
named_start() {
    local name=$1 body=$2 dir="$TM_TMP/bind-$1" port ctl log attempt
    mkdir -p "$dir"
    log="$dir/named.log"
    for attempt in 1 2 3; do
        port=${3:-$(tm_free_port)} || exit 2
        ctl=$(tm_free_port) || exit 2
        [ "$port" != "$ctl" ] || continue
        cat >"$dir/named.conf" <<EOF
include "$TM_TMP/rndc.key";
controls { inet 127.0.0.1 port $ctl allow { 127.0.0.1; } keys { "rndc-key"; }; };
options {
    directory "$dir";
    listen-on port $port { 127.0.0.1; };
    listen-on-v6 { none; };
    dnssec-validation no;
    pid-file none;
    session-keyfile none;
    managed-keys-directory "$dir";
    notify-delay 0;
    ${body%%@@ZONES@@*}
};
${body#*@@ZONES@@}
EOF
        named -g -4 -n 1 -c "$dir/named.conf" >"$log" 2>&1 &
        local pid=$!
        tm_track_pid "$pid"
        TM_HELPER_PIDS="$TM_HELPER_PIDS $pid"
        for _ in $(seq 1 100); do
            tm_alive "$pid" || break
            if grep -q 'running$' "$log" 2>/dev/null; then
                printf -v "PORT_$name" '%s' "$port"
                printf -v "CTL_$name" '%s' "$ctl"
                printf -v "PID_$name" '%s' "$pid"
                return 0
            fi
            sleep 0.1
        done
        tm_log "named $name did not start (attempt $attempt); its log:"
        sed 's/^/  named: /' "$log" >&2
        tm_helper_stop "$pid"
    done
    exit 2
}

rndc_to() { # NAME ARGS...
    local ctl_var="CTL_$1"
    shift
    rndc -k "$TM_TMP/rndc.key" -s 127.0.0.1 -p "${!ctl_var}" "$@" >/dev/null 2>&1
}

serial_at() { # PORT : the serial of the zone there ("" when none)
    dig +short +norecurse +time=1 +tries=1 @127.0.0.1 -p "$1" SOA "$D" 2>/dev/null |
        awk '{print $3}'
}

wait_serial() { # PORT SERIAL : until the server there has it (10 s at most)
    for _ in $(seq 1 100); do
        [ "$(serial_at "$1")" = "$2" ] && return 0
        sleep 0.1
    done
    tm_log "the server on port $1 never served serial $2 (it has '$(serial_at "$1")')"
    return 1
}

TMEMS_ZONES="zone \"tmems-jp.trendmicro.com\" { type primary; file \"$TM_ZONES/tmems-jp.trendmicro.com.zone\"; };"
zone_file 2024090101 "$OLD_MX" >"$Z/$D"

# Ports first: the primary notifies ns2, both secondaries transfer from it.
P=$(tm_free_port) || exit 2
S1=$(tm_free_port) || exit 2
S2=$(tm_free_port) || exit 2
[ "$P" != "$S1" ] && [ "$P" != "$S2" ] && [ "$S1" != "$S2" ] || { tm_log "port clash"; exit 2; }

# The primary: notifies ns2 only (notify explicit), lets both transfer.
named_start primary "recursion no; allow-transfer { any; }; notify explicit; also-notify { 127.0.0.1 port $S1; }; @@ZONES@@
zone \"$D\" { type primary; file \"$Z/$D\"; };
$TMEMS_ZONES" "$P"

# ns2: notified, so it transfers a change at once.  ns3: lagging.
secondary_body() {
    echo "recursion no; notify no; @@ZONES@@
zone \"$D\" { type secondary; primaries { 127.0.0.1 port $P; }; file \"$1.db\"; };"
}
named_start s1 "$(secondary_body s1)" "$S1"
named_start s2 "$(secondary_body s2)" "$S2"
wait_serial "$S1" 2024090101 || exit 2
wait_serial "$S2" 2024090101 || exit 2

# The caching resolver forwards everything to the primary; no prefetch, so
# an answer leaves the cache exactly when its TTL runs out.
# It also answers DNS over HTTPS, with a certificate of the test's own CA.
tm_test_ca "$TM_TMP/tls"
DOH=$(tm_free_port) || exit 2
named_start cache "recursion yes; allow-query { any; }; forward only; forwarders { 127.0.0.1 port $P; }; prefetch 0;
    listen-on port $DOH tls tm_tls http tm_doh { 127.0.0.1; }; @@ZONES@@
tls tm_tls { key-file \"$TM_TMP/tls/server.key\"; cert-file \"$TM_TMP/tls/server.pem\"; };
http tm_doh { endpoints { \"/dns-query\"; }; };"
C=$PORT_cache

AUTH_PORT=$(tm_free_port_on 127.0.0.2 127.0.0.3 127.0.0.4) || { tm_log "no free port"; exit 2; }
tm_dns_relay_start 127.0.0.2 "$AUTH_PORT" "$P"
tm_dns_relay_start 127.0.0.3 "$AUTH_PORT" "$S1"
S1_RELAY=$TM_RELAY_PID
tm_dns_relay_start 127.0.0.4 "$AUTH_PORT" "$S2"

# publish SERIAL MX_HOST : a new zone on the primary (ns2 follows by NOTIFY).
publish() {
    zone_file "$1" "$2" >"$Z/$D.new" && mv -f "$Z/$D.new" "$Z/$D"
    rndc_to primary reload "$D" || { tm_log "rndc reload failed"; return 1; }
    for _ in $(seq 1 100); do
        [ "$(dig +short +norecurse +time=1 +tries=1 @127.0.0.1 -p "$P" MX "$D" 2>/dev/null)" = "10 $2." ] &&
            [ "$(serial_at "$P")" = "$1" ] && return 0
        sleep 0.1
    done
    tm_log "the primary does not serve serial $1 with MX $2"
    return 1
}

# watch_bg OUTFILE ARGS... : the watch in the background (jsonl); sets WPID.
watch_bg() {
    local out=$1
    shift
    timeout -k 5 120 $TM_WRAPPER "$TM_BIN" watch "$D" --server "127.0.0.1:$C" \
        --auth-port "$AUTH_PORT" --timeout 500 --tries 2 --format jsonl "$@" \
        >"$out" 2>"$out.err" </dev/null &
    WPID=$!
    tm_track_pid "$WPID"
}

# wait_for FILE JQ_FILTER [SECONDS] : until a line of FILE matches.
# (jq reads the file again only when it has grown: a start of jq costs
# more CPU than the watch being tested.)
wait_for() {
    local file=$1 filter=$2 limit=${3:-30} size seen=-1
    for _ in $(seq 1 $((limit * 10))); do
        size=$(stat -c %s "$file" 2>/dev/null || echo -1)
        if [ "$size" != "$seen" ]; then
            seen=$size
            if jq -e -s "[.[] | select($filter)] | length > 0" "$file" >/dev/null 2>&1; then
                return 0
            fi
        fi
        sleep 0.1
    done
    return 1
}

# events FILE JQ_FILTER : how many events match
events() { jq -s "[.[] | select($2)] | length" "$1" 2>/dev/null || echo 0; }

# wait_exit PID : its exit status
wait_exit() { wait "$1"; local rc=$?; tm_untrack_pid "$1"; return $rc; }

last_state() { # FILE ADDRESS : the last state the watch reported for the address
    jq -r -s --arg a "$2" '[.[] | select(.event == "change" and .address == $a)] | last | .state' "$1"
}

# ---- 1. cutover: the primary and ns2 change, ns3 lags -----------------------

W1="$TM_TMP/w1.jsonl"
tm_case "cutover: watch starts, every server old"
watch_bg "$W1" --interval 1 --deadline 60
if wait_for "$W1" '.event == "change" and .address == "127.0.0.4"' 20; then tm_pass; else tm_fail "no first poll"; fi
jq -s '.' "$W1" >"$TM_TMP/w1.all" 2>/dev/null
TM_OUT="$TM_TMP/w1.all"
expect_json '[.[] | select(.event=="start")][0].zone' "$D"
expect_json '[.[] | select(.event=="start")][0].servers | map(.address) | join(",")' \
    "127.0.0.2,127.0.0.3,127.0.0.4,127.0.0.1:$C"
expect_json '[.[] | select(.event=="change" and .previous=="pending")] | map(.state) | unique | join(",")' "old"

tm_case "cutover: the MX changes on the primary; the primary and ns2 follow"
publish 2024090102 "$NEW_MX" || tm_fail "publish"
wait_serial "$S1" 2024090102 || tm_fail "ns2 did not transfer"
if wait_for "$W1" '.event == "change" and .address == "127.0.0.3" and .state == "ready"' 20; then
    tm_pass; else tm_fail "ns2 never seen ready"; fi
tm_assert "the primary seen ready" wait_for "$W1" '.event == "change" and .address == "127.0.0.2" and .state == "ready"' 5
tm_assert "ns3 is still old" [ "$(last_state "$W1" 127.0.0.4)" = old ]
tm_assert "ns3 still has serial 2024090101" [ "$(serial_at "$S2")" = 2024090101 ]

tm_case "cutover: a second watch with a short deadline names ns3 a stale secondary (exit 1)"
tm_run_raw watch "$D" --server "127.0.0.1:$C" --auth-port "$AUTH_PORT" --timeout 500 --tries 2 \
    --interval 1 --deadline 3 --format jsonl
expect_exit 1
jq -s '.' "$TM_OUT" >"$TM_TMP/short.all"
cp "$TM_OUT" "$TM_TMP/short.jsonl"
TM_OUT="$TM_TMP/short.all"
expect_json '.[-1].event' "end"
expect_json '.[-1].outcome' "wrong"
expect_json '.[-1].servers | map(select(.why != null)) | map(.address + "=" + .why) | join(",")' \
    "127.0.0.4=stale_secondary"
expect_json '.[-1].servers | map(select(.address=="127.0.0.4"))[0].serial' 2024090101

tm_case "cutover: the same, piped as text: one line per change, the stale secondary named"
tm_run_raw watch "$D" --server "127.0.0.1:$C" --auth-port "$AUTH_PORT" --timeout 500 --tries 2 \
    --interval 1 --deadline 3
expect_exit 1
expect_stdout_has "start line" "^watching cutover\\.example \\(zone cutover\\.example\\): 3 name-server addresses, 1 resolver"
expect_stdout_has "ns3's line" "ns3\\.cutover\\.example 127\\.0\\.0\\.4  old  serial 2024090101  MX 10 mail\\.cutover\\.example"
expect_stdout_has "the primary's line" "ns1\\.cutover\\.example 127\\.0\\.0\\.2  ready  serial 2024090102  MX 10 acme\\.in\\.tmems-jp\\.trendmicro\\.com"
expect_stdout_has "the end" "not reached by the deadline: a server still serves a wrong state"
expect_stdout_has "named" "ns3\\.cutover\\.example 127\\.0\\.0\\.4 still serves the old state: a stale secondary \\(serial 2024090101, the name servers that changed have 2024090102\\)"
expect_stdout_lacks "no escape sequences when piped" "\\x1b"

tm_case "cutover: rndc refresh on ns3; the first watch sees it and ends (exit 0)"
rndc_to s2 refresh "$D" || tm_fail "rndc refresh"
wait_serial "$S2" 2024090102 || tm_fail "ns3 did not transfer"
wait_exit "$WPID"
TM_RC=$?
expect_exit 0
jq -s '.' "$W1" >"$TM_TMP/w1.all"
TM_OUT="$TM_TMP/w1.all"
expect_json '.[-1].outcome' "reached"
expect_json '[.[] | select(.event=="change" and .address=="127.0.0.4")] | map(.previous + ">" + .state) | join(",")' \
    "pending>old,old>ready"
expect_json '[.[] | select(.event=="change" and .address=="127.0.0.4" and .state=="ready")][0].serial' 2024090102
# The horizon: the old MX TTL of the first poll, from the poll that saw every
# name server ready; the cache row changes no later than one interval after it.
expect_json '[.[] | select(.event=="horizon")][-1].old_mx_ttl' "$MX_TTL"
expect_json '[.[] | select(.event=="horizon")][-1].ttl_source' "observed"
expect_json '([.[] | select(.event=="horizon")][-1].horizon_ms - ([.[] | select(.event=="change" and .address=="127.0.0.4" and .state=="ready")][0].time_ms)) / 1000 | round' "$MX_TTL"

tm_case "DoH: the resolver watched and asked over DNS over HTTPS"
tm_run_raw watch "$D" --doh "https://127.0.0.1:$DOH/dns-query" --cacert "$TM_TMP/tls/ca.pem" --auth-port "$AUTH_PORT" \
    --timeout 1000 --tries 2 --interval 1 --deadline 10 --format jsonl
expect_exit 0
jq -s '.' "$TM_OUT" >"$TM_TMP/doh.all"
TM_OUT="$TM_TMP/doh.all"
expect_json '.[0].servers | map(.address) | join(",")' \
    "127.0.0.2,127.0.0.3,127.0.0.4,https://127.0.0.1:$DOH/dns-query"
expect_json '.[-1].servers | map(.state) | unique | join(",")' "ready"

# ---- 2. the cache horizon, --until caches -------------------------------------

tm_case "horizon: the cache holds the new MX until its TTL; watch rolls back with --expect-mx"
rndc_to cache flush || tm_fail "rndc flush"
W2="$TM_TMP/w2.jsonl"
INTERVAL=3
watch_bg "$W2" --interval "$INTERVAL" --deadline 60 --until caches --expect-mx "$OLD_MX"
# The first poll fills the cache with the MX of the moment (the new one);
# the rollback is published right after it, everywhere at once.
if wait_for "$W2" '.event == "change" and .address == "127.0.0.1:'"$C"'"' 20; then tm_pass; else tm_fail "no first poll"; fi
publish 2024090103 "$OLD_MX" || tm_fail "publish"
rndc_to s2 refresh "$D"
wait_exit "$WPID"
TM_RC=$?
expect_exit 0
jq -s '.' "$W2" >"$TM_TMP/w2.all"
TM_OUT="$TM_TMP/w2.all"
expect_json '.[-1].outcome' "reached"
expect_json '[.[] | select(.event=="start")][0].expect.mx | join(",")' "$OLD_MX"
expect_json '[.[] | select(.event=="change" and .address=="127.0.0.1:'"$C"'")] | map(.state) | join(",")' "old,ready"
expect_json '[.[] | select(.event=="change" and .address=="127.0.0.2")] | map(.state) | join(",")' "old,ready"
# The cache changed within one interval of the horizon (the issue's own
# criterion, read from the tool's times): never more than one interval after
# it (the horizon is "at the latest"), and not more than one before it.
H=$(jq -r '[.[] | select(.event=="horizon" and .horizon_ms != null)][-1].horizon_ms' "$TM_OUT")
F=$(jq -r '[.[] | select(.event=="change" and .address=="127.0.0.1:'"$C"'" and .state=="ready")][0].time_ms' "$TM_OUT")
tm_log "  horizon $H, cache seen changed $F, difference $(( (H - F) )) ms, interval ${INTERVAL}000 ms"
tm_assert "the cache changed no later than one interval after the horizon" [ "$F" -le $((H + INTERVAL * 1000)) ]
tm_assert "the cache changed no earlier than one interval before the horizon" [ "$F" -ge $((H - INTERVAL * 1000)) ]
expect_json '[.[] | select(.event=="horizon")][-1].old_mx_ttl' "$MX_TTL"

# ---- 3. a server that stops answering mid-watch -------------------------------

tm_case "ns2 stops answering mid-watch: reported, retried, back again (exit 0)"
W3="$TM_TMP/w3.jsonl"
watch_bg "$W3" --interval 1 --deadline 60 --expect-mx "$NEW_MX"
wait_for "$W3" '.event == "change" and .address == "127.0.0.3"' 20 || tm_fail "no first poll"
tm_helper_stop "$S1_RELAY"
if wait_for "$W3" '.event == "change" and .address == "127.0.0.3" and .state == "failed"' 20; then
    tm_pass; else tm_fail "ns2's silence not reported"; fi
publish 2024090104 "$NEW_MX" || tm_fail "publish"
rndc_to s2 refresh "$D"
wait_serial "$S2" 2024090104 || tm_fail "ns3 did not transfer"
sleep 2
tm_assert "the watch goes on while ns2 cannot be asked" tm_alive "$WPID"
tm_dns_relay_start 127.0.0.3 "$AUTH_PORT" "$S1"
wait_exit "$WPID"
TM_RC=$?
expect_exit 0
jq -s '.' "$W3" >"$TM_TMP/w3.all"
TM_OUT="$TM_TMP/w3.all"
expect_json '[.[] | select(.event=="change" and .address=="127.0.0.3")] | map(.state) | join(",")' "old,failed,ready"
expect_json '[.[] | select(.event=="change" and .address=="127.0.0.3" and .state=="failed")][0].reason | test("UNREACHABLE")' "true"

tm_case "a name server that does not come back: exit 3 at the deadline, named"
tm_helper_stop "$TM_RELAY_PID"
tm_run_raw watch "$D" --server "127.0.0.1:$C" --auth-port "$AUTH_PORT" --timeout 300 --tries 1 \
    --interval 1 --deadline 3 --format jsonl
expect_exit 3
jq -s '.' "$TM_OUT" >"$TM_TMP/w4.all"
TM_OUT="$TM_TMP/w4.all"
expect_json '.[-1].outcome' "unasked"
expect_json '.[-1].servers | map(select(.why != null)) | map(.address + "=" + .why) | join(",")' \
    "127.0.0.3=unasked"
tm_dns_relay_start 127.0.0.3 "$AUTH_PORT" "$S1"

# ---- 4. a serial not increased, a forgotten provider -------------------------

tm_case "a serial not increased: the primary changes, the secondaries keep theirs (exit 1)"
publish 2024090104 "mx2.cutover.example" || tm_fail "publish"
tm_run_raw watch "$D" --server "127.0.0.1:$C" --auth-port "$AUTH_PORT" --timeout 500 --tries 2 \
    --interval 1 --deadline 3 --format jsonl --expect-mx mx2.cutover.example
expect_exit 1
jq -s '.' "$TM_OUT" >"$TM_TMP/w5.all"
TM_OUT="$TM_TMP/w5.all"
expect_json '.[-1].servers | map(select(.why != null)) | map(.address + "=" + .why) | join(",")' \
    "127.0.0.3=serial_not_increased,127.0.0.4=serial_not_increased"

tm_case "a forgotten provider: a fourth name server keeps its own copy of the zone (exit 1)"
zone_file 2024090101 "$OLD_MX" ns.oldhost.example. >"$Z/$D.old-provider"
tm_bind_aux_start oldprovider "$D=$Z/$D.old-provider"
tm_dns_relay_start 127.0.0.5 "$AUTH_PORT" "$TM_AUX_PORT"
EXTRA_NS="ns4 IN A 127.0.0.5
@ IN NS ns4"
publish 2024090106 "$NEW_MX" || tm_fail "publish"
rndc_to s2 refresh "$D"
wait_serial "$S2" 2024090106 || tm_fail "ns3 did not transfer"
rndc_to cache flush
tm_run_raw watch "$D" --server "127.0.0.1:$C" --auth-port "$AUTH_PORT" --timeout 500 --tries 2 \
    --interval 1 --deadline 3
expect_exit 1
expect_stdout_has "named" "ns4\\.cutover\\.example 127\\.0\\.0\\.5 serves a copy of the zone that is not updated: its SOA names the primary ns\\.oldhost\\.example, not ns1\\.cutover\\.example: a forgotten provider"
tm_run_raw watch "$D" --server "127.0.0.1:$C" --auth-port "$AUTH_PORT" --timeout 500 --tries 2 \
    --interval 1 --deadline 3 --format jsonl
jq -s '.' "$TM_OUT" >"$TM_TMP/w6.all"
TM_OUT="$TM_TMP/w6.all"
expect_json '.[-1].servers | map(select(.why != null)) | map(.address + "=" + .why) | join(",")' \
    "127.0.0.5=other_provider"

tm_case "Japanese: the same end, in Japanese"
tm_run_raw watch "$D" --server "127.0.0.1:$C" --auth-port "$AUTH_PORT" --timeout 500 --tries 2 \
    --interval 1 --deadline 3 --lang ja
expect_exit 1
expect_stdout_has "ja end" "期限"
expect_stdout_lacks "no English state words" "  (ready|old)  serial"

# ---- 5. usage errors: exit 2, one line, nothing on stdout, no query ---------

for args in "watch" "watch a.example b.example" "watch $D --interval 0" "watch $D --until forever" \
    "watch $D --expect-mx=a..example" "watch $D --expect-spf v=spf2" "watch $D --format json" \
    "watch $D --offline" "watch $D --authoritative" "watch $D --interval 1 --interval 2" \
    "watch $D --old-ttl" "watch $D --only mx."; do
    tm_case "usage: $args"
    # shellcheck disable=SC2086 # the arguments are words
    tm_run_raw $args
    expect_usage_error
done
tm_case "watch --help"
tm_run_raw watch --help
expect_exit 0
expect_stdout_has "usage" "^Usage: tmems-check watch \\[OPTIONS\\] DOMAIN"
expect_stdout_has "load stated" "each poll asks each server 3 questions"
tm_case "--help mentions watch"
tm_run_raw --help
expect_stdout_has "watch synopsis" "tmems-check watch \\[OPTIONS\\] DOMAIN"

tm_finish
