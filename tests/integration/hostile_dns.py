#!/usr/bin/python3
"""hostile_dns.py - a DNS server on 127.0.0.1 that misbehaves on purpose.

Started by tests/integration/test_hostile.sh.  Every name under
<case>.hostile.test gets the behaviour of <case>:

    garbage    the right ID and question, then random bytes claiming 5 answers
    wrongid    a correct answer with another query ID
    tcrefused  TC over UDP; over TCP the connection is reset
    bigtxt     the apex TXT set fills a 64 KB message (TCP after TC)
    many       1,000 apex TXT records (TCP after TC)
    cnameloop  the apex and loop2 are CNAMEs of each other, in one answer
    chain20    a 20-step CNAME chain before the data
    bomb       every TXT record includes ten more names
    longmacro  SPF macros that expand to 253 bytes and past it
    slow       the answer is sent DELAY_S seconds late
    trickle    TC over UDP; over TCP one byte every TRICKLE_S seconds

the other names of a case: an SPF record including the TMEmS record at the
apex, NODATA at the apex, NXDOMAIN below.  The TMEmS SPF name gets its
bundled record (docs/checks.md) so that SPF trees resolve; anything else is
NXDOMAIN.  UDP and TCP share one port; answers larger than the client's UDP
payload are truncated (TC) so the client retries over TCP.

    hostile_dns.py PORT_FILE QUERY_LOG [LIFETIME_SECONDS]

It writes the port to PORT_FILE once both sockets listen, appends one line
"proto name type" per query to QUERY_LOG, and exits by itself after
LIFETIME_SECONDS (default 120), whatever its clients do.

Needs Debian's python3-dnslib (run with /usr/bin/python3).
"""

import os
import random
import socket
import struct
import sys
import threading
import time

from dnslib import CNAME, DNSRecord, QTYPE, RCODE, RR, TXT, A

ZONE = "hostile.test"
TTL = 300
UDP_DEFAULT = 512          # RFC 1035 section 4.2.1, without EDNS
DELAY_S = 3.0              # "slow": later than any --timeout the test uses
TRICKLE_S = 1.0            # "trickle": one byte a second over TCP
TXT_64K_STRINGS = 238      # 255-byte strings: just under the 65,535-byte limit
MANY_TXT = 1000
CHAIN_STEPS = 20
FANOUT = 10
# "longmacro": exists:<230 bytes>.%{d} expands to a name of exactly 253
# bytes (the most a name can have as text, RFC 1035 section 3.1), and a: with
# twelve %{d} expands to 275 bytes, which RFC 7208 section 7.3 shortens by
# dropping labels from the left until it fits (252 bytes here).
LONG_PREFIX = ".".join(["a" * 63, "b" * 63, "c" * 63, "d" * 38])
LONG_RECORD = ("v=spf1 exists:" + LONG_PREFIX + ".%{d} a:" + ".".join(["%{d}"] * 12) +
               " include:spf.tmems-jp.trendmicro.com -all")

SPF_TMEMS = ("v=spf1 ip4:18.176.203.128/26 ip4:18.176.203.192/26 ip4:18.177.156.0/26 "
             "ip4:18.177.156.64/26 ip4:15.168.56.0/25 ip4:15.168.49.64/26 "
             "ip4:15.168.56.128/26 -all")
SPF_OK = "v=spf1 include:spf.tmems-jp.trendmicro.com -all"

STATIC = {
    ("spf.tmems-jp.trendmicro.com", "TXT"): [SPF_TMEMS],
}

log_lock = threading.Lock()
log_file = None


def log(proto, name, qtype):
    with log_lock:
        log_file.write("%s %s %s\n" % (proto, name, qtype))
        log_file.flush()


def txt(value):
    """One TXT record of 255-byte character-strings (RFC 7208 section 3.3)."""
    return TXT([value[i:i + 255] for i in range(0, len(value), 255)] or [""])


def case_of(name):
    """The case label of a name under the zone, or None."""
    name = name.rstrip(".").lower()
    if not name.endswith("." + ZONE):
        return None
    return name[: -len(ZONE) - 1].split(".")[-1]


def records(name, qtype):
    """(rcode, [RR]) of the well-behaved part of the data."""
    q = name.rstrip(".").lower()
    case = case_of(q)
    apex = case is not None and q == case + "." + ZONE
    rrs = []
    if (q, qtype) in STATIC:
        return RCODE.NOERROR, [RR(q, QTYPE.TXT, rdata=txt(v), ttl=TTL) for v in STATIC[(q, qtype)]]
    if case is None:
        return RCODE.NXDOMAIN, []
    if case == "bigtxt" and apex and qtype == "TXT":
        # One SPF record, and enough 255-byte strings to fill a 64 KB message.
        rrs.append(RR(q, QTYPE.TXT, rdata=TXT(SPF_OK), ttl=TTL))
        filler = "x" * 255
        for i in range(TXT_64K_STRINGS):
            rrs.append(RR(q, QTYPE.TXT, rdata=TXT("%03d" % i + filler[3:]), ttl=TTL))
        return RCODE.NOERROR, rrs
    if case == "many" and apex and qtype == "TXT":
        rrs.append(RR(q, QTYPE.TXT, rdata=TXT(SPF_OK), ttl=TTL))
        for i in range(MANY_TXT - 1):
            rrs.append(RR(q, QTYPE.TXT, rdata=TXT("tmes=%032d" % i), ttl=TTL))
        return RCODE.NOERROR, rrs
    if case == "bomb" and qtype == "TXT":
        # Every name of the tree publishes ten includes of ten new names.
        kids = " ".join("include:n%d.%s" % (i, q) for i in range(FANOUT))
        return RCODE.NOERROR, [RR(q, QTYPE.TXT, rdata=txt("v=spf1 %s -all" % kids), ttl=TTL)]
    if case == "longmacro" and apex and qtype == "TXT":
        return RCODE.NOERROR, [RR(q, QTYPE.TXT, rdata=txt(LONG_RECORD), ttl=TTL)]
    if case == "longmacro" and qtype == "A":
        return RCODE.NOERROR, [RR(q, QTYPE.A, rdata=A("127.0.0.2"), ttl=TTL)]
    if apex and qtype == "TXT":
        return RCODE.NOERROR, [RR(q, QTYPE.TXT, rdata=TXT(SPF_OK), ttl=TTL)]
    if apex:
        return RCODE.NOERROR, []   # NODATA
    return RCODE.NXDOMAIN, []


def build(request):
    """The wire answer to a request, or None for no answer at all."""
    qname = str(request.q.qname)
    qtype = QTYPE.get(request.q.qtype)
    case = case_of(qname)
    reply = request.reply(ra=0, aa=1)
    if case == "cnameloop":
        q = qname.rstrip(".")
        other = "loop2." + case + "." + ZONE if not q.startswith("loop2.") else case + "." + ZONE
        reply.add_answer(RR(q, QTYPE.CNAME, rdata=CNAME(other), ttl=TTL))
        reply.add_answer(RR(other, QTYPE.CNAME, rdata=CNAME(q), ttl=TTL))
        return reply.pack()
    if case == "chain20":
        q = qname.rstrip(".")
        prev = q
        for i in range(1, CHAIN_STEPS + 1):
            nxt = "c%d.%s.%s" % (i, case, ZONE)
            reply.add_answer(RR(prev, QTYPE.CNAME, rdata=CNAME(nxt), ttl=TTL))
            prev = nxt
        reply.add_answer(RR(prev, QTYPE.TXT, rdata=TXT(SPF_OK), ttl=TTL))
        return reply.pack()
    rcode, rrs = records(qname, qtype)
    reply.header.rcode = rcode
    for rr in rrs:
        reply.add_answer(rr)
    return reply.pack()


def udp_payload(request):
    """The client's EDNS0 payload size (RFC 6891 section 6.2.3)."""
    for rr in request.ar:
        if rr.rtype == QTYPE.OPT:
            return max(UDP_DEFAULT, rr.rclass)
    return UDP_DEFAULT


def truncated(request):
    reply = request.reply(ra=0, aa=1)
    reply.header.tc = 1
    return reply.pack()


def garbage(data):
    """A response header with the right ID and question, then junk that
    claims five answers."""
    rnd = random.Random(data)
    qlen = question_length(data)
    head = data[:2] + struct.pack(">HHHHH", 0x8400, 1, 5, 0, 0)
    return head + data[12:12 + qlen] + bytes(rnd.randrange(256) for _ in range(120))


def question_length(data):
    i = 12
    while i < len(data) and data[i] != 0:
        i += 1 + data[i]
    return i + 1 + 4 - 12


def serve_udp(sock):
    while True:
        try:
            data, peer = sock.recvfrom(65535)
            answer_udp(sock, data, peer)
        except Exception as e:  # one bad query must not stop the server
            sys.stderr.write("hostile_dns.py: %r\n" % e)


def answer_udp(sock, data, peer):
    """Answers one datagram according to the case of its name."""
    request = DNSRecord.parse(data)
    qname = str(request.q.qname)
    case = case_of(qname)
    log("udp", qname.rstrip("."), QTYPE.get(request.q.qtype))
    if case == "garbage":
        sock.sendto(garbage(data), peer)
        return
    if case in ("tcrefused", "trickle"):
        sock.sendto(truncated(request), peer)
        return
    answer = build(request)
    if case == "wrongid":
        answer = struct.pack(">H", request.header.id ^ 0xBEEF) + answer[2:]
    if len(answer) > udp_payload(request):
        answer = truncated(request)
    if case == "slow":
        threading.Timer(DELAY_S, sock.sendto, (answer, peer)).start()
        return
    sock.sendto(answer, peer)


def read_exact(conn, n):
    buf = b""
    while len(buf) < n:
        chunk = conn.recv(n - len(buf))
        if not chunk:
            return None
        buf += chunk
    return buf


def serve_tcp_conn(conn):
    try:
        conn.settimeout(30)
        while True:
            head = read_exact(conn, 2)
            if head is None:
                return
            data = read_exact(conn, struct.unpack(">H", head)[0])
            if data is None:
                return
            request = DNSRecord.parse(data)
            qname = str(request.q.qname)
            case = case_of(qname)
            log("tcp", qname.rstrip("."), QTYPE.get(request.q.qtype))
            if case == "tcrefused":
                # An abortive close: the client sees a reset, not an answer.
                conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                return
            answer = build(request)
            framed = struct.pack(">H", len(answer)) + answer
            if case == "trickle":
                for i in range(len(framed)):
                    conn.sendall(framed[i:i + 1])
                    time.sleep(TRICKLE_S)
                continue
            if case == "slow":
                time.sleep(DELAY_S)
            conn.sendall(framed)
    except Exception:
        return
    finally:
        conn.close()


def serve_tcp(sock):
    while True:
        try:
            conn, _ = sock.accept()
        except OSError:
            continue
        threading.Thread(target=serve_tcp_conn, args=(conn,), daemon=True).start()


def bind():
    for _ in range(200):
        port = random.randint(20000, 60000)
        u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        t = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        try:
            u.bind(("127.0.0.1", port))
            t.bind(("127.0.0.1", port))
            t.listen(64)
            return port, u, t
        except OSError:
            u.close()
            t.close()
    sys.exit("hostile_dns.py: no free port")


def main():
    global log_file
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    lifetime = float(sys.argv[3]) if len(sys.argv) > 3 else 120.0
    log_file = open(sys.argv[2], "a")
    port, u, t = bind()
    for target, sock in ((serve_udp, u), (serve_tcp, t)):
        threading.Thread(target=target, args=(sock,), daemon=True).start()
    tmp = sys.argv[1] + ".tmp"
    with open(tmp, "w") as f:
        f.write(str(port))
    os.rename(tmp, sys.argv[1])
    time.sleep(lifetime)
    os._exit(0)


if __name__ == "__main__":
    main()
