#!/usr/bin/env python3
"""zone_convert.py - a BIND zone file as the two DNS-as-code inputs that
tmems-check reads besides zone files (docs/ci.md): octoDNS YAML (the
YamlProvider's ZONE.yaml, or with --split its ZONE./ directory) and the JSON
of `dnscontrol print-ir`.

The records come from the zone as tmems-check loads it (tests/zone_dump:
owner, TTL, type and wire RDATA), so the three inputs hold the same records;
only the SOA is left out, as octoDNS and DNSControl manage it themselves.
Each output varies the spellings the formats allow, so that the readers
meet all of them: the apex as '' or as the complex key "? ''", one record or
a list, value or values, MX as {preference, exchange} or the older
{priority, value}, TXT values with ';' escaped as "\\;" or as quoted chunks,
filepos as "[line:L:C]" or "dnsconfig.js:L:C", TXT text in target or in
txtstrings.  Which spelling a zone gets depends on a hash of its origin.

Usage: zone_convert.py ZONE_DUMP ORIGIN ZONE_FILE OUT_DIR [--split]
Writes OUT_DIR/ORIGIN.yaml (or OUT_DIR/ORIGIN./*.yaml) and OUT_DIR/ORIGIN.json.
Exit status 0; 3 when the zone cannot be written in these formats (a TXT
string that is not UTF-8 text), with the reason on stderr; 2 on other
errors.
"""

import hashlib
import ipaddress
import json
import os
import subprocess
import sys

TYPES = {1: "A", 2: "NS", 5: "CNAME", 12: "PTR", 15: "MX", 16: "TXT", 28: "AAAA"}


def wire_name(data, pos):
    labels = []
    while True:
        n = data[pos]
        pos += 1
        if n == 0:
            break
        label = data[pos:pos + n]
        pos += n
        text = ""
        for b in label:
            if b in (0x2e, 0x5c) or b <= 0x20 or b >= 0x7f:
                text += "\\%03d" % b
            else:
                text += chr(b)
        labels.append(text)
    return ".".join(labels) + ".", pos


def strings(data):
    out, pos = [], 0
    while pos < len(data):
        n = data[pos]
        out.append(data[pos + 1:pos + 1 + n])
        pos += 1 + n
    return out


class Unconvertible(Exception):
    pass


def text(b):
    try:
        return b.decode("utf-8")
    except UnicodeDecodeError:
        raise Unconvertible("a TXT string is not UTF-8: %r" % b)


def records(dump, origin, path):
    out = subprocess.run([dump, origin, path], capture_output=True, check=True).stdout
    recs = []
    for line in out.decode("ascii").splitlines():
        owner, ttl, rtype, hexdata = line.split(" ")
        rtype = int(rtype)
        if rtype not in TYPES:
            continue  # the SOA: the tools manage it
        data = b"" if hexdata == "-" else bytes.fromhex(hexdata)
        if rtype == 1:
            value = str(ipaddress.IPv4Address(data))
        elif rtype == 28:
            value = str(ipaddress.IPv6Address(data))
        elif rtype == 15:
            value = (int.from_bytes(data[:2], "big"), wire_name(data, 2)[0])
        elif rtype == 16:
            value = [text(s) for s in strings(data)]
        else:
            value = wire_name(data, 0)[0]
        recs.append((owner, int(ttl), TYPES[rtype], value))
    return recs


def relative(owner, origin):
    if owner == origin:
        return ""
    assert owner.endswith("." + origin), owner
    return owner[: -len(origin) - 1]


def q(s):
    """A YAML double-quoted scalar (JSON's escapes are YAML's)."""
    return json.dumps(s, ensure_ascii=False)


def octodns_txt(parts, chunked):
    if len(parts) == 1 and not chunked and not parts[0].startswith('"'):
        return parts[0].replace(";", "\\;")
    return " ".join('"' + p.replace("\\", "\\\\").replace('"', '\\"') + '"' for p in parts)


def octodns_yaml(recs, origin, variant):
    by_name = {}
    for owner, ttl, rtype, value in recs:
        by_name.setdefault(relative(owner, origin), {}).setdefault((rtype, ttl), []).append(value)
    docs = {}
    for name, sets in by_name.items():
        lines = []
        key = "? ''\n:" if name == "" and variant & 1 else q(name) + ":"
        items = []
        for (rtype, ttl), values in sets.items():
            rec = ["type: %s" % rtype, "ttl: %d" % ttl]
            vals = []
            for v in values:
                if rtype == "MX":
                    if variant & 2:
                        vals.append("{priority: %d, value: %s}" % (v[0], q(v[1])))
                    else:
                        vals.append("{preference: %d, exchange: %s}" % (v[0], q(v[1])))
                elif rtype == "TXT":
                    vals.append(q(octodns_txt(v, bool(variant & 4))))
                else:
                    vals.append(q(v))
            if len(vals) == 1 and variant & 8:
                rec.append("value: " + vals[0])
            else:
                rec.append("values:")
                rec.extend("  - " + v for v in vals)
            items.append(rec)
        if len(items) == 1 and not (variant & 16):
            lines.append(key)
            lines.extend("  " + l for l in items[0])
        else:
            lines.append(key)
            for rec in items:
                lines.append("  - " + rec[0])
                lines.extend("    " + l for l in rec[1:])
        docs[name] = "\n".join(lines) + "\n"
    return docs


def dnscontrol_ir(recs, origin, variant):
    out = []
    for i, (owner, ttl, rtype, value) in enumerate(recs):
        name = relative(owner, origin) or "@"
        r = {"type": rtype, "name": name, "ttl": ttl}
        line = 10 + i
        r["filepos"] = "[line:%d:5]" % line if (i + variant) % 2 else "dnsconfig.js:%d:5" % line
        if rtype == "MX":
            r["mxpreference"] = value[0]
            r["target"] = value[1]
        elif rtype == "TXT":
            if variant & 4 or len(value) > 1:
                r["txtstrings"] = value
            else:
                r["target"] = value[0]
        else:
            r["target"] = value
        out.append(r)
    return {"registrars": [{"name": "none", "type": "NONE"}],
            "dns_providers": [{"name": "bind", "type": "BIND"}],
            "domains": [{"name": origin, "registrar": "none", "dnsProviders": {"bind": -1},
                         "records": out}]}


def main(argv):
    if len(argv) < 5:
        print(__doc__, file=sys.stderr)
        return 2
    dump, origin, path, outdir = argv[1:5]
    split = "--split" in argv[5:]
    variant = hashlib.sha256(origin.encode()).digest()[0]
    try:
        recs = records(dump, origin, path)
    except Unconvertible as e:
        print("zone_convert: %s: %s" % (path, e), file=sys.stderr)
        return 3
    docs = octodns_yaml(recs, origin, variant)
    if split:
        d = os.path.join(outdir, origin + ".")
        os.makedirs(d, exist_ok=True)
        for name, doc in docs.items():
            with open(os.path.join(d, (name or "$" + origin) + ".yaml"), "w") as f:
                f.write("---\n" + doc)
    else:
        with open(os.path.join(outdir, origin + ".yaml"), "w") as f:
            f.write("---\n# octoDNS YamlProvider, converted from %s\n" % os.path.basename(path))
            f.write("".join(docs[n] for n in sorted(docs)))
    with open(os.path.join(outdir, origin + ".json"), "w") as f:
        json.dump(dnscontrol_ir(recs, origin, variant), f, indent=2, ensure_ascii=False)
        f.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
