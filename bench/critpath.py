#!/usr/bin/python3
"""critpath.py - the round trips a domain's check forces, from the zone data.

    critpath.py DOMAIN ZONEFILE...

Reads the benchmark's zone files and walks what checking DOMAIN needs:

* the SPF tree (RFC 7208 section 5): the apex TXT, then for every include
  and redirect the target's TXT one level down, for `a` and `exists` an
  address query one level down, for `mx` the MX one level down and the
  addresses of its hosts one more level down;
* the inbound checks (docs/checks.md): the MX, then the addresses of the MX hosts
  and of the company's inbound and relay hosts.

The critical path is the deepest chain of questions where each needs the
answer of the one before: no resolver, however concurrent, can finish in
fewer round trips.  Also counted: the RFC 7208 section 4.6.4 lookup count,
and the queries a check_host() that walks the whole tree one question at a
time makes for an IPv4 client (what the peer tools do).  Prints JSON.
"""
import json
import re
import sys

TOKEN = re.compile(r'"((?:[^"\\]|\\.)*)"|(\()|(\))|([^\s()"]+)')


def _tokens(line):
    out, i = [], 0
    # A comment starts at ';' outside quotes.
    in_q = False
    for i, ch in enumerate(line):
        if ch == '"':
            in_q = not in_q
        elif ch == ';' and not in_q:
            line = line[:i]
            break
    for m in TOKEN.finditer(line):
        if m.group(1) is not None:
            out.append(('q', m.group(1)))
        elif m.group(2):
            out.append(('(', None))
        elif m.group(3):
            out.append((')', None))
        else:
            out.append(('w', m.group(4)))
    return out


def load_zone(path, records):
    """Adds (name, type) -> [rdata...] of one BIND-format zone file."""
    origin, owner, depth, pending = '', None, 0, []
    entries = []
    with open(path) as f:
        for raw in f:
            toks = _tokens(raw.rstrip('\n'))
            starts_blank = raw[:1] in (' ', '\t')
            if depth == 0:
                pending = toks
                blank = starts_blank
            else:
                pending += toks
            depth += sum(1 for t in toks if t[0] == '(') - sum(1 for t in toks if t[0] == ')')
            if depth > 0:
                continue
            if pending:
                entries.append((blank, [t for t in pending if t[0] in ('w', 'q')]))
            pending = []

    def absolute(name):
        if name == '@':
            return origin
        if name.endswith('.'):
            return name[:-1].lower()
        return (name + '.' + origin).lower() if origin else name.lower()

    for blank, toks in entries:
        if not toks:
            continue
        if toks[0] == ('w', '$ORIGIN'):
            origin = toks[1][1].rstrip('.').lower()
            continue
        if toks[0][0] == 'w' and toks[0][1].startswith('$'):
            continue
        if not blank:
            owner = absolute(toks[0][1])
            toks = toks[1:]
        while toks and toks[0][0] == 'w' and (toks[0][1].isdigit() or toks[0][1] == 'IN'):
            toks = toks[1:]
        rtype, rdata = toks[0][1].upper(), toks[1:]
        if rtype == 'TXT':
            value = ''.join(t[1] for t in rdata)
        elif rtype == 'MX':
            value = (int(rdata[0][1]), absolute(rdata[1][1]))
        elif rtype in ('CNAME', 'NS'):
            value = absolute(rdata[0][1])
        else:
            value = ' '.join(t[1] for t in rdata)
        records.setdefault((owner, rtype), []).append(value)


class Walk:
    def __init__(self, records):
        self.rec = records
        self.levels = {}        # (name, type) -> earliest round trip it can be asked in
        self.sequential = 0     # queries of a one-at-a-time check_host()
        self.lookups = 0

    def ask(self, name, rtype, level):
        key = (name, rtype)
        if key not in self.levels or self.levels[key] > level:
            self.levels[key] = level
        return self.rec.get(key, [])

    def spf(self, domain, level, seen):
        self.sequential += 1
        records = [t for t in self.ask(domain, 'TXT', level)
                   if t.lower().startswith('v=spf1') and (len(t) == 6 or t[6] == ' ')]
        if len(records) != 1 or domain in seen:
            return
        seen = seen | {domain}
        for term in records[0].split()[1:]:
            term = term.lstrip('+-~?')
            low = term.lower()
            mech, _, arg = low.partition(':')
            if low.startswith('redirect='):
                mech, arg = 'redirect', low.split('=', 1)[1]
            if mech in ('include', 'redirect'):
                self.lookups += 1
                self.spf(arg, level + 1, seen)
            elif mech in ('a', 'exists') or low.startswith('a/'):
                self.lookups += 1
                self.sequential += 1
                target = arg.split('/')[0] if mech != 'a' or arg else domain
                self.ask(target or domain, 'A', level + 1)
                self.ask(target or domain, 'AAAA', level + 1)
            elif mech == 'mx' or low.startswith('mx/'):
                self.lookups += 1
                self.sequential += 1
                target = (arg.split('/')[0] if arg else '') or domain
                for _, host in self.ask(target, 'MX', level + 1):
                    self.sequential += 1
                    self.ask(host, 'A', level + 2)
                    self.ask(host, 'AAAA', level + 2)

    def inbound(self, domain, inbound_suffix, relay_suffix):
        for _, host in self.ask(domain, 'MX', 1):
            self.ask(host, 'A', 2)
            self.ask(host, 'AAAA', 2)
            if host.endswith('.' + inbound_suffix):
                company = host[:-len(inbound_suffix) - 1]
                self.ask(company + '.' + relay_suffix, 'A', 2)


def analyse(domain, zone_files, inbound_suffix='in.tmems-jp.trendmicro.com',
            relay_suffix='relay.tmems-jp.trendmicro.com'):
    records = {}
    for z in zone_files:
        load_zone(z, records)
    w = Walk(records)
    w.spf(domain, 1, frozenset())
    spf_depth = max(w.levels.values()) if w.levels else 0
    spf_questions = len(w.levels)
    w.inbound(domain, inbound_suffix, relay_suffix)
    return {
        'domain': domain,
        'critical_path': max(w.levels.values()),
        'spf_depth': spf_depth,
        'lookups': w.lookups,
        'sequential_queries': w.sequential,
        'spf_questions': spf_questions,
        'questions': len(w.levels),
        'per_level': {str(k): sum(1 for v in w.levels.values() if v == k)
                      for k in sorted(set(w.levels.values()))},
    }


if __name__ == '__main__':
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    print(json.dumps(analyse(sys.argv[1].lower().rstrip('.'), sys.argv[2:]), indent=1))
