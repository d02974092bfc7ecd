#!/usr/bin/python3
"""Run the openspf RFC 7208 test suite through the command line, against
real DNS: every scenario's zone data is served by BIND 9 on 127.0.0.1, and
each test runs

    tmems-check spf --server 127.0.0.1:PORT --format json DOMAIN \\
        --ip HOST --sender MAILFROM --helo HELO

as a user runs it.  DOMAIN is what check_host() is given (RFC 7208 section
2.4 and 4.3): the domain of MAILFROM, or HELO when MAILFROM is empty.

One named serves every scenario at once: a view per scenario, selected by
the source address (127.0.1.N) its queries come from.  A small dnslib relay
listens on one port per scenario and passes each query of the command line
to named from that scenario's address, byte for byte both ways.  The relay
answers by itself only what a DNS server cannot serve, and says which
names those are:

* TIMEOUT entries: a query at such a name for a type without records is
  dropped, so the command line times out (the suite's driver rule, as
  yaml2json.py applies it for the evaluator test);
* a TXT record with no character-string at all (test null-text): BIND
  refuses to load one (RFC 1035 section 3.3.14 wants at least one);
* two identical records at one name (test multispf1): an RRset is a set
  (RFC 2181 section 5), so BIND keeps one of them.

The result must be the expected one (or one of the list).  When the suite
gives an explanation and the result is fail, the command line's must match:
"DEFAULT" means no exp= text was used (JSON explanation null); any other
explanation is compared ignoring ASCII case, as the Perl Mail::SPF driver
does and as the evaluator test does: the suite spells %{ir} of an IPv6
address with upper-case nibbles, while RFC 7208 section 7.4 shows them in
lower case, which is what check_host() produces.

The suite comes from Debian's python3-spf
(/usr/share/doc/python3-spf/rfc7208-tests.yml.gz; TM_RFC7208_TESTS or
--yaml overrides).  A missing suite, PyYAML, dnslib or named is a failure
with a message, never a skip.

Prints one line per failing test and "N passed, M failed"; exit status 1
when a test fails or the suite cannot be run.
"""

import argparse
import concurrent.futures
import json
import os
import shlex
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time

import yaml2json

DEFAULT_SUITE = "/usr/share/doc/python3-spf/rfc7208-tests.yml.gz"
TTL = 300
RELAY_WAIT_S = 5.0
# TM_WRAPPER (scripts/test.sh: valgrind) goes in front of every run of the
# binary; a run it finds errors in exits TM_WRAPPER_RC.  TM_TIME_FACTOR
# widens the time limits for the slower runs.
WRAPPER = [w.encode() for w in shlex.split(os.environ.get("TM_WRAPPER", ""))]
WRAPPER_RC = int(os.environ.get("TM_WRAPPER_RC", "97"))
TIME_FACTOR = max(1, int(os.environ.get("TM_TIME_FACTOR", "1")))
CLI_TIMEOUT_MS = 700 * TIME_FACTOR   # per query: a dropped query costs this much
CLI_LIMIT_S = 60 * TIME_FACTOR       # a single run of the binary, at most


def fail_setup(message):
    print("FAIL setup: %s" % message)
    sys.exit(1)


def decode(text):
    """The bytes yaml2json.enc wrote as text (\\xNN escapes)."""
    out = bytearray()
    i = 0
    while i < len(text):
        if text[i] == "\\" and text[i + 1:i + 2] == "x":
            out.append(int(text[i + 2:i + 4], 16))
            i += 4
        else:
            out.append(ord(text[i]))
            i += 1
    return bytes(out)


# ---- the zone file of a scenario ---------------------------------------------

def zone_label(label):
    """A label in master-file syntax (RFC 1035 section 5.1): every byte that
    is not a letter, digit, '-' or '_' as \\DDD, so that nothing in the
    suite's names ('*', spaces, '%', ':') means anything to BIND."""
    out = []
    for b in label:
        c = chr(b)
        if c.isascii() and (c.isalnum() or c in "-_"):
            out.append(c)
        else:
            out.append("\\%03d" % b)
    return "".join(out)


def zone_name(name):
    """An absolute name in master-file syntax; b"" is the root."""
    name = name.rstrip(b".")
    if not name:
        return "."
    return ".".join(zone_label(l) for l in name.split(b".")) + "."


def zone_string(data):
    """A character-string in double quotes, non-printable bytes as \\DDD."""
    out = ['"']
    for b in data:
        if 0x20 <= b <= 0x7E and b not in (0x22, 0x5C):
            out.append(chr(b))
        else:
            out.append("\\%03d" % b)
    out.append('"')
    return "".join(out)


def txt_strings(strings):
    """One record's strings, each cut to 255 bytes (as the evaluator test
    does with a longer YAML string)."""
    parts = []
    for s in strings:
        if not s:
            parts.append(b"")
        for off in range(0, len(s), 255):
            parts.append(s[off:off + 255])
    return parts


class Scenario:
    """The zone data of one scenario: what named serves, and what the relay
    must serve or drop itself."""

    def __init__(self, index, data):
        self.index = index
        self.description = decode(data["description"]).decode("latin-1")
        self.tests = data["tests"]
        self.source = "127.0.1.%d" % (index + 1)
        self.port = None
        self.lines = []          # master-file lines
        self.timeouts = {}       # name -> set of qtypes that are answered
        self.own = {}            # (name, qtype) -> [rdata] the relay serves
        self.notes = []          # what the relay serves itself, and why
        for key, entry in data["zone"].items():
            self.add_name(decode(key).lower(), entry)

    def add_name(self, name, entry):
        owner = zone_name(name)
        answered = set()
        if "CNAME" in entry:
            self.lines.append("%s %d IN CNAME %s" % (owner, TTL,
                                                     zone_name(decode(entry["CNAME"]))))
            answered.add("CNAME")
        for rtype in ("A", "AAAA"):
            for value in entry.get(rtype, []):
                text = decode(value).decode("latin-1")
                family = socket.AF_INET if rtype == "A" else socket.AF_INET6
                try:
                    socket.inet_pton(family, text)
                except OSError:
                    continue  # not an address: the evaluator test skips it too
                self.lines.append("%s %d IN %s %s" % (owner, TTL, rtype, text))
                answered.add(rtype)
        mx = entry.get("MX", [])
        if mx and self.duplicates([tuple(m) for m in mx], name, "MX"):
            return
        for pref, host in mx:
            self.lines.append("%s %d IN MX %d %s" % (owner, TTL, pref, zone_name(decode(host))))
            answered.add("MX")
        for value in entry.get("PTR", []):
            self.lines.append("%s %d IN PTR %s" % (owner, TTL, zone_name(decode(value))))
            answered.add("PTR")
        txt = [[decode(s) for s in record] for record in entry.get("TXT", [])]
        if txt:
            answered.add("TXT")
        if any(len(r) == 0 for r in txt):
            self.serve_own(name, "TXT", txt, "a TXT record with no character-string")
        elif not self.duplicates([tuple(r) for r in txt], name, "TXT", txt):
            for record in txt:
                self.lines.append("%s %d IN TXT %s" % (
                    owner, TTL, " ".join(zone_string(s) for s in txt_strings(record))))
        if entry.get("timeout"):
            self.timeouts[name] = answered
            self.notes.append("%s: queries of a type without records time out (TIMEOUT)"
                              % name.decode("latin-1"))

    def duplicates(self, keys, name, rtype, records=None):
        if len(set(keys)) == len(keys):
            return False
        self.serve_own(name, rtype, records if records is not None else list(keys),
                       "identical %s records, which an RRset cannot hold twice" % rtype)
        return True

    def serve_own(self, name, rtype, records, why):
        self.own[(name, rtype)] = records
        self.notes.append("%s %s: %s" % (name.decode("latin-1"), rtype, why))

    def zone_text(self):
        head = ["$TTL %d" % TTL,
                ". IN SOA ns.conformance.invalid. hostmaster.conformance.invalid. "
                "1 3600 900 604800 300",
                ". IN NS ns.conformance.invalid.",
                "ns.conformance.invalid. IN A 127.0.0.1"]
        return "\n".join(head + self.lines) + "\n"


# ---- named -----------------------------------------------------------------------

def free_port():
    for _ in range(200):
        s_udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s_tcp = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        try:
            s_udp.bind(("127.0.0.1", 0))
            port = s_udp.getsockname()[1]
            s_tcp.bind(("127.0.0.1", port))
            return port
        except OSError:
            continue
        finally:
            s_udp.close()
            s_tcp.close()
    fail_setup("no free port on 127.0.0.1")


def start_named(workdir, scenarios):
    named = shutil.which("named") or (os.path.exists("/usr/sbin/named") and "/usr/sbin/named")
    if not named:
        fail_setup("named not found: install bind9 (scripts/bootstrap.sh)")
    for attempt in range(3):
        port = free_port()
        conf = os.path.join(workdir, "named.conf")
        with open(conf, "w") as f:
            f.write('options {\n    directory "%s";\n    listen-on port %d { 127.0.0.1; };\n'
                    '    listen-on-v6 { none; };\n    recursion no;\n'
                    '    dnssec-validation no;\n    pid-file none;\n'
                    '    session-keyfile none;\n    managed-keys-directory "%s";\n'
                    '    notify no;\n    allow-transfer { none; };\n'
                    # The suite's names are not host names, and its data
                    # is odd on purpose: load it as it is.
                    '    check-names primary ignore;\n    check-integrity no;\n'
                    '    check-mx ignore;\n    check-mx-cname ignore;\n'
                    '    check-wildcard no;\n    check-sibling no;\n'
                    '    check-dup-records ignore;\n    minimal-responses yes;\n};\n'
                    'controls { };\n' % (workdir, port, workdir))
            for sc in scenarios:
                zfile = os.path.join(workdir, "s%d.zone" % sc.index)
                with open(zfile, "w", encoding="ascii") as z:
                    z.write(sc.zone_text())
                f.write('view "s%d" {\n    match-clients { %s/32; };\n'
                        '    zone "." { type primary; file "%s"; };\n};\n'
                        % (sc.index, sc.source, zfile))
        log = open(os.path.join(workdir, "named.log"), "w")
        proc = subprocess.Popen([named, "-g", "-4", "-n", "1", "-c", conf],
                                stdout=log, stderr=subprocess.STDOUT)
        deadline = time.time() + 20
        while time.time() < deadline and proc.poll() is None:
            if answers(port, scenarios[0].source):
                return proc, port
            time.sleep(0.1)
        stop(proc)
        with open(os.path.join(workdir, "named.log")) as f:
            text = f.read()
        if "loading from master file" in text or "not loaded" in text:
            fail_setup("named could not load a scenario's zone:\n" + text[-3000:])
    fail_setup("named did not start; its log:\n" + text[-3000:])


def answers(port, source):
    """True when named answers the root SOA to a query from source."""
    q = struct.pack(">HHHHHH", 0x1234, 0, 1, 0, 0, 0) + b"\x00\x00\x06\x00\x01"
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(0.5)
    try:
        s.bind((source, 0))
        s.sendto(q, ("127.0.0.1", port))
        data = s.recv(4096)
        return len(data) > 12 and data[:2] == b"\x12\x34" and (data[3] & 0x0F) == 0
    except OSError:
        return False
    finally:
        s.close()


def stop(proc):
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


# ---- the relay ---------------------------------------------------------------------

class Relay:
    """One UDP and one TCP listener per scenario on 127.0.0.1."""

    def __init__(self, scenarios, named_port):
        from dnslib import DNSRecord, QTYPE, RR, TXT, MX, A, AAAA  # noqa: F401
        self.DNSRecord, self.QTYPE, self.RR = DNSRecord, QTYPE, RR
        self.rdata = {"TXT": lambda r: TXT(txt_strings(r)),
                      "MX": lambda r: MX(decode(r[1]).decode("latin-1") or ".", r[0])}
        self.named_port = named_port
        self.sockets = []
        self.log = []
        for sc in scenarios:
            udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            tcp = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            tcp.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            for _ in range(200):
                port = free_port()
                try:
                    udp.bind(("127.0.0.1", port))
                    tcp.bind(("127.0.0.1", port))
                    break
                except OSError:
                    udp.close()
                    tcp.close()
                    udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
                    tcp = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            tcp.listen(16)
            sc.port = port
            self.sockets += [udp, tcp]
            threading.Thread(target=self.udp_loop, args=(sc, udp), daemon=True).start()
            threading.Thread(target=self.tcp_loop, args=(sc, tcp), daemon=True).start()

    def question(self, data):
        try:
            req = self.DNSRecord.parse(data)
        except Exception:
            return None, None, None
        name = b".".join(req.q.qname.label).lower()
        return req, name, self.QTYPE.get(req.q.qtype)

    def own_answer(self, sc, data):
        """(handled, wire answer or None for a dropped query)."""
        req, name, qtype = self.question(data)
        if req is None:
            return False, None
        if name in sc.timeouts and qtype not in sc.timeouts[name]:
            self.log.append("s%d drop %s %s" % (sc.index, name, qtype))
            return True, None
        records = sc.own.get((name, qtype))
        if records is None:
            return False, None
        reply = req.reply(ra=0, aa=1)
        for r in records:
            reply.add_answer(self.RR(req.q.qname, getattr(self.QTYPE, qtype),
                                     rdata=self.rdata[qtype](r), ttl=TTL))
        self.log.append("s%d own %s %s" % (sc.index, name, qtype))
        return True, reply.pack()

    def udp_loop(self, sc, sock):
        while True:
            try:
                data, peer = sock.recvfrom(65535)
            except OSError:
                return
            threading.Thread(target=self.udp_one, args=(sc, sock, data, peer),
                             daemon=True).start()

    def udp_one(self, sc, sock, data, peer):
        handled, answer = self.own_answer(sc, data)
        if not handled:
            up = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            up.settimeout(RELAY_WAIT_S)
            try:
                up.bind((sc.source, 0))
                up.sendto(data, ("127.0.0.1", self.named_port))
                answer = up.recv(65535)
            except OSError:
                answer = None
            finally:
                up.close()
        if answer is not None:
            try:
                sock.sendto(answer, peer)
            except OSError:
                pass

    def tcp_loop(self, sc, sock):
        while True:
            try:
                conn, _ = sock.accept()
            except OSError:
                return
            threading.Thread(target=self.tcp_one, args=(sc, conn), daemon=True).start()

    @staticmethod
    def read_msg(conn):
        head = b""
        while len(head) < 2:
            chunk = conn.recv(2 - len(head))
            if not chunk:
                return None
            head += chunk
        (n,) = struct.unpack(">H", head)
        data = b""
        while len(data) < n:
            chunk = conn.recv(n - len(data))
            if not chunk:
                return None
            data += chunk
        return data

    def tcp_one(self, sc, conn):
        conn.settimeout(RELAY_WAIT_S * 2)
        try:
            while True:
                data = self.read_msg(conn)
                if data is None:
                    return
                handled, answer = self.own_answer(sc, data)
                if not handled:
                    up = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
                    up.settimeout(RELAY_WAIT_S)
                    try:
                        up.bind((sc.source, 0))
                        up.connect(("127.0.0.1", self.named_port))
                        up.sendall(struct.pack(">H", len(data)) + data)
                        answer = self.read_msg(up)
                    finally:
                        up.close()
                if answer is None:
                    continue  # dropped: the client times out
                conn.sendall(struct.pack(">H", len(answer)) + answer)
        except OSError:
            return
        finally:
            conn.close()


# ---- the tests ---------------------------------------------------------------------

def check_host_domain(mailfrom, helo):
    """The <domain> check_host() is given (RFC 7208 sections 2.4 and 4.3)."""
    if mailfrom:
        return mailfrom.rpartition(b"@")[2]
    return helo


def run_test(binary, sc, test):
    name = test["name"]
    host, helo, mailfrom = (decode(test[k]) for k in ("host", "helo", "mailfrom"))
    domain = check_host_domain(mailfrom, helo)
    argv = WRAPPER + [binary.encode(), b"spf", b"--server", b"127.0.0.1:%d" % sc.port,
            b"--timeout", str(CLI_TIMEOUT_MS).encode(), b"--tries", b"1",
            b"--format", b"json", domain, b"--ip", host, b"--sender", mailfrom,
            b"--helo", helo]
    env = dict(os.environ, LC_ALL="C.UTF-8", LANG="C.UTF-8")
    env.pop("LANGUAGE", None)
    try:
        proc = subprocess.run(argv, capture_output=True, timeout=CLI_LIMIT_S, env=env)
    except subprocess.TimeoutExpired:
        return "the command line ran longer than %d s" % CLI_LIMIT_S
    shown = " ".join(a.decode("latin-1") for a in argv[len(WRAPPER) + 1:])
    if WRAPPER and proc.returncode == WRAPPER_RC:
        return "the wrapper reported errors (%s): %s" % (b" ".join(WRAPPER).decode(), shown)
    if proc.returncode != 0:
        return "exit status %d (%s): %s" % (proc.returncode, shown,
                                            proc.stderr.decode("utf-8", "replace").strip())
    try:
        out = json.loads(proc.stdout)
    except ValueError:
        return "not JSON: %r" % proc.stdout[:200]
    expected = test["result"]
    if out["result"] not in expected:
        return "result %s, expected %s (%s; reason: %s)" % (
            out["result"], " or ".join(expected), shown, out.get("reason"))
    if "explanation" in test and out["result"] == "fail":
        want = decode(test["explanation"]).decode("latin-1")
        got = out.get("explanation")
        if want == "DEFAULT":
            if got is not None:
                return "explanation %r, expected none (DEFAULT)" % got
        elif got is None or got.lower() != want.lower():
            return "explanation %r, expected %r" % (got, want)
    return None


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--bin", required=True, help="the tmems-check binary")
    ap.add_argument("--yaml", default=DEFAULT_SUITE, help="the suite (TM_RFC7208_TESTS overrides)")
    ap.add_argument("--verbose", action="store_true", help="show what the relay served itself")
    args = ap.parse_args()
    path = os.environ.get("TM_RFC7208_TESTS") or args.yaml
    try:
        import dnslib  # noqa: F401
    except ImportError:
        fail_setup("python3-dnslib is not installed (scripts/bootstrap.sh installs it)")
    data, why = yaml2json.load_suite(path)
    if data is None:
        fail_setup(why)
    binary = os.path.abspath(args.bin)
    if not os.access(binary, os.X_OK):
        fail_setup("not an executable: %s" % binary)

    scenarios = [Scenario(i, s) for i, s in enumerate(data["scenarios"])]
    workdir = tempfile.mkdtemp(prefix="tmems-rfc7208-cli.")
    named = None
    passed = failed = 0
    try:
        named, port = start_named(workdir, scenarios)
        relay = Relay(scenarios, port)
        print("%d scenarios served by named on 127.0.0.1:%d (one view each)"
              % (len(scenarios), port))
        for sc in scenarios:
            for note in sc.notes:
                print("  served by the relay, scenario %d (%s): %s"
                      % (sc.index + 1, sc.description, note))
        sys.stdout.flush()
        # Each run is its own process and the relay answers every query on
        # its own thread, so the runs go side by side, one per processor
        # (under valgrind a run takes seconds); failures print in suite order.
        jobs = [(sc, test) for sc in scenarios for test in sc.tests]
        with concurrent.futures.ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
            verdicts = pool.map(lambda job: run_test(binary, job[0], job[1]), jobs)
            for (sc, test), why in zip(jobs, verdicts):
                if why is None:
                    passed += 1
                else:
                    failed += 1
                    print("FAIL %s: %s" % (test["name"], why))
                    sys.stdout.flush()
        if args.verbose:
            print("\n".join(relay.log))
    finally:
        if named is not None:
            stop(named)
        shutil.rmtree(workdir, ignore_errors=True)
    if passed + failed != data["tests"]:
        print("FAIL ran %d tests, the suite has %d" % (passed + failed, data["tests"]))
        failed += 1
    print("%d passed, %d failed (the command line against BIND)" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
