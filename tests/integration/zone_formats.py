#!/usr/bin/env python3
"""zone_formats.py - the three --zone formats give the same findings.

Every scenario of the fix-closure suite (fix_closure.scenarios: every zone
of tests/zones, examples and bench/zones, with the options each needs, and
each zone alone as a CI job checks it) is run three times offline: with
its BIND zone files, with the same zones converted to octoDNS YAML, and
converted to DNSControl print-ir JSON (tests/tools/zone_convert.py).  The
findings must be identical: id, status, summary, detail, fix and
fix_records of every check, the records of the report, and the exit status.
Every finding that concerns a record must also carry a source location
into the file of its own format.

Usage: zone_formats.py BINARY SOURCE_DIR ZONE_DUMP
Exit status 0 when every scenario agrees, 1 otherwise, 2 on an environment
problem.  Prints one line per disagreement and the counts.
"""

import concurrent.futures
import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fix_closure  # noqa: E402  (the scenarios)

FIELDS = ("id", "status", "summary", "detail", "fix", "fix_records")


def run(binary, zones, domain, options, zone_format):
    args = [binary, "--offline", "--format", "json", "--color", "never",
            "--zone-format", zone_format]
    for z in zones:
        args += ["--zone", z]
    args += list(options) + [domain]
    r = subprocess.run(args, capture_output=True, text=True, env=fix_closure.clean_env())
    if r.returncode not in (0, 1, 3):
        return r.returncode, None, r.stderr.strip()
    return r.returncode, json.loads(r.stdout)["results"][0], ""


def main(argv):
    if len(argv) != 4:
        print(__doc__, file=sys.stderr)
        return 2
    binary, source, dump = argv[1:4]
    convert = os.path.join(source, "tests/tools/zone_convert.py")
    work = tempfile.mkdtemp(prefix="tm-formats-")
    converted, unconvertible = {}, {}
    scenarios = fix_closure.scenarios(source)
    zones = []
    for sc in scenarios:
        zones += [z for z in sc.zones if z not in zones]

    def convert_one(k):
        z = zones[k]
        origin = fix_closure.zone_origin(z)
        out = os.path.join(work, str(k))
        os.makedirs(out)
        # the split layout for every third zone, so both are read
        split = ["--split"] if k % 3 == 2 else []
        r = subprocess.run([sys.executable, convert, dump, origin, z, out] + split,
                           capture_output=True, text=True)
        return z, r, os.path.join(out, origin + ("." if split else ".yaml")), \
            os.path.join(out, origin + ".json")

    # Two conversions at a time, as the runs below.
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        for z, r, yaml, ir in pool.map(convert_one, range(len(zones))):
            if r.returncode == 3:
                unconvertible[z] = r.stderr.strip()
            elif r.returncode != 0:
                print("zone_formats: cannot convert %s: %s" % (z, r.stderr), file=sys.stderr)
                return 2
            else:
                converted[z] = (yaml, ir)

    def one(sc):
        if any(z in unconvertible for z in sc.zones):
            return sc, None, None, None
        base = run(binary, sc.zones, sc.domain, sc.options, "bind")
        octo = run(binary, [converted[z][0] for z in sc.zones], sc.domain, sc.options, "octodns")
        dnsc = run(binary, [converted[z][1] for z in sc.zones], sc.domain, sc.options,
                   "dnscontrol")
        return sc, base, octo, dnsc

    problems, compared, skipped = [], 0, 0
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        for sc, base, octo, dnsc in pool.map(one, scenarios):
            if base is None:
                skipped += 1
                continue
            compared += 1
            for name, other in (("octodns", octo), ("dnscontrol", dnsc)):
                where = "%s [%s]" % (sc.label(), name)
                if other[1] is None or base[1] is None:
                    problems.append("%s: exit %d/%d: %s%s" % (where, base[0], other[0],
                                                              base[2], other[2]))
                    continue
                if base[0] != other[0]:
                    problems.append("%s: exit status %d, the zone file gives %d"
                                    % (where, other[0], base[0]))
                b = {c["id"]: c for c in base[1]["checks"]}
                o = {c["id"]: c for c in other[1]["checks"]}
                if list(b) != list(o):
                    problems.append("%s: checks %s, the zone file gives %s" % (where, list(o), list(b)))
                for cid in b:
                    for field in FIELDS:
                        if cid in o and b[cid].get(field) != o[cid].get(field):
                            problems.append("%s: %s %s is %r, the zone file gives %r"
                                            % (where, cid, field, o[cid].get(field),
                                               b[cid].get(field)))
                    # a located finding stays located, in the file of its format
                    if cid in o and ("source" in b[cid]) != ("source" in o[cid]):
                        problems.append("%s: %s has source %r, the zone file %r"
                                        % (where, cid, o[cid].get("source"), b[cid].get("source")))
                if base[1].get("records") != other[1].get("records"):
                    problems.append("%s: records differ" % where)
    for p in problems:
        print("FAIL " + p)
    for z, why in sorted(unconvertible.items()):
        print("SKIP %s: %s" % (os.path.relpath(z, source), why))
    print("zone_formats: %d scenarios compared in 3 formats, %d skipped (unconvertible zone), "
          "%d problems" % (compared, skipped, len(problems)))
    return 1 if problems or compared == 0 else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
