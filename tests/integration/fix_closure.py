#!/usr/bin/env python3
"""fix_closure.py - every Fix fixes (docs/json.md, fix_records).

For every scenario zone the tests use (tests/zones, examples, bench/zones),
run tmems-check offline (with the options a scenario needs, and once with its zone file alone, as a
CI job runs it); for every
finding with fix_records, paste its lines into a copy of the zone the way
docs/json.md says (they replace whole RRsets: same owner and type, and for
TXT only the records of the same kind: an SPF line the owner's v=spf1
records, a tmes= line its tokens), check the copy with named-checkzone, run
again and require:

 (a) FIXED: the finding now passes, or is info where info is the best its
     check ever gives (INFO_BEST);
 (b) NOTHING WORSE: no other check got worse, where the order is
     pass = info = skip (0) < warn (1) < fail = error (2);
 (c) NO SENDER LOST: every address the old SPF tree authorised (check_host
     result pass) is still authorised, except the addresses that only a term
     the finding names as wrong authorises.  The addresses tested: the first
     and last address of every ip4:/ip6: network of the old tree (JSON
     spf.tree), the addresses its a and mx terms resolve to in the zone
     files (with their CIDR length: the first and last of that network), and
     the first and last address of every data-center range, each with
     `tmems-check spf --offline --zone ... --ip ADDR`; and all 512
     data-center addresses through the report's own "ranges" (the same
     check_host, sender postmaster@domain), cross-checked against the spf
     subcommand at every range boundary.  exists and ptr terms authorise
     addresses that cannot be listed from the tree: they are not tested.
     A term is "named as wrong" when its text (or its target) appears in the
     finding's summary, in a detail line "  <domain>: <term>", or in a line
     of its fix that is not a fix record (except a line "<term> = <terms>":
     the term flattened into the same addresses is not wrong).

It also checks that no passing finding carries a Fix record.

Usage: fix_closure.py BINARY SOURCE_DIR [--self-test] [-v]
Exit status 0 when every pair holds, 1 when some do not, 2 on a usage or
environment problem.  Prints one line per (scenario, finding) pair and the
counts.
"""

import concurrent.futures
import hashlib
import ipaddress
import json
import os
import re
import subprocess
import sys
import tempfile
import threading

RANK = {"pass": 0, "info": 0, "skip": 0, "warn": 1, "fail": 2, "error": 2}
# Checks whose best status is info (they never pass): a Fix for them is
# done when they are info.
INFO_BEST = {"inbound.firewall"}
# Zones of names outside the customer's zone: loaded with every scenario of
# their directory, never a scenario themselves (tests/zones/README.md).
STAND_INS = {"tmems-jp.trendmicro.com", "tmes.trendmicro.com",
             "protection.outlook.com", "google.com", "salesforce.com", "sendgrid.net",
             "example"}
VALID_TOKEN = "Q2hlY2tUaGVGaXhDbG9zdXJlMDEyMzQ1"
OTHER_TOKEN = "ZmVkY2JhOTg3NjU0MzIxMGZlZGNiYTk4"

# The options a scenario needs beside the default run: the token to
# publish, the company for the MX, the phase, outbound protection off.
VARIANTS = {
    "notoken.example": [["--token", VALID_TOKEN]],
    "mxproof.example": [["--token", VALID_TOKEN]],
    "shorttoken.example": [["--token", VALID_TOKEN]],
    "twotokens.example": [["--token", VALID_TOKEN]],
    "ready.example": [["--token", OTHER_TOKEN]],
    "nosuch-company.example": [["--company", "acme"]],
    "before.example": [["--company", "acme"], ["--phase", "post", "--company", "acme"]],
    "m365.example": [["--company", "acme"]],
    "nomx.example": [["--company", "acme"]],
    "acme-corp.example": [["--company", "acme-corp"], ["--phase", "post"]],
}


# Pairs whose Fix is known to break the closure, in checks owned elsewhere:
# reported as XFAIL (and as a failure once they pass, so the entry goes).
# Keyed by the scenario's label and the check.
KNOWN_BROKEN = {}


def log(*args):
    print(*args, flush=True)


# ---- zone files ---------------------------------------------------------------

def zone_origin(path):
    name = os.path.basename(path)
    return name[:-len(".zone")] if name.endswith(".zone") else name


def canonical(path, origin, workdir):
    """named-checkzone -D: one record per line, absolute names."""
    # one file per thread: two scenarios may read the same zone at once
    out = os.path.join(workdir, "canon-%s-%d-%d" % (origin, abs(hash(path)) % 100000,
                                                    threading.get_ident()))
    r = subprocess.run(["named-checkzone", "-q", "-D", "-o", out, origin, path],
                       capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError("named-checkzone rejects %s: %s" % (path, r.stdout + r.stderr))
    with open(out, encoding="utf-8", errors="surrogateescape") as f:
        return [line.rstrip("\n") for line in f if line.strip() and not line.startswith(";")]


def split_rr(line):
    """owner, ttl, class, type, rdata of a zone line with absolute owner."""
    parts = line.split(None, 4)
    if len(parts) < 5 or parts[2].upper() != "IN":
        raise ValueError("not a full zone line: %r" % line)
    return parts[0].lower(), parts[1], parts[2], parts[3].upper(), parts[4]


def txt_strings(rdata):
    """The character-strings of TXT rdata in zone-file syntax."""
    out, i, n = [], 0, len(rdata)
    while i < n:
        if rdata[i].isspace():
            i += 1
            continue
        buf = bytearray()
        if rdata[i] == '"':
            i += 1
            while i < n and rdata[i] != '"':
                if rdata[i] == "\\" and i + 1 < n:
                    if rdata[i + 1:i + 4].isdigit() and len(rdata[i + 1:i + 4]) == 3:
                        buf.append(int(rdata[i + 1:i + 4]))
                        i += 4
                        continue
                    i += 1
                buf += rdata[i].encode("utf-8", "surrogateescape")
                i += 1
            if i >= n:
                raise ValueError("unterminated string in %r" % rdata)
            i += 1
        else:
            while i < n and not rdata[i].isspace():
                buf += rdata[i].encode("utf-8", "surrogateescape")
                i += 1
        out.append(bytes(buf))
    return out


def txt_kind(rdata):
    """spf, token or other: which TXT records a fix line replaces."""
    joined = b"".join(txt_strings(rdata))
    low = joined.lower()
    if low == b"v=spf1" or low.startswith(b"v=spf1 "):
        return "spf"
    if low.lstrip(b" \"'\t").startswith(b"tmes="):
        return "token"
    return "other"


def rr_key(line):
    owner, _, _, rtype, rdata = split_rr(line)
    kind = txt_kind(rdata) if rtype == "TXT" else ""
    return owner, rtype, kind


def patch_zone(lines, fix_lines):
    """The zone with the RRsets the fix lines name replaced by them."""
    keys = {rr_key(line) for line in fix_lines}
    kept = [line for line in lines if rr_key(line) not in keys]
    return kept + list(fix_lines)


def zone_records(lines):
    """(name, type) -> [rdata] for resolving a and mx terms."""
    recs = {}
    for line in lines:
        owner, _, _, rtype, rdata = split_rr(line)
        recs.setdefault((owner.rstrip("."), rtype), []).append(rdata.strip())
    return recs


# ---- running the tool --------------------------------------------------------------

class Tool:
    def __init__(self, binary):
        self.binary = binary
        self.spf_cache = {}
        self.runs = 0

    def report(self, zones, domain, options):
        args = [self.binary, "--offline", "--format", "json", "--color", "never"]
        for z in zones:
            args += ["--zone", z]
        args += list(options) + [domain]
        self.runs += 1
        r = subprocess.run(args, capture_output=True, text=True, env=clean_env())
        if r.returncode not in (0, 1, 3):
            raise RuntimeError("%s exited %d: %s" % (" ".join(args), r.returncode, r.stderr))
        return json.loads(r.stdout)["results"][0]

    def spf_many(self, zones, domain, addrs):
        """Fills the cache for many addresses: one run of the spf subcommand
        with an --ip for each (JSON Lines, one result a line, in order)."""
        missing = sorted({a for a in addrs if (tuple(zones), domain, a) not in self.spf_cache})
        if not missing:
            return
        args = [self.binary, "spf", "--offline", "--format", "jsonl"]
        for z in zones:
            args += ["--zone", z]
        args.append(domain)
        for a in missing:
            args += ["--ip", a]
        self.runs += 1
        r = subprocess.run(args, capture_output=True, text=True, env=clean_env())
        if r.returncode != 0:
            raise RuntimeError("%s exited %d: %s" % (" ".join(args), r.returncode, r.stderr))
        lines = r.stdout.splitlines()
        if len(lines) != len(missing):
            raise RuntimeError("%s: %d results for %d addresses"
                               % (" ".join(args[:6]), len(lines), len(missing)))
        for a, line in zip(missing, lines):
            doc = json.loads(line)
            if doc["ip"] != a:
                raise RuntimeError("result for %s where %s was asked" % (doc["ip"], a))
            self.spf_cache[(tuple(zones), domain, a)] = doc["result"]

    def spf(self, zones, domain, addr):
        key = (tuple(zones), domain, addr)
        if key not in self.spf_cache:
            self.spf_many(zones, domain, [addr])
        return self.spf_cache[key]


def clean_env():
    env = {k: v for k, v in os.environ.items() if k not in ("LANGUAGE", "NO_COLOR")}
    env["LC_ALL"] = env["LANG"] = "C.UTF-8"
    return env


# ---- the addresses an SPF tree authorises ----------------------------------------------

def network_bounds(net):
    return [str(net.network_address), str(net.broadcast_address)]


def term_cidr(text):
    """The dual-cidr-length of an a or mx term: (v4, v6) prefix lengths."""
    m = re.search(r"(?:/(\d+))?(?://(\d+))?$", text)
    v4 = int(m.group(1)) if m and m.group(1) else 32
    v6 = int(m.group(2)) if m and m.group(2) else 128
    return v4, v6


def host_networks(recs, host, v4, v6):
    nets = []
    for rtype, plen in (("A", v4), ("AAAA", v6)):
        for rdata in recs.get((host.lower(), rtype), []):
            nets.append(ipaddress.ip_network("%s/%d" % (rdata, plen), strict=False))
    return nets


def tree_candidates(node, recs, path=(), out=None):
    """address -> list of term paths (top-level term first) that name it."""
    if out is None:
        out = {}
    if not node:
        return out
    for t in node.get("terms") or []:
        text = t["term"]
        here = path + (t,)
        body = text.lstrip("+-~?")
        name = body.split(":", 1)[0].split("/", 1)[0].lower()
        nets = []
        if name in ("ip4", "ip6"):
            try:
                nets.append(ipaddress.ip_network(body.split(":", 1)[1], strict=False))
            except ValueError:
                pass
        elif name in ("a", "mx") and t.get("target"):
            v4, v6 = term_cidr(body)
            if name == "a":
                nets += host_networks(recs, t["target"], v4, v6)
            else:
                for rdata in recs.get((t["target"].lower(), "MX"), []):
                    host = rdata.split()[-1].rstrip(".")
                    nets += host_networks(recs, host, v4, v6)
        for net in nets:
            for addr in set(network_bounds(net)):
                out.setdefault(addr, []).append(here)
        if t.get("child"):
            tree_candidates(t["child"], recs, here, out)
    return out


def range_results(result):
    """Every data-center address -> its check_host result, from the report."""
    res = {}
    for rng in result.get("ranges") or []:
        for part in rng.get("parts") or []:
            for addr in ipaddress.ip_network(part["cidr"]):
                res[str(addr)] = part["result"]
    return res


# ---- what a finding names as wrong ---------------------------------------------------------

def named_tokens(finding):
    tokens = set()
    lines = [finding.get("summary") or ""]
    for line in (finding.get("detail") or "").split("\n"):
        m = re.match(r"^\s*\S+: (\S+)$", line)
        if m:
            lines.append(m.group(1))
    records = set(finding.get("fix_records") or [])
    for line in (finding.get("fix") or "").split("\n"):
        # "TERM = ip4:... ip6:...": the term replaced by the same addresses
        # (the SPF remedy's flattening) names nothing as wrong.
        if line.strip() not in records and " = " not in line:
            lines.append(line)
    for line in lines:
        for tok in line.split():
            tokens.add(tok.strip("\"'.,;:()"))
    return tokens


def term_named(term, tokens):
    if term["term"] in tokens or term["term"].lstrip("+") in tokens:
        return True
    target = term.get("target")
    return bool(target) and target in tokens


# ---- one scenario --------------------------------------------------------------------------

class Scenario:
    def __init__(self, name, zones, zone, domain, options):
        self.name = name          # for messages
        self.zones = zones        # every zone file of the run
        self.zone = zone          # the scenario's own zone file
        self.domain = domain
        self.options = options

    def label(self):
        alone = ["(its zone alone)"] if self.zones == [self.zone] else []
        return " ".join([self.domain] + self.options + alone)


class Closure:
    def __init__(self, tool, source_dir, workdir, verbose=False):
        self.tool = tool
        self.source_dir = source_dir
        self.workdir = workdir
        self.verbose = verbose
        self.canon = {}
        self.known = 0
        rules = json.load(open(os.path.join(source_dir, "data/rules/jp.json")))
        self.dc_ranges = [ipaddress.ip_network(r["cidr"]) for r in rules["ranges"]]

    def canonical(self, path):
        if path not in self.canon:
            self.canon[path] = canonical(path, zone_origin(path), self.workdir)
        return self.canon[path]

    def records(self, zones, override=None):
        lines = []
        for z in zones:
            lines += override if (override is not None and z == "__patched__") else self.canonical(z)
        return zone_records(lines)

    def sender_problems(self, sc, old, new, new_zones, finding):
        """(c): the old tree's authorised addresses, checked in the new zones."""
        problems = []
        spf = old.get("spf") or {}
        recs = zone_records(sum((self.canonical(z) for z in sc.zones), []))
        cands = tree_candidates(spf.get("tree"), recs)
        for net in self.dc_ranges:
            for addr in network_bounds(net):
                cands.setdefault(addr, [])
        tokens = named_tokens(finding)
        old_ranges, new_ranges = range_results(old), range_results(new)
        addrs = sorted(cands)
        self.tool.spf_many(sc.zones, sc.domain, addrs)
        todo = []
        for addr in addrs:
            before = self.tool.spf(sc.zones, sc.domain, addr)
            if addr in old_ranges and old_ranges[addr] != before:
                problems.append("the report's ranges give %s %s, check_host gives %s"
                                % (addr, old_ranges[addr], before))
            # A data-center address is checked below through the ranges,
            # which the line above has just cross-checked.
            if before == "pass" and addr not in new_ranges:
                todo.append(addr)
        self.tool.spf_many(new_zones, sc.domain, todo)
        for addr in todo:
            paths = cands[addr]
            if paths and all(any(term_named(t, tokens) for t in p) for p in paths):
                continue  # only terms the finding names as wrong authorise it
            after = self.tool.spf(new_zones, sc.domain, addr)
            if after != "pass":
                via = ", ".join(" > ".join(t["term"] for t in p) for p in paths) or "a data-center range"
                problems.append("%s passed (%s) and now gets %s" % (addr, via, after))
        lost = [(addr, new_ranges.get(addr)) for addr, before in sorted(old_ranges.items())
                if before == "pass" and new_ranges.get(addr) != "pass"]
        if lost:
            problems.append("%d data-center addresses passed and now do not, e.g. %s"
                            % (len(lost), ", ".join("%s %s" % x for x in lost[:3])))
        return problems

    def check_pair(self, sc, old, finding, fix_lines):
        """The problems of one Fix (empty when it is a fix)."""
        fid = finding["id"]
        if RANK.get(finding["status"], 2) == 0 and finding["status"] != "info":
            return ["a %s finding carries a Fix record" % finding["status"]]
        try:
            keys = [rr_key(line) for line in fix_lines]
        except ValueError as e:
            return ["a fix record is not a full zone line: %s" % e]
        origin = zone_origin(sc.zone)
        for owner, rtype, kind in keys:
            if not (owner == origin + "." or owner.endswith("." + origin + ".")):
                return ["the fix record's owner %s is outside the zone %s" % (owner, origin)]
            if rtype == "TXT" and kind == "other":
                return ["a TXT fix record that is neither SPF nor a token: %s" % owner]
        patched = patch_zone(self.canonical(sc.zone), fix_lines)
        content = "$ORIGIN %s.\n%s\n" % (origin, "\n".join(patched))
        # Named by its content: the same Fix in another variant of the
        # scenario reuses the check_host results of the same zones.
        digest = hashlib.sha256(content.encode("utf-8", "surrogateescape")).hexdigest()[:16]
        path = os.path.join(self.workdir, "%s.%s.zone" % (origin, digest))
        if not os.path.exists(path):
            # written whole under another name, then renamed: another
            # scenario may be reading the same Fix's zone
            part = "%s.%d" % (path, threading.get_ident())
            with open(part, "w", encoding="utf-8", errors="surrogateescape") as f:
                f.write(content)
            os.replace(part, path)
        r = subprocess.run(["named-checkzone", origin, path], capture_output=True, text=True)
        if r.returncode != 0:
            return ["named-checkzone rejects the pasted lines: %s"
                    % (r.stdout + r.stderr).strip().replace("\n", " | ")]
        new_zones = [path if z == sc.zone else z for z in sc.zones]
        self.canon.pop(path, None)
        new = self.tool.report(new_zones, sc.domain, sc.options)
        problems = []
        after = {c["id"]: c["status"] for c in new["checks"]}
        now = after.get(fid)
        summary = {c["id"]: c["summary"] for c in new["checks"]}.get(fid, "")
        # With its zone file alone, a Fix that names a host of another zone
        # (the TMEmS inbound host) leaves the check unable to judge offline:
        # skip is all it can be there.  The run with every zone requires pass.
        offline_unknown = (sc.zones == [sc.zone] and now == "skip"
                           and summary.startswith("Offline"))
        if not (now == "pass" or (now == "info" and fid in INFO_BEST) or offline_unknown):
            problems.append("not fixed: %s is %s after the fix" % (fid, now))
        for c in old["checks"]:
            if c["id"] == fid:
                continue
            was, is_ = c["status"], after.get(c["id"], "absent")
            if RANK.get(is_, 2) > RANK.get(was, 2):
                problems.append("%s got worse: %s -> %s" % (c["id"], was, is_))
        problems += self.sender_problems(sc, old, new, new_zones, finding)
        self.canon.pop(path, None)
        return problems

    def scenario_pairs(self, sc):
        """[(finding, problems)] for every finding of sc with fix_records."""
        old = self.tool.report(sc.zones, sc.domain, sc.options)
        return [(finding, self.check_pair(sc, old, finding, finding["fix_records"]))
                for finding in old["checks"] if finding.get("fix_records")]

    def run(self, scenarios):
        pairs = failed = 0
        failures = []
        # Two scenarios at a time (each waits on its tool runs); the lines
        # come out in the scenarios' order.
        with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
            for sc, checked in zip(scenarios, pool.map(self.scenario_pairs, scenarios)):
                for finding, problems in checked:
                    pairs += 1
                    known = KNOWN_BROKEN.get((sc.label(), finding["id"]))
                    state = ("ok  " if not problems else "FAIL") if not known else \
                            ("XFAIL" if problems else "XPASS")
                    log("%s %s: %s (%s)" % (state, sc.label(), finding["id"], finding["status"]))
                    for p in problems:
                        log("       " + p)
                    if known and problems:
                        log("       known: " + known)
                        self.known += 1
                    elif problems or known:
                        failed += 1
                        failures.append("%s: %s%s" % (sc.label(), finding["id"],
                                                      " (in KNOWN_BROKEN but fixed: remove it)"
                                                      if known else ""))
        return pairs, failed, failures


# ---- the scenarios ----------------------------------------------------------------------------

def scenarios(source_dir):
    sets = []
    tests = sorted(os.path.join(source_dir, "tests/zones", f)
                   for f in os.listdir(os.path.join(source_dir, "tests/zones")) if f.endswith(".zone"))
    sets.append(tests)
    vendor = [z for z in tests if zone_origin(z) in STAND_INS and zone_origin(z) != "example"]
    ex_dir = os.path.join(source_dir, "examples")
    for f in sorted(os.listdir(ex_dir)):
        if f.endswith(".zone"):
            sets.append([os.path.join(ex_dir, f)] + vendor)
    bench_dir = os.path.join(source_dir, "bench/zones")
    if os.path.isdir(bench_dir):
        sets.append(sorted(os.path.join(bench_dir, f) for f in os.listdir(bench_dir)
                           if f.endswith(".zone")))
    out = []
    for zones in sets:
        for z in zones:
            origin = zone_origin(z)
            if origin in STAND_INS or not origin.endswith(".example"):
                continue
            for options in [[]] + VARIANTS.get(origin, []) + [["--no-outbound"]]:
                out.append(Scenario(origin, zones, z, origin, options))
            # As a CI job checks a zone: that file only, the rest offline
            # unknown (or known from the bundled rules).
            out.append(Scenario(origin, [z], z, origin, []))
    return out


# ---- the self-test: a broken Fix must be caught -------------------------------------------------

def self_test(closure, source_dir):
    """Each deliberately broken Fix must give a problem of the expected kind."""
    zones = sorted(os.path.join(source_dir, "tests/zones", f)
                   for f in os.listdir(os.path.join(source_dir, "tests/zones")) if f.endswith(".zone"))
    zone_of = {zone_origin(z): z for z in zones}

    def sc(domain, options=()):
        return Scenario(domain, zones, zone_of[domain], domain, list(options))

    site = "spf.tmems-jp.trendmicro.com"
    cases = [
        # (scenario, finding id, broken lines, expected problem)
        (sc("spf-split.example"), "spf.all",
         ['spf-split.example. 3600 IN TXT "v=spf1 include:%s ~all"' % site],
         "now gets"),                    # drops the customer's ip4:203.0.113.110
        (sc("spf-plusall.example"), "spf.all",
         ['spf-plusall.example. 3600 IN TXT "v=spf1 include:%s +all"' % site],
         "not fixed"),                   # still +all
        (sc("spf-plusall.example"), "spf.all",
         ['spf-plusall.example. 3600 IN TXT "v=spf1 ~all"'],
         "spf.include got worse"),       # the include is gone
        (sc("spf-void.example"), "spf.void_lookups",
         ['spf-void.example. 3600 IN TXT "v=spf1 include:%s %s~all"' % (site, "a" * 250)],
         "named-checkzone rejects"),     # one string of more than 255 bytes
        (sc("spf-late.example"), "spf.tmems_ranges",
         ['spf-late.example. 3600 IN TXT "v=spf1 include:%s a:gw1.spf-late.example '
          'a:gw2.spf-late.example a:gw3.spf-late.example a:gw4.spf-late.example '
          'a:gw5.spf-late.example a:gw6.spf-late.example" " a:gw7.spf-late.example '
          'a:gw8.spf-late.example a:gw9.spf-late.example a:gw10.spf-late.example ~all"' % site],
         "203.0.113.10 passed"),         # the old Fix: gw10 becomes the 11th lookup
        # A _spfN chain is new RRsets: without them the apex includes a
        # name that does not exist.
        (sc("spf-chain.example"), "spf.lookups",
         ['spf-chain.example. 3600 IN TXT "v=spf1 include:%s include:spf.protection.outlook.com '
          'include:_spf1.spf-chain.example include:_spf.sapporo.spf-chain.example ~all"' % site],
         "spf.include_target got worse"),
        (sc("ready.example", ["--token", OTHER_TOKEN]), "token.match",
         ['ready.example. 3600 IN TXT "tmes=%s"' % VALID_TOKEN],
         "not fixed"),                   # publishes another token than the one given
    ]
    bad = 0
    for scen, fid, lines, expected in cases:
        old = closure.tool.report(scen.zones, scen.domain, scen.options)
        finding = next((c for c in old["checks"] if c["id"] == fid), None)
        if finding is None:
            log("SELF-TEST FAIL %s: no finding %s" % (scen.label(), fid))
            bad += 1
            continue
        finding = dict(finding, status="fail" if finding["status"] == "pass" else finding["status"])
        problems = closure.check_pair(scen, old, finding, lines)
        hit = any(expected in p for p in problems)
        log("%s self-test %s: %s -> %s" % ("ok  " if hit else "FAIL", scen.label(), fid,
                                           "; ".join(problems) or "no problem found"))
        bad += not hit
    # A Fix that really fixes gives no problem (the suite can pass).
    scen = sc("spf-plusall.example")
    old = closure.tool.report(scen.zones, scen.domain, scen.options)
    finding = next(c for c in old["checks"] if c["id"] == "spf.all")
    problems = closure.check_pair(scen, old, finding,
                                  ['spf-plusall.example. 3600 IN TXT "v=spf1 include:%s -all"' % site])
    log("%s self-test a real fix passes: %s" % ("ok  " if not problems else "FAIL",
                                                 "; ".join(problems) or "no problem"))
    bad += bool(problems)
    return bad


def main(argv):
    args = [a for a in argv[1:] if not a.startswith("-")]
    if len(args) != 2:
        print(__doc__.split("\n\n")[-2], file=sys.stderr)
        return 2
    binary, source_dir = args
    with tempfile.TemporaryDirectory(prefix="fix-closure.") as workdir:
        closure = Closure(Tool(binary), source_dir, workdir, "-v" in argv)
        if "--self-test" in argv:
            bad = self_test(closure, source_dir)
            log("self-test: %s (%d tool runs)" % ("every broken Fix detected" if not bad
                                                   else "%d cases missed" % bad, closure.tool.runs))
            return 1 if bad else 0
        scs = scenarios(source_dir)
        pairs, failed, failures = closure.run(scs)
        log("fix closure: %d scenarios, %d (scenario, finding) pairs checked, %d failed, "
            "%d known broken elsewhere (%d tool runs)"
            % (len(scs), pairs, failed, closure.known, closure.tool.runs))
        for f in failures:
            log("  failed: " + f)
        if pairs == 0:
            log("fix closure: no pair checked: the suite would prove nothing")
            return 1
        return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
