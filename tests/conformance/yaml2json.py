#!/usr/bin/env python3
"""Convert the openspf RFC 7208 test suite (YAML) into the JSON the C harness
test_rfc7208 reads, then optionally run the harness on it.

The conversion applies the driver rules of the suite (the comments at the
top of rfc7208-tests.yml):

* names are looked up case-insensitively without a trailing dot, so zone
  names are written lower-case without it;
* a record of type SPF is copied into a TXT record, unless the name has an
  explicit TXT item or a "TXT: NONE" marker (RFC 7208 checkers ask only for
  TXT);
* "NONE" markers add no record;
* a bare TIMEOUT item: queries are answered from the items listed before it,
  and a query for a type with no item before it times out ("timeout": true);
* a record given as a list of strings is one record of several strings.

Every string is written byte-safe: the suite's \\xNN escapes become code
points U+0000-U+00FF, which are turned back into those bytes; any byte
outside printable ASCII, and the backslash itself, is written as the four
characters \\xNN, which the harness decodes.  The output is deterministic
(keys sorted, file order kept for scenarios, tests and records).

The suite is read from Debian's python3-spf
(/usr/share/doc/python3-spf/rfc7208-tests.yml.gz, gzip or plain YAML);
TM_RFC7208_TESTS or --yaml names another copy.  A missing suite or PyYAML
is a failure with a message (exit status 1), never a skip: a conformance
test that silently does not run proves nothing.
"""

import argparse
import gzip
import json
import os
import shlex
import subprocess
import sys

DEFAULT_SUITE = "/usr/share/doc/python3-spf/rfc7208-tests.yml.gz"


def to_bytes(value):
    """The bytes a YAML string stands for (code points <= 0xFF are bytes)."""
    if not isinstance(value, str):
        value = str(value)
    out = bytearray()
    for ch in value:
        cp = ord(ch)
        if cp <= 0xFF:
            out.append(cp)
        else:
            out.extend(ch.encode("utf-8"))
    return bytes(out)


def enc(value):
    """A JSON-safe text form of the bytes of value (see the module doc)."""
    parts = []
    for b in to_bytes(value):
        if 0x20 <= b <= 0x7E and b != 0x5C:
            parts.append(chr(b))
        else:
            parts.append("\\x%02x" % b)
    return "".join(parts)


def zone_name(name):
    return enc(to_bytes(name).lower().rstrip(b".").decode("latin-1"))


def convert_zone(zonedata):
    zone = {}
    for name, items in zonedata.items():
        entry = {}
        txt, spf = [], []
        txt_item = False
        for item in items or []:
            if item == "TIMEOUT":
                entry["timeout"] = True
                break  # later items are never answered
            if not isinstance(item, dict) or len(item) != 1:
                raise ValueError("unexpected zone item %r at %s" % (item, name))
            (rtype, value), = item.items()
            if rtype in ("TXT", "SPF"):
                if rtype == "TXT":
                    txt_item = True
                if value == "NONE":
                    continue
                strings = value if isinstance(value, list) else [value]
                (txt if rtype == "TXT" else spf).append([enc(s) for s in strings])
            elif rtype in ("A", "AAAA", "PTR"):
                entry.setdefault(rtype, []).append(enc(value))
            elif rtype == "MX":
                pref, host = value
                entry.setdefault("MX", []).append([int(pref), enc(host)])
            elif rtype == "CNAME":
                entry["CNAME"] = enc(value)
            else:
                raise ValueError("unexpected record type %r at %s" % (rtype, name))
        # The SPF-to-TXT copying rule of the suite's header.
        records = txt if txt_item else spf
        if records:
            entry["TXT"] = records
        key = zone_name(name)
        if key in zone:
            raise ValueError("duplicate zone name %s" % name)
        zone[key] = entry
    return zone


def convert(docs):
    scenarios = []
    ntests = 0
    for doc in docs:
        if not doc:
            continue
        tests = []
        for tname, t in doc["tests"].items():
            result = t["result"]
            results = result if isinstance(result, list) else [result]
            test = {
                "name": tname,
                "helo": enc(t.get("helo", "")),
                "host": enc(t["host"]),
                "mailfrom": enc(t.get("mailfrom", "")),
                "result": [str(r) for r in results],
            }
            if "explanation" in t:
                test["explanation"] = enc(t["explanation"])
            tests.append(test)
        ntests += len(tests)
        scenarios.append({
            "description": enc(doc.get("description", "")),
            "zone": convert_zone(doc.get("zonedata") or {}),
            "tests": tests,
        })
    return {"scenarios": scenarios, "tests": ntests}


def load_suite(path):
    """(the converted suite, None), or (None, why it cannot be read)."""
    if not path or not os.path.isfile(path):
        return None, ("the RFC 7208 test suite was not found at %s: install python3-spf "
                      "(scripts/bootstrap.sh does) or set TM_RFC7208_TESTS to a copy of "
                      "rfc7208-tests.yml" % (path or "(no path given)"))
    try:
        import yaml
    except ImportError:
        return None, "python3-yaml (PyYAML) is not installed (scripts/bootstrap.sh installs it)"
    opener = gzip.open if path.endswith(".gz") else open
    try:
        with opener(path, "rb") as f:
            docs = list(yaml.safe_load_all(f))
        return convert(docs), None
    except (OSError, ValueError, yaml.YAMLError) as e:
        return None, "%s: cannot read the suite: %s" % (path, e)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--yaml", default=DEFAULT_SUITE,
                    help="the suite (env TM_RFC7208_TESTS overrides)")
    ap.add_argument("--out", required=True, help="the JSON file to write")
    ap.add_argument("--run", help="the harness to run on the JSON afterwards")
    args = ap.parse_args()

    path = os.environ.get("TM_RFC7208_TESTS") or args.yaml
    data, why = load_suite(path)
    if data is None:
        print("FAIL setup: %s" % why)
        return 1
    tmp = args.out + ".tmp"
    with open(tmp, "w", encoding="ascii") as f:
        json.dump(data, f, indent=1, sort_keys=True)
        f.write("\n")
    os.replace(tmp, args.out)
    if not args.run:
        print("%d scenarios, %d tests written to %s" % (len(data["scenarios"]), data["tests"], args.out))
        return 0
    sys.stdout.flush()
    # TM_WRAPPER (scripts/test.sh: valgrind) goes in front of the harness,
    # so that a memory error in the evaluator fails this test.
    wrapper = shlex.split(os.environ.get("TM_WRAPPER", ""))
    rc = subprocess.call(wrapper + [args.run, args.out])
    if wrapper and rc == int(os.environ.get("TM_WRAPPER_RC", "97")):
        print("FAIL the wrapper reported errors: %s" % " ".join(wrapper))
    return rc


if __name__ == "__main__":
    sys.exit(main())
