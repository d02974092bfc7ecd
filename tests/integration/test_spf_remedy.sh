#!/usr/bin/env bash
# test_spf_remedy.sh - the Fix of spf.lookups for a tree over the limit of
# 10 lookups (docs/checks.md "The SPF remedy"), against a real BIND 9 on
# loopback, on seven trees of different shapes (tests/zones/README.md):
#
#   spf-13lookups  nested own includes                  -> flattened, 13 -> 7
#   spf-late       ten own a: hosts before the include   -> 3 flattened, 11 -> 8
#   spf-dup        a repeated include, a target without
#                  SPF, ptr, a dead host                 -> dropped, 11 -> 6
#   spf-covered    a partner's include inside an ip4:    -> dropped (proven), 12 -> 8
#   spf-mxown      own mx hosts (IPv6 too), a vendor
#                  nested in an own include, exists:%{i} -> 11 -> 8
#   spf-chain      five branch includes                  -> _spf1, _spf2 chain, 17 -> 7
#   spf-vendors    vendors alone cost 11                 -> no record: which sender to drop
#
# For each printed record: its zone lines are pasted into a copy of the zone
# (they replace the apex's SPF record; _spfN lines are new names), and the
# checked copy needs the lookups the Fix claims, and spf.lookups passes.
# The closure suite (test_fix_closure.sh) proves no sender is lost.
#
# Run by ctest as: bash test_spf_remedy.sh /path/to/tmems-check

# shellcheck source=tests/integration/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
tm_init "$@"
tm_bind_start
zones=()
for z in "$TM_ZONES"/*.zone; do zones+=(--zone "$z"); done

# remedy DOMAIN BEFORE AFTER CHAIN : the Fix prints records for AFTER
# lookups (BEFORE today) with CHAIN _spfN records, and they hold.
remedy() {
    local domain=$1 before=$2 after=$3 chain=$4
    tm_case "$domain: the remedy brings $before lookups to $after"
    tm_run --format json --only spf.lookups "$domain.example"
    expect_exit 1
    expect_json '.results[0].checks[0].status' fail
    local fix records
    fix=$(jq -r '.results[0].checks[0].fix' "$TM_OUT")
    records=$(jq -r '.results[0].checks[0].fix_records // [] | .[]' "$TM_OUT")
    tm_assert "the Fix says $after lookups ($before today)" \
        grep -q "needs $after DNS lookups ($before today)" <<<"$fix"
    tm_assert "the proof's summary" grep -q "^Proof: check_host() gives pass to exactly" <<<"$fix"
    tm_assert "$chain _spfN records and the apex record" \
        [ "$(grep -c . <<<"$records")" -eq $((chain + 1)) ]
    tm_assert "the apex record is the last" grep -q "^$domain\.example\. 3600 IN TXT \"v=spf1" \
        <<<"$(tail -n 1 <<<"$records")"
    local k
    for ((k = 1; k <= chain; k++)); do
        tm_assert "_spf$k.$domain.example is a record of the chain" \
            grep -q "^_spf$k\.$domain\.example\. 3600 IN TXT \"v=spf1 " <<<"$records"
    done
    # Pasted into the zone (named-checkzone -D gives one record a line).
    local copy=$TM_TMP/$domain.example.zone
    named-checkzone -q -D -o "$copy.canon" "$domain.example" "$TM_ZONES/$domain.example.zone"
    { echo "\$ORIGIN $domain.example."
      grep -v "^$domain\.example\.[[:space:]].*IN[[:space:]]\+TXT[[:space:]]\+\"v=spf1" "$copy.canon" |
          grep -v '^;'
      printf '%s\n' "$records"; } > "$copy"
    tm_assert "named-checkzone accepts the pasted lines" \
        named-checkzone -q "$domain.example" "$copy"
    local others=()
    for z in "$TM_ZONES"/*.zone; do
        [ "$(basename "$z")" = "$domain.example.zone" ] || others+=(--zone "$z")
    done
    tm_run_raw --offline "${others[@]}" --zone "$copy" --format json --only spf. "$domain.example"
    expect_json '[.results[0].checks[] | select(.id == "spf.lookups") | .status][0]' pass
    expect_json '.results[0].spf.lookups' "$after"
    expect_json '[.results[0].checks[] | select(.id == "spf.tmems_ranges") | .status][0]' pass
    expect_json '[.results[0].checks[] | select(.id == "spf.include_target") | .status][0]' pass
}

remedy spf-13lookups 13 7 0
remedy spf-late 11 8 0
remedy spf-dup 11 6 0
remedy spf-covered 12 8 0
remedy spf-mxown 11 8 0
remedy spf-chain 17 7 2

tm_case "spf-dup: what goes, and why"
tm_run --format json --only spf.lookups spf-dup.example
fix=$(jq -r '.results[0].checks[0].fix' "$TM_OUT")
tm_assert "the repeated include" grep -q "include:_spf.mail.spf-dup.example  (it repeats an earlier include)" <<<"$fix"
tm_assert "the include without a record" grep -q "include:_spf.old.spf-dup.example  (its target has no SPF record" <<<"$fix"
tm_assert "ptr" grep -q "^  ptr  (ptr, which RFC 7208 section 5.5" <<<"$fix"
tm_assert "the dead host" grep -q "a:gone.spf-dup.example  (it names a host that does not exist)" <<<"$fix"

tm_case "spf-mxown: the vendor nested in an own include stays an include; exists stays"
tm_run --format json --only spf.lookups spf-mxown.example
rec=$(jq -r '.results[0].checks[0].fix_records[-1]' "$TM_OUT")
tm_assert "include:sendgrid.net kept" grep -q "include:sendgrid.net" <<<"$rec"
tm_assert "exists:%{i} kept as written" grep -qF "exists:%{i}._spf.spf-mxown.example" <<<"$rec"
tm_assert "mx flattened with its IPv6 address" grep -q "ip6:2001:db8:91::25" <<<"$rec"
tm_assert "the vendor include of Google kept" grep -q "include:_spf.google.com" <<<"$rec"
fix=$(jq -r '.results[0].checks[0].fix' "$TM_OUT")
tm_assert "the proof tests boundaries where a term depends on the client address" \
    grep -q "tested at their first and last address only" <<<"$fix"
tm_assert "the Fix says the copies go stale and how to notice" grep -q "goes stale" <<<"$fix"

tm_case "spf-vendors: no record fits without dropping a sender"
tm_run --format json --only spf.lookups spf-vendors.example
expect_json '.results[0].checks[0].fix_records' null
fix=$(jq -r '.results[0].checks[0].fix' "$TM_OUT")
tm_assert "says that no record fits, and the count with own terms flattened" \
    grep -q "still needs 11 lookups" <<<"$fix"
tm_assert "Google Workspace would save 4" grep -q "4   include:_spf.google.com  (Google Workspace, managed by its sender)" <<<"$fix"
tm_assert "Salesforce would save 3" grep -q "3   include:_spf.salesforce.com  (Salesforce" <<<"$fix"
tm_assert "the TMEmS include is kept" grep -q "include:spf.tmems-jp.trendmicro.com  (needed for TMEmS: keep)" <<<"$fix"
tm_assert "what to drop" grep -q "Drop senders worth at least 3 lookups (1 to get just within the limit)" <<<"$fix"

tm_case "--no-outbound: the TMEmS include is a sender like the others"
tm_run --format json --only spf.lookups --no-outbound spf-vendors.example
fix=$(jq -r '.results[0].checks[0].fix' "$TM_OUT")
tm_assert "no 'keep' for TMEmS" grep -q "include:spf.tmems-jp.trendmicro.com  (Trend Micro Email Security, managed by its sender)" <<<"$fix"

tm_case "offline with the zone alone: the vendors' records are unknown, no remedy"
tm_run_raw --offline --zone "$TM_ZONES/spf-chain.example.zone" --format json --only spf.lookups spf-chain.example
expect_json '.results[0].checks[0].fix_records' null

tm_case "--spf-own: a partner's include becomes the customer's own"
tm_run --format json --only spf.lookups --spf-own partner-mail.example spf-covered.example
expect_exit 1
expect_json '.results[0].checks[0].fix_records | length' 1

tm_case "the chain record takes a name the zone does not use (QA session 5)"
# _spf1 holds an old SPF record nothing includes, _spf2 is a CNAME: a second
# SPF record at _spf1 would make both permerror, a TXT beside the CNAME
# makes the zone unloadable.
tm_run --format json --only spf.lookups spf-taken.example
expect_exit 1
expect_json '.results[0].checks[0].fix_records | map(split(" ")[0]) | join(",")' \
    "_spf3.spf-taken.example.,spf-taken.example."
tm_run_raw --offline --zone "$TM_ZONES/spf-taken.example.zone" --format json --only spf.lookups \
    spf-taken.example
expect_json '.results[0].checks[0].fix_records | map(split(" ")[0]) | join(",")' \
    "_spf3.spf-taken.example.,spf-taken.example."

tm_finish
