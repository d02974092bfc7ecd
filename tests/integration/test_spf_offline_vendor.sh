#!/usr/bin/env bash
# test_spf_offline_vendor.sh - offline, an SPF tree whose only unknown parts
# are includes of vendor-managed senders (rules spf_senders, docs/rules.md):
# without their records the lookup count is a lower bound and the verdict is
# unknown, never ready (docs/checks.md "The verdict"); with the records
# bundled in the rules (rules "records") the tree is judged from them, pass
# or fail.  No DNS at all: --offline, zone files and rules files only.
#
# Run by ctest as: bash test_spf_offline_vendor.sh /path/to/tmems-check
# shellcheck source=tests/integration/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
tm_init "$@"

rules_src="$TM_SOURCE_DIR/data/rules/jp.json"

# with_records OUT NAME=ZONEFILE... : the Japan rules with the SPF records of
# the named test zones' owners bundled, as the rules' own records.
with_records() {
    local out=$1
    shift
    python3 - "$rules_src" "$out" "$@" <<'PY'
import json, os, re, sys
rules = json.load(open(sys.argv[1]))
for arg in sys.argv[3:]:
    name, zone = arg.split("=", 1)
    origin = os.path.basename(zone)[:-len(".zone")]
    label = "@" if name == origin else name[:-len(origin) - 1]
    for line in open(zone):
        m = re.match(r'^(\S+)\s+IN\s+TXT\s+"(v=spf1[^"]*)"', line)
        if m and m.group(1) == label:
            rules["records"].append({"name": name, "type": "TXT", "value": m.group(2)})
json.dump(rules, open(sys.argv[2], "w"))
PY
}

# A customer zone: the TMEmS include (bundled in the rules) and Microsoft
# 365's (a vendor-managed sender whose record is in no zone file).
cat > "$TM_TMP/m365only.example.zone" <<'ZONE'
$ORIGIN m365only.example.
$TTL 3600
@       IN SOA  ns1 hostmaster 1 3600 900 604800 300
        IN NS   ns1
ns1     IN A    192.0.2.53
@       IN TXT  "tmes=qxZOOHjkJQQrkaPehMvbfrn2yzL7C5Mg"
@       IN TXT  "v=spf1 include:spf.tmems-jp.trendmicro.com include:spf.protection.outlook.com -all"
@   300 IN MX   10 acme.in.tmems-jp.trendmicro.com.
ZONE

tm_case "offline, the Microsoft 365 include unknown: not ready, not a false ready"
tm_run_raw --offline --format json --zone "$TM_TMP/m365only.example.zone" m365only.example
expect_exit 3
expect_check spf.lookups skip
tm_assert "the verdict is unknown, SPF not judged" \
    jq -e '.results[0].outcome == "unknown" and .results[0].not_judged == ["spf"]' "$TM_OUT"

tm_case "offline, the Microsoft 365 record bundled in the rules: judged, ready"
with_records "$TM_TMP/m365.json" spf.protection.outlook.com="$TM_ZONES/protection.outlook.com.zone"
tm_run_raw --offline --format json --rules "$TM_TMP/m365.json" \
    --zone "$TM_TMP/m365only.example.zone" m365only.example
expect_exit 0
expect_check spf.lookups pass
tm_assert "2 lookups: the TMEmS and Microsoft 365 includes" \
    jq -e '[.results[0].checks[] | select(.id == "spf.lookups") | .summary | test("2 DNS lookups")] == [true]' "$TM_OUT"

# spf-vendors.example: 13 lookups once every vendor's record is known.
tm_case "offline, four vendor includes unknown, 8 lookups known: unknown"
tm_run_raw --offline --zone "$TM_ZONES/spf-vendors.example.zone" spf-vendors.example
expect_exit 3
tm_assert "the text says SPF was not judged" grep -q "not judged.*SPF" "$TM_OUT"

tm_case "offline, the vendors' records bundled in the rules: 13 lookups, not ready"
with_records "$TM_TMP/vendors.json" \
    spf.protection.outlook.com="$TM_ZONES/protection.outlook.com.zone" \
    _spf.google.com="$TM_ZONES/google.com.zone" \
    _netblocks.google.com="$TM_ZONES/google.com.zone" \
    _netblocks2.google.com="$TM_ZONES/google.com.zone" \
    _netblocks3.google.com="$TM_ZONES/google.com.zone" \
    _spf.salesforce.com="$TM_ZONES/salesforce.com.zone" \
    _spfa.salesforce.com="$TM_ZONES/salesforce.com.zone" \
    _spfb.salesforce.com="$TM_ZONES/salesforce.com.zone" \
    sendgrid.net="$TM_ZONES/sendgrid.net.zone"
tm_run_raw --offline --format json --rules "$TM_TMP/vendors.json" \
    --zone "$TM_ZONES/spf-vendors.example.zone" spf-vendors.example
expect_exit 1
expect_check spf.lookups fail

tm_finish
