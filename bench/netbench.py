#!/usr/bin/python3
"""netbench.py - how tmems-check uses the network, two builds side by side
in one session (bench.py --before BIN; bench/README.md "Network").

Each scenario runs every build in turn, `runs` times, through the same
delaying proxy to the same BIND, and reports the median wall time with
what the proxy saw: questions, the most UDP questions in flight at once,
and retransmissions (UDP questions asked more than once: every question is
asked once, and once more over TCP only after a truncated answer).

    macro      macro.example: `exists:%{i}._spf.macro.example` makes the
               evaluation of the 512 Japan data-center addresses ask 512
               distinct names in one round trip; at 0 ms and at RTT
    wide       20 domains with 250 MX hosts each: 500 questions a domain
    one        bigcorp.example, the single-domain benchmark
    batch      10,000 domains with the default settings, then -j from 32
               to 4096 (one run each)
    timeouts   a UDP port that reads and never answers: the defaults and
               --timeout 1000 --tries 2

The budget of macro and wide is the issue's: 1.2 x (critical path x RTT +
questions / in-flight bound x RTT), the bound being the number of
questions the build sends at once to a server it knows nothing about
(512 for a build without the adaptive window, 128 with it).
"""
import json
import os
import re
import socket
import statistics
import subprocess
import threading
import time

WINDOW_START = 128     # src/lib/resolve/window.h TM_WINDOW_START
OLD_BOUND = 512        # the fixed bound of a build without the window
MACRO = "macro.example"
MACRO_CRITICAL_PATH = 2   # apex TXT; then the 512 exists A, the include, the MX hosts
WIDE_CRITICAL_PATH = 2    # the MX; then the A and AAAA of its 250 hosts
VLINE = re.compile(r"^DNS: (\d+) questions? sent, at most (\d+) in flight \(window (?:at the end )?"
                   r"(\d+) of (\d+)\), (\d+) retransmitted, ([\d.]+) s$", re.M)


def has_window(binary):
    """A build with the adaptive window documents --deadline."""
    out = subprocess.run([binary, "--help"], capture_output=True, text=True).stdout
    return "--deadline" in out


def run(runone, binary, args, tmp, limit=120):
    out, err = os.path.join(tmp, "net.out"), os.path.join(tmp, "net.err")
    r = subprocess.run([runone, str(int(limit * 1000)), out, "-e", err, binary, "--lang", "en",
                        "--color", "never"] + args, capture_output=True, text=True,
                       timeout=limit + 30)
    wall_us, rss, rc, cpu_us = (int(x) for x in r.stdout.split())
    with open(out, errors="replace") as f:
        text = f.read()
    with open(err, errors="replace") as f:
        etext = f.read()
    m = VLINE.search(etext)
    tool = None
    if m:
        tool = {"sent": int(m.group(1)), "peak": int(m.group(2)), "window": int(m.group(3)),
                "cap": int(m.group(4)), "retransmitted": int(m.group(5))}
    return {"wall": wall_us / 1e6, "rss": rss, "rc": rc, "cpu": cpu_us / 1e6, "out": text,
            "err": etext, "tool": tool}


def proxy_figures(st):
    udp = st.get("udp_queries", 0)
    return {"queries": st.get("queries", 0), "udp": udp, "tcp": st.get("tcp_queries", 0),
            "distinct": st.get("distinct", 0),
            "retransmissions": max(0, udp - st.get("distinct", 0)),
            "in_flight": st.get("max_inflight", 0)}


def verdicts(text):
    v = {}
    for line in text.splitlines():
        try:
            k = json.loads(line)["verdict"]
        except (ValueError, KeyError, TypeError):
            continue
        v[k] = v.get(k, 0) + 1
    return v


def scenario(builds, runone, tmp, proxy, args, runs, limit=120):
    """Every build `runs` times, interleaved; the median run of each."""
    res = {name: [] for name, _ in builds}
    for _ in range(runs):
        for name, binary in builds:
            proxy.collect()
            r = run(runone, binary, args, tmp, limit)
            r["proxy"] = proxy_figures(proxy.collect())
            r["verdicts"] = verdicts(r["out"])
            r.pop("out")
            res[name].append(r)
    med = {}
    for name, rs in res.items():
        rs.sort(key=lambda r: r["wall"])
        m = rs[len(rs) // 2]
        m["walls"] = [r["wall"] for r in rs]
        med[name] = m
    return med


class Silent:
    """A UDP socket on 127.0.0.1 that reads every query and never answers."""

    def __init__(self):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.count = 0
        self.stop = False
        self.thread = threading.Thread(target=self.loop, daemon=True)
        self.thread.start()

    def loop(self):
        while not self.stop:
            try:
                self.sock.recvfrom(4096)
                self.count += 1
            except socket.timeout:
                continue

    def close(self):
        self.stop = True
        self.thread.join()
        self.sock.close()


def timeouts(builds, runone, tmp, runs):
    s = Silent()
    out = {}
    try:
        for label, args in (("defaults (--timeout 2000 --tries 3)", []),
                            ("--timeout 1000 --tries 2", ["--timeout", "1000", "--tries", "2"])):
            row = {}
            for name, binary in builds:
                walls = []
                for _ in range(runs):
                    before = s.count
                    r = run(runone, binary, ["--server", "127.0.0.1:%d" % s.port, "--format",
                                             "json"] + args + [MACRO], tmp, 60)
                    walls.append(r["wall"])
                    r["asked"] = s.count - before
                walls.sort()
                row[name] = {"wall": walls[len(walls) // 2], "rc": r["rc"], "asked": r["asked"],
                             "stderr": r["err"].strip().splitlines()[:1]}
            out[label] = row
    finally:
        s.close()
    return out


def budget_ms(critical_path, queries, bound, rtt):
    return 1.2 * (critical_path * rtt + queries / bound * rtt)


def measure(builds, runone, tmp, make_proxy, bind_port, rtt, gen, quick, batch_only=False):
    runs = 3 if quick else 5
    bounds = {name: WINDOW_START if has_window(b) else OLD_BOUND for name, b in builds}
    R = {"rtt": rtt, "runs": runs, "builds": [n for n, _ in builds], "bounds": bounds,
         "load": "%.1f" % os.getloadavg()[0]}
    if batch_only:
        # Only the 10,000 domains at the RTT: default settings (3 runs,
        # interleaved builds) and -j 256; the load average at each end.
        proxy = make_proxy(rtt)
        try:
            domains = os.path.join(gen, "domains.txt")
            R["batch"] = scenario(builds, runone, tmp, proxy,
                                  ["-v", "--format", "jsonl", "-f", domains], 3, 300)
            R["jobs"] = {256: scenario(builds, runone, tmp, proxy,
                                       ["-v", "--format", "jsonl", "-j", "256", "-f", domains],
                                       1, 300)}
        finally:
            proxy.close()
        R["load_end"] = "%.1f" % os.getloadavg()[0]
        return R
    # 0 ms: the proxy forwards at once, so BIND sees the tool's bursts as sent.
    proxy = make_proxy(0)
    try:
        R["macro0"] = scenario(builds, runone, tmp, proxy, ["-v", "--format", "json", MACRO], runs)
    finally:
        proxy.close()
    proxy = make_proxy(rtt)
    try:
        R["macro"] = scenario(builds, runone, tmp, proxy, ["-v", "--format", "json", MACRO], runs)
        R["wide"] = scenario(builds, runone, tmp, proxy,
                             ["-v", "--format", "jsonl", "-f", os.path.join(gen, "wide.txt")],
                             runs)
        R["one"] = scenario(builds, runone, tmp, proxy,
                            ["-v", "--format", "json", "bigcorp.example"], runs)
        domains = os.path.join(gen, "domains.txt")
        R["batch"] = scenario(builds, runone, tmp, proxy,
                              ["-v", "--format", "jsonl", "-f", domains], 1 if quick else 3, 300)
        R["jobs"] = {}
        for j in (32, 128, 256, 1024, 4096):
            R["jobs"][j] = scenario(builds, runone, tmp, proxy,
                                    ["-v", "--format", "jsonl", "-j", str(j), "-f", domains], 1,
                                    300)
    finally:
        proxy.close()
    R["timeouts"] = timeouts(builds, runone, tmp, 1)
    return R


def fmt_s(v):
    return "%.2f s" % v if v >= 1 else "%.0f ms" % (v * 1000)


def cell(r):
    p = r["proxy"]
    return "%s (CPU %s); %d q, %d in flight, %d retx" % (fmt_s(r["wall"]), fmt_s(r["cpu"]),
                                                         p["queries"], p["in_flight"],
                                                         p["retransmissions"])


def report(R):
    names = R["builds"]
    rtt = R["rtt"]
    L = ["Network (bench/netbench.py): %s, %d runs each (medians), same session, through the "
         "delaying proxy; load average %s at the start (2 cores)"
         % (" vs ".join(names), R["runs"], R.get("load", "?")),
         "Cells: wall; questions at the proxy, most UDP questions in flight there, "
         "retransmissions (UDP questions asked twice).", ""]
    L.append("| scenario | budget | %s |" % " | ".join(names))
    L.append("| --- | --- |" + " --- |" * len(names))

    def row(label, key, budget=None):
        rs = R[key]
        b = ""
        if budget:
            b = " / ".join("%s %.0f ms" % (n, budget(rs[n], n)) for n in names)
        L.append("| %s | %s | %s |" % (label, b, " | ".join(cell(rs[n]) for n in names)))

    def macro_budget(r, n, cp=MACRO_CRITICAL_PATH, rtt_ms=rtt):
        return budget_ms(cp, r["proxy"]["queries"], R["bounds"][n], rtt_ms)

    batch_only = "macro" not in R
    if not batch_only:
        row("macro, 0 ms RTT", "macro0")
        row("macro, %d ms RTT" % rtt, "macro", macro_budget)
        row("wide: 20 domains x 500 questions, %d ms" % rtt, "wide",
            lambda r, n: budget_ms(WIDE_CRITICAL_PATH, r["proxy"]["queries"], R["bounds"][n],
                                   rtt))
        row("one domain (bigcorp), %d ms" % rtt, "one")
    row("10,000 domains, default settings, %d ms" % rtt, "batch")
    for j, rs in R["jobs"].items():
        L.append("| 10,000 domains, -j %d | | %s |" % (j, " | ".join(cell(rs[n]) for n in names)))
    L.append("")
    for key, label, cp in (() if batch_only else
                           (("macro", "macro", MACRO_CRITICAL_PATH),
                            ("wide", "wide", WIDE_CRITICAL_PATH))):
        for n in names:
            r = R[key][n]
            b = budget_ms(cp, r["proxy"]["queries"], R["bounds"][n], rtt)
            L.append("- %s, %s: %s against a budget of %.0f ms (critical path %d x %d ms + %d "
                     "questions / %d x %d ms, x 1.2): %s; %d retransmissions"
                     % (label, n, fmt_s(r["wall"]), b, cp, rtt, r["proxy"]["queries"],
                        R["bounds"][n], rtt, "met" if r["wall"] * 1000 <= b else "NOT met",
                        r["proxy"]["retransmissions"]))
    for n in names:
        d = R["batch"][n]["wall"]
        slower = [j for j, rs in R["jobs"].items() if j >= 256 and rs[n]["wall"] > d * 1.1]
        L.append("- 10,000 domains, %s, default settings: %s (target <= 3 s): %s; -j values "
                 "from 256 up more than 10%% slower than the default: %s"
                 % (n, fmt_s(d), "met" if d <= 3 else "NOT met",
                    ", ".join(str(j) for j in slower) or "none"))
    L.append("")
    if batch_only:
        L.append("- load average at the end: %s" % R.get("load_end", "?"))
        return "\n".join(L)
    L.append("Timeouts: a UDP port that reads every query and never answers (macro.example).")
    for label, row_ in R["timeouts"].items():
        L.append("- %s: %s" % (label, "; ".join(
            "%s %s (exit %d, %d queries)" % (n, fmt_s(row_[n]["wall"]), row_[n]["rc"],
                                             row_[n]["asked"]) for n in names)))
    for n in names:
        tool = R["macro"][n].get("tool")
        if tool:
            L.append("- -v of %s for macro at %d ms: %d questions sent, at most %d in flight "
                     "(window %d of %d), %d retransmitted"
                     % (n, rtt, tool["sent"], tool["peak"], tool["window"], tool["cap"],
                        tool["retransmitted"]))
    return "\n".join(L)
