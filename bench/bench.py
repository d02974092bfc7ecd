#!/usr/bin/python3
"""bench.py - the benchmark itself; bench/run.sh runs it inside a private
network namespace (see bench/README.md).  Not meant to be run by hand.

    bench.py --build DIR --tmp DIR [--quick] [--write-readme FILE]

Inside the namespace everything is on its own loopback: BIND 9 on
127.0.0.1:5300 serving bench/zones and the generated batch zone, and the
delaying proxy on 127.0.0.1:53 in front of it, which /etc/resolv.conf (the
namespace's, mounted by `ip netns exec`) names.  Every tool uses the system
resolver configuration, so every tool's every query pays the same round trip.

Every child is bounded in time (subprocess timeouts, the proxy's own -T, the
load generator's -T) and stopped in a finally block; run.sh's trap removes
whatever is left in the namespace.
"""
import argparse
import json
import os
import re
import signal
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import critpath  # noqa: E402
import netbench  # noqa: E402

BIND_PORT = 5300
PROXY = "127.0.0.1:53"
CEIL_PROXY, CEIL_ECHO = "127.0.0.1:5400", "127.0.0.1:5401"
DOMAIN = "bigcorp.example"
CLIENT_IP = "192.0.2.254"     # in no range of the tree: every peer walks it all
SENDER = "postmaster@" + DOMAIN
RUN_LIMIT_S = 120
# Inclusive cost centres of a check (callgrind): label, function.
PARTS = (("the report (JSON)", "tm_report_json_result"),
         ("SPF analysis", "tm_spf_analysis_build"),
         ("the checks", "tm_checks_run"),
         ("DNS I/O (c-ares, parsing)", "tm_cares_wait"),
         ("DNS I/O (c-ares, parsing)", "tm_dns_parse_response"))
RESULT_WORDS = ("permerror", "temperror", "softfail", "neutral", "pass", "fail", "none")

children = []
RUNONE = None  # set in main: BUILD/bench/runone


def log(*a):
    print(*a, file=sys.stderr, flush=True)


def start(cmd, **kw):
    p = subprocess.Popen(cmd, **kw)
    children.append(p)
    return p


def stop(p):
    if p.poll() is None:
        p.terminate()
        try:
            p.wait(5)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()
    if p in children:
        children.remove(p)


def stop_all():
    for p in list(children):
        stop(p)


# ---- services --------------------------------------------------------------

class Bind:
    def __init__(self, tmp, zones):
        self.dir = os.path.join(tmp, "bind")
        os.makedirs(self.dir, exist_ok=True)
        conf = os.path.join(self.dir, "named.conf")
        with open(conf, "w") as f:
            f.write("""options {
    directory "%s";
    listen-on port %d { 127.0.0.1; };
    listen-on-v6 { none; };
    recursion no;
    dnssec-validation no;
    pid-file none;
    session-keyfile none;
    managed-keys-directory "%s";
    notify no;
    allow-transfer { none; };
    minimal-responses yes;
    // The default receive buffer (208 KiB), as a server the tool meets
    // has it: a burst that overflows it is the tool's to avoid
    // (src/lib/resolve/window.h), not the benchmark's to absorb.
    // BIND 9.18 refuses RRsets over 100 records by default; the 500-query
    // scenario (gen_batch.py, wide.example) has 250 MX records a domain.
    max-records-per-type 0;
};
controls { };
logging { category default { null; }; category lame-servers { null; }; };
""" % (self.dir, BIND_PORT, self.dir))
            for origin, path in zones:
                f.write('zone "%s" { type primary; file "%s"; };\n' % (origin, path))
        self.log = open(os.path.join(self.dir, "named.log"), "w")
        # Two worker threads: the machine has two cores, shared with the
        # proxy and the tool.
        self.proc = start(["named", "-g", "-4", "-n", "2", "-c", conf],
                          stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.time() + 60
        while time.time() < deadline:
            if self.proc.poll() is not None:
                break
            r = subprocess.run(["dig", "+short", "+time=1", "+tries=1", "-p", str(BIND_PORT),
                                "@127.0.0.1", "SOA", "example"],
                               capture_output=True, text=True)
            if r.stdout.strip():
                return
            time.sleep(0.2)
        raise SystemExit("BIND did not start; see %s" % self.log.name)


class Proxy:
    def __init__(self, build, tmp, listen, upstream, rtt_ms, name="proxy"):
        self.stats = os.path.join(tmp, name + ".stats")
        ready = os.path.join(tmp, name + ".ready")
        if os.path.exists(ready):
            os.unlink(ready)
        self.proc = start([os.path.join(build, "bench", "delayproxy"), "-l", listen,
                           "-u", upstream, "-r", str(rtt_ms), "-s", self.stats,
                           "-T", "3600", "-p", ready])
        for _ in range(100):
            if os.path.exists(ready):
                return
            time.sleep(0.05)
        raise SystemExit("delayproxy did not start")

    def collect(self):
        """Counters since the last call (the proxy resets on SIGUSR1)."""
        if os.path.exists(self.stats):
            os.unlink(self.stats)
        self.proc.send_signal(signal.SIGUSR1)
        for _ in range(400):
            if os.path.exists(self.stats):
                break
            time.sleep(0.005)
        out = {"questions": {}}
        with open(self.stats) as f:
            for line in f:
                parts = line.split()
                if parts[0] == "q":
                    out["questions"][(parts[3], int(parts[2]))] = int(parts[1])
                else:
                    out[parts[0]] = int(parts[1])
        return out

    def close(self):
        stop(self.proc)


# ---- running one tool ---------------------------------------------------------

def run_once(cmd, out_path, limit=RUN_LIMIT_S):
    """Wall time (s), peak RSS (KiB), exit status, output and CPU time (s)
    of one run, measured by bench/runone (see there why not from here)."""
    r = subprocess.run([RUNONE, str(int(limit * 1000)), out_path] + cmd, capture_output=True,
                       text=True, timeout=limit + 30)
    wall_us, rss, rc, cpu_us = (int(x) for x in r.stdout.split())
    with open(out_path, errors="replace") as f:
        text = f.read()
    return wall_us / 1e6, rss, rc, text, cpu_us / 1e6


def peer_result(text):
    m = re.search(r"\b(%s)\b" % "|".join(RESULT_WORDS), text.lower())
    return m.group(1) if m else "?"


def tm_result(text):
    try:
        doc = json.loads(text)
        r = doc["results"][0]
        return "%s (%d checks, %s lookups)" % (r["verdict"], len(r["checks"]),
                                               (r.get("spf") or {}).get("lookups"))
    except (ValueError, KeyError, IndexError, TypeError):
        return "?"


def versions():
    v = {}
    def q(pkg):
        r = subprocess.run(["dpkg-query", "-W", "-f=${Version}", pkg], capture_output=True,
                           text=True)
        return r.stdout.strip() or "?"
    v["pyspf"] = q("python3-spf")
    v["libspf2"] = q("libspf2-2")
    v["mailspf"] = q("libmail-spf-perl")
    v["bind"] = q("bind9")
    try:
        with open(os.path.join(HERE, "node_modules", "mailauth", "package.json")) as f:
            v["mailauth"] = json.load(f)["version"]
    except OSError:
        v["mailauth"] = "?"
    return v


def tools(build, ver):
    tm = os.path.join(build, "tmems-check")
    node_bin = os.path.join(HERE, "node_modules", ".bin", "mailauth")
    return [
        ("tmems-check (all checks)", "tm",
         [tm, "--format", "json", "--color", "never", DOMAIN], tm_result),
        ("tmems-check --max-queries 1", "tm1",
         [tm, "--format", "json", "--color", "never", "--max-queries", "1", DOMAIN], tm_result),
        ("pyspf %s" % ver["pyspf"], "peer",
         ["/usr/bin/python3", "/usr/lib/python3/dist-packages/spf.py", CLIENT_IP, SENDER, DOMAIN],
         peer_result),
        ("libspf2 spfquery %s" % ver["libspf2"], "peer",
         ["spfquery.libspf2", "-ip", CLIENT_IP, "-sender", SENDER, "-helo", DOMAIN], peer_result),
        ("Mail::SPF spfquery %s" % ver["mailspf"], "peer",
         ["spfquery.mail-spf-perl", "--scope", "mfrom", "--id", SENDER, "--ip", CLIENT_IP,
          "--helo-id", DOMAIN], peer_result),
        ("mailauth %s" % ver["mailauth"], "peer",
         ["node", node_bin, "spf", "-f", SENDER, "-i", CLIENT_IP, "-e", DOMAIN, "-m", "bench",
          "-o"], peer_result),
    ]


# ---- the parts ------------------------------------------------------------------

def proxy_ceiling(build, tmp, rtt, quick):
    """The proxy alone (the load generator answers as upstream) and the proxy
    with BIND behind it, both at the configured delay."""
    lg = os.path.join(build, "bench", "loadgen")
    out = {}
    p = Proxy(build, tmp, CEIL_PROXY, CEIL_ECHO, rtt, "ceiling")
    try:
        n = 100000 if quick else 300000
        r = subprocess.run([lg, "-t", CEIL_PROXY, "-e", CEIL_ECHO, "-n", str(n), "-w", "4096",
                            "-T", "20"], capture_output=True, text=True, timeout=40)
        out["alone"] = parse_loadgen(r.stdout)
        out["alone"]["window"] = 4096
    finally:
        p.close()
    return out


def bind_ceiling(build, rtt, quick):
    lg = os.path.join(build, "bench", "loadgen")
    n = 50000 if quick else 150000
    r = subprocess.run([lg, "-t", PROXY, "-n", str(n), "-w", "2048", "-T", "20",
                        "-q", "spf.tmems-jp.trendmicro.com", "-y", "16"],
                       capture_output=True, text=True, timeout=40)
    res = parse_loadgen(r.stdout)
    res["window"] = 2048
    return res


def parse_loadgen(text):
    words = text.split()
    d = {}
    for k, v in zip(words[0::2], words[1::2]):
        try:
            d[k] = float(v)
        except ValueError:
            pass
    return d


def single_domain(build, tmp, proxy, rtt, runs, ver):
    rows = {}
    tl = tools(build, ver)
    # One warm-up run each (page cache, node's compile cache), not counted.
    for name, kind, cmd, parse in tl:
        run_once(cmd, os.path.join(tmp, "warm.out"))
    proxy.collect()
    for i in range(runs):
        for name, kind, cmd, parse in tl:
            wall, rss, rc, text, cpu = run_once(cmd, os.path.join(tmp, "one.out"))
            st = proxy.collect()
            r = rows.setdefault(name, {"kind": kind, "walls": [], "rss": [], "queries": [],
                                       "cpus": [], "result": None, "rc": rc, "tcp": 0})
            r["walls"].append(wall)
            r["cpus"].append(cpu)
            r["rss"].append(rss)
            r["queries"].append(st["queries"])
            r["tcp"] = max(r["tcp"], st["tcp_queries"])
            r["result"] = parse(text)
            r["rc"] = rc
            if r["result"] == "?":
                log("  %s gave no result (exit %d):\n%s" % (name, rc, text[:2000]))
    for r in rows.values():
        r["median_ms"] = statistics.median(r["walls"]) * 1000
        r["cpu_ms"] = statistics.median(r["cpus"]) * 1000
        r["rss_kib"] = max(r["rss"])
        r["median_queries"] = statistics.median(r["queries"])
    return rows


def lookups_of(build, tmp):
    """spf.lookups and fetch rounds of the enterprise domain, from the JSON."""
    _, _, _, text, _ = run_once([os.path.join(build, "tmems-check"), "--format", "json", DOMAIN],
                             os.path.join(tmp, "lk.out"))
    try:
        return json.loads(text)["results"][0]["spf"]["lookups"]
    except (ValueError, KeyError, IndexError, TypeError):
        return None


def batch(build, tmp, proxy, domains_file, count, jobs, runs):
    tm = os.path.join(build, "tmems-check")
    res = []
    for i in range(runs):
        proxy.collect()
        out = os.path.join(tmp, "batch.out")
        cmd = [tm, "-j", str(jobs), "-f", domains_file, "--format", "jsonl", "--color", "never"]
        wall, rss, rc, _, cpu = run_once(cmd, out, limit=300)
        st = proxy.collect()
        verdicts = {}
        lines = 0
        with open(out, errors="replace") as f:
            for line in f:
                try:
                    v = json.loads(line)["verdict"]
                except (ValueError, KeyError, TypeError):
                    continue
                lines += 1
                verdicts[v] = verdicts.get(v, 0) + 1
        q = st["questions"]
        res.append({"wall": wall, "cpu": cpu, "rss_kib": rss, "rc": rc, "results": lines,
                    "verdicts": verdicts, "queries": st["queries"], "distinct": st["distinct"],
                    "most_asked": st["most_asked"], "tcp": st["tcp_queries"],
                    "shared": {n: q.get((n, t), 0) for n, t in
                               (("spf.tmems-jp.trendmicro.com", 16), ("_spf.google.com", 16),
                                ("_netblocks.google.com", 16))},
                    "repeated": st["repeated"],
                    "top_repeated": sorted(((c, n, t) for (n, t), c in q.items() if c > 1),
                                           reverse=True)[:5]})
        log("  batch run %d: %.2f s, %d results, peak RSS %.1f MiB, %d queries"
            % (i + 1, wall, lines, rss / 1024, st["queries"]))
    res.sort(key=lambda r: r["wall"])
    med = res[len(res) // 2]
    med["walls"] = [r["wall"] for r in res]
    med["rss_max_kib"] = max(r["rss_kib"] for r in res)
    return med


def peer_sequential(tmp, cmd_for, domains, limit_s=60):
    """A peer checking one batch domain after another: ms per domain."""
    t0 = time.perf_counter()
    done = 0
    for d in domains:
        run_once(cmd_for(d), os.path.join(tmp, "peerseq.out"))
        done += 1
        if time.perf_counter() - t0 > limit_s:
            break
    return (time.perf_counter() - t0) * 1000 / done, done


def callgrind(build, tmp, args, tag):
    out = os.path.join(tmp, "callgrind.%s.out" % tag)
    cmd = ["valgrind", "--tool=callgrind", "--callgrind-out-file=" + out,
           os.path.join(build, "tmems-check"), "--timeout", "10000", "--color", "never"] + args
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=600)
    total = None
    with open(out) as f:
        for line in f:
            if line.startswith("totals:") or line.startswith("summary:"):
                total = int(line.split()[1])
    ann = subprocess.run(["callgrind_annotate", "--inclusive=no", out], capture_output=True,
                         text=True).stdout
    top = []
    for line in ann.splitlines():
        m = re.match(r"\s*([\d,]+)\s+\(\s*([\d.]+)%\)\s+(\S.*?)\s*(\[.*\])?\s*$", line)
        if m and "PROGRAM TOTALS" not in line and not line.strip().startswith("Ir"):
            fn = m.group(3)
            fn = fn.split(":", 1)[1] if ":" in fn else fn
            obj = os.path.basename((m.group(4) or "[]")[1:-1])
            if fn.startswith("0x") and obj:
                fn = "%s (no symbol)" % obj     # a stripped library's function
            elif obj and "tmems-check" not in obj:
                fn = "%s (%s)" % (fn, obj)
            top.append((int(m.group(1).replace(",", "")), float(m.group(2)), fn))
        if len(top) == 3:
            break
    # Where the instructions go, inclusive of what each part calls.
    inc = subprocess.run(["callgrind_annotate", "--inclusive=yes", out], capture_output=True,
                         text=True).stdout
    parts = {}
    for label, fn in PARTS:
        m = re.search(r"^\s*([\d,]+)\s+\(\s*[\d.]+%\)\s+\S*:" + re.escape(fn) + r" \[", inc,
                      re.M)
        if m:
            parts[label] = parts.get(label, 0) + int(m.group(1).replace(",", ""))
    return total, top, parts


# ---- the report --------------------------------------------------------------------

def fmt_ms(v):
    return "%.0f ms" % v if v >= 10 else "%.1f ms" % v


def report(R):
    L = []
    cp = R["critpath"]
    rtt = R["rtt"]
    L.append("tmems-check benchmark (%s; %d runs each, medians; 2 cores, load average %s "
             "at the start)" % (R["when"], R["runs"], R["load"]))
    L.append("")
    L.append("Delay model: RTT = the round trip the proxy adds to every query; it holds each "
             "query RTT/2 before")
    L.append("forwarding it to BIND and each answer RTT/2 before returning it (TCP: every chunk, "
             "each way).")
    a = R["ceiling"]["alone"]
    b = R["ceiling"]["bind"]
    L.append("Proxy ceiling at %d ms RTT: %s queries/s alone (load generator as upstream, %d in "
             "flight, %d lost),"
             % (rtt, "{:,.0f}".format(a.get("qps", 0)), a["window"], a.get("lost", 0)))
    L.append("  %s queries/s with BIND 9.18 behind it (%d in flight, %d lost)."
             % ("{:,.0f}".format(b.get("qps", 0)), b["window"], b.get("lost", 0)))
    L.append("")
    L.append("One domain: %s, %d lookups, %d queries for a one-at-a-time check_host(),"
             % (DOMAIN, cp["lookups"], cp["sequential_queries"]))
    L.append("  critical path %d round trips (per level: %s questions) = %d ms at %d ms RTT."
             % (cp["critical_path"], "/".join(str(v) for v in cp["per_level"].values()),
                cp["critical_path"] * rtt, rtt))
    L.append("")
    L.append("| tool | result | queries | wall at 0 ms RTT | wall at %d ms RTT | x critical path "
             "| CPU | peak RSS |" % rtt)
    L.append("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for name, r in R["one"][rtt].items():
        r0 = R["one"][0].get(name, {})
        L.append("| %s | %s | %d | %s | %s | %.2f | %s | %.1f MiB |"
                 % (name, r["result"], r["median_queries"], fmt_ms(r0.get("median_ms", 0)),
                    fmt_ms(r["median_ms"]), r["median_ms"] / (cp["critical_path"] * rtt),
                    fmt_ms(r["cpu_ms"]), r["rss_kib"] / 1024))
    L.append("")
    one = R["one"][rtt]
    tm = one["tmems-check (all checks)"]
    peers = [(r["median_ms"], n) for n, r in one.items() if r["kind"] == "peer"]
    fastest = min(peers)
    ratio_cp = tm["median_ms"] / (cp["critical_path"] * rtt)
    speed = fastest[0] / tm["median_ms"]
    tm1 = one["tmems-check --max-queries 1"]
    L.append("Targets at %d ms RTT:" % rtt)
    L.append("- one domain, all checks: %s = %.2f x the critical path (target <= 1.2): %s"
             % (fmt_ms(tm["median_ms"]), ratio_cp, "met" if ratio_cp <= 1.2 else "NOT met"))
    L.append("- %.1f x faster than the fastest peer, %s at %s (target >= 3.5): %s"
             % (speed, fastest[1], fmt_ms(fastest[0]), "met" if speed >= 3.5 else "NOT met"))
    L.append("- one domain peak RSS %.1f MiB (target < 16): %s"
             % (tm["rss_kib"] / 1024, "met" if tm["rss_kib"] < 16 * 1024 else "NOT met"))
    L.append("- with and without concurrency: %s lookups; default %s (%d queries), "
             "--max-queries 1 %s (%d queries), %.1f x"
             % (R["lookups"], fmt_ms(tm["median_ms"]), tm["median_queries"],
                fmt_ms(tm1["median_ms"]), tm1["median_queries"],
                tm1["median_ms"] / tm["median_ms"]))
    B = R.get("batch")
    if B:
        n = R["batch_count"]
        L.append("- %s domains, -j %d: %.2f s (runs: %s; target <= 10 s): %s; %d results %s; "
                 "CPU %.2f s"
                 % ("{:,}".format(n), R["jobs"], B["wall"],
                    ", ".join("%.2f" % w for w in B["walls"]),
                    "met" if B["wall"] <= 10 else "NOT met", B["results"],
                    json.dumps(B["verdicts"], sort_keys=True), B["cpu"]))
        L.append("- batch peak RSS %.1f MiB (target < 64): %s"
                 % (B["rss_max_kib"] / 1024, "met" if B["rss_max_kib"] < 64 * 1024 else "NOT met"))
        L.append("- batch queries at the proxy: %s = %.2f per domain, %s distinct, the most "
                 "asked question %d x; %d over TCP"
                 % ("{:,}".format(B["queries"]), B["queries"] / n, "{:,}".format(B["distinct"]),
                    B["most_asked"], B["tcp"]))
        L.append("- shared names asked per run: %s (target: once each)%s"
                 % (", ".join("%s TXT %d x" % (k, v) for k, v in B["shared"].items()),
                    "" if B["repeated"] == 0 else "; %d questions asked more than once, e.g. %s"
                    % (B["repeated"], ", ".join("%s/%d %d x" % (nm, t, c)
                                                 for c, nm, t in B["top_repeated"]))))
        L.append("- the proxy carried %s queries/s on average in the batch (its ceiling: %s)"
                 % ("{:,.0f}".format(B["queries"] / B["wall"]),
                    "{:,.0f}".format(a.get("qps", 0))))
    if R.get("peer_seq"):
        ms, k, name = R["peer_seq"]
        L.append("- for scale: %s checking batch domains one after another: %s a domain "
                 "(%d domains), %.0f min for 10,000" % (name, fmt_ms(ms), k, ms * 10000 / 60000))
    C = R.get("cpu")
    if C:
        L.append("")
        L.append("CPU (valgrind --tool=callgrind, instructions, 0 ms RTT):")
        L.append("- one domain, whole process: %s instructions" % "{:,}".format(C["one"]))
        L.append("- batch of %d domains: %s instructions = %s per domain (process start "
                 "included); marginal %s per domain"
                 % (C["n"], "{:,}".format(C["batch"]), "{:,.0f}".format(C["batch"] / C["n"]),
                    "{:,.0f}".format((C["batch"] - C["one"]) / (C["n"] - 1))))
        L.append("- top three functions by own instructions in the batch: %s"
                 % "; ".join("%s %.1f%%" % (fn, pct) for _, pct, fn in C["top_batch"]))
        if C.get("parts"):
            L.append("- per domain in the batch, inclusive: %s"
                     % "; ".join("%s %s" % (k, "{:,.0f}".format(v / C["n"]))
                                 for k, v in C["parts"].items()))
        L.append("- top three in one domain: %s"
                 % "; ".join("%s %.1f%%" % (fn, pct) for _, pct, fn in C["top_one"]))
    return "\n".join(L)


def write_readme(path, text, repro):
    with open(path) as f:
        doc = f.read()
    start, end = "<!-- bench:results -->", "<!-- /bench:results -->"
    if start not in doc or end not in doc:
        log("README has no results markers; not updated")
        return
    block = "%s\n%s\n\n```\n%s\n```\n%s" % (start, repro, text, end)
    doc = doc[:doc.index(start)] + block + doc[doc.index(end) + len(end):]
    with open(path, "w") as f:
        f.write(doc)


# ---- main ----------------------------------------------------------------------------

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", required=True)
    ap.add_argument("--tmp", required=True)
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--write-readme")
    ap.add_argument("--rtt", type=int, default=20)
    ap.add_argument("--before", help="another tmems-check build: the network scenarios run "
                    "both, side by side (bench/netbench.py)")
    ap.add_argument("--net-only", action="store_true",
                    help="only the network scenarios (with --before: before and after)")
    ap.add_argument("--batch-only", action="store_true",
                    help="with --net-only: only the 10,000-domain batch at the RTT")
    args = ap.parse_args()
    build, tmp, quick, rtt = args.build, args.tmp, args.quick, args.rtt
    global RUNONE
    RUNONE = os.path.join(build, "bench", "runone")
    runs = 3 if quick else 7
    count = 10000
    jobs = 256
    subprocess.run(["ip", "link", "set", "lo", "up"], check=True)
    with open("/etc/resolv.conf") as f:
        if "127.0.0.1" not in f.read():
            raise SystemExit("/etc/resolv.conf does not name 127.0.0.1: not inside the "
                             "benchmark's namespace?")

    R = {"when": time.strftime("%Y-%m-%d"), "runs": runs, "rtt": rtt, "jobs": jobs,
         "batch_count": count, "load": "%.1f" % os.getloadavg()[0]}
    gen = os.path.join(tmp, "gen")
    subprocess.run(["/usr/bin/python3", os.path.join(HERE, "gen_batch.py"), gen, str(count)],
                   check=True)
    zones = []
    for fn in sorted(os.listdir(os.path.join(HERE, "zones"))):
        if fn.endswith(".zone") and fn != "tmems-jp.trendmicro.com.zone":
            zones.append((fn[:-5], os.path.join(HERE, "zones", fn)))
    zones.append(("tmems-jp.trendmicro.com", os.path.join(gen, "tmems-jp.trendmicro.com.zone")))
    zones.append(("example", os.path.join(gen, "example.zone")))
    zones.append(("wide.example", os.path.join(gen, "wide.example.zone")))
    R["critpath"] = critpath.analyse(DOMAIN, [z for o, z in zones
                                              if o not in ("example", "wide.example")])
    ver = versions()
    R["versions"] = ver
    help_text = subprocess.run([os.path.join(build, "tmems-check"), "--help"],
                               capture_output=True, text=True).stdout
    has_jobs = re.search(r"^\s*-j\b", help_text, re.M) is not None

    log("starting BIND 9 with %d zones (%d batch domains)..." % (len(zones), count))
    Bind(tmp, zones)
    builds = [("after", os.path.join(build, "tmems-check"))]
    if args.before:
        builds.insert(0, ("before", os.path.abspath(args.before)))
    if args.net_only or args.before:
        def make_proxy(delay):
            return Proxy(build, tmp, PROXY, "127.0.0.1:%d" % BIND_PORT, delay)
        try:
            log("network scenarios: %s..." % ", ".join(n for n, _ in builds))
            R["net"] = netbench.measure(builds, RUNONE, tmp, make_proxy, BIND_PORT, rtt, gen,
                                        quick, args.batch_only)
        finally:
            if args.net_only:
                stop_all()
    if args.net_only:
        text = netbench.report(R["net"])
        print(text, flush=True)
        with open(os.path.join(build, "bench", "results-net.json"), "w") as f:
            json.dump(R["net"], f, indent=1, default=str)
        with open(os.path.join(build, "bench", "table-net.txt"), "w") as f:
            f.write(text + "\n")
        return
    try:
        R["ceiling"] = proxy_ceiling(build, tmp, rtt, quick)
        log("proxy ceiling alone: %.0f qps" % R["ceiling"]["alone"].get("qps", 0))
        R["one"] = {}
        for delay in (0, rtt):
            proxy = Proxy(build, tmp, PROXY, "127.0.0.1:%d" % BIND_PORT, delay)
            try:
                if delay == rtt:
                    R["ceiling"]["bind"] = bind_ceiling(build, rtt, quick)
                    proxy.collect()
                    log("proxy + BIND ceiling: %.0f qps" % R["ceiling"]["bind"].get("qps", 0))
                log("one domain at %d ms RTT, %d runs per tool..." % (delay, runs))
                R["one"][delay] = single_domain(build, tmp, proxy, delay, runs, ver)
                if delay == rtt:
                    R["lookups"] = lookups_of(build, tmp)
                    if has_jobs:
                        log("batch: %d domains, -j %d, %d ms RTT..." % (count, jobs, rtt))
                        R["batch"] = batch(build, tmp, proxy, os.path.join(gen, "domains.txt"),
                                           count, jobs, 1 if quick else 3)
                    else:
                        log("tmems-check --help lists no -j: the batch part is skipped")
                        R["batch_skipped"] = "no -j in tmems-check --help"
                    peers = [(r["median_ms"], n) for n, r in R["one"][rtt].items()
                             if r["kind"] == "peer"]
                    fastest = min(peers)[1]
                    cmd = next(c for n, k, c, p in tools(build, ver) if n == fastest)
                    with open(os.path.join(gen, "domains.txt")) as f:
                        doms = [d.strip() for d in f][:10 if quick else 30]
                    def cmd_for(d, cmd=cmd):
                        return [a.replace(DOMAIN, d) for a in cmd]
                    ms, k = peer_sequential(tmp, cmd_for, doms)
                    R["peer_seq"] = (ms, k, fastest)
            finally:
                proxy.close()
        # CPU: instructions under callgrind, no delay.
        proxy = Proxy(build, tmp, PROXY, "127.0.0.1:%d" % BIND_PORT, 0)
        try:
            n = 200 if quick else 1000
            with open(os.path.join(gen, "domains.txt")) as f:
                doms = [d.strip() for d in f][:n]
            sub = os.path.join(tmp, "cpu-domains.txt")
            with open(sub, "w") as f:
                f.write("\n".join(doms) + "\n")
            log("callgrind: one domain, then %d domains..." % n)
            one, top_one, _ = callgrind(build, tmp, ["--format", "json", DOMAIN], "one")
            bargs = (["-j", str(jobs)] if has_jobs else []) + ["-f", sub, "--format", "jsonl"]
            tot, top_b, parts = callgrind(build, tmp, bargs, "batch")
            R["cpu"] = {"one": one, "batch": tot, "n": n, "top_one": top_one, "top_batch": top_b,
                        "parts": parts}
        finally:
            proxy.close()
    finally:
        stop_all()

    text = report(R)
    if R.get("net"):
        text += "\n\n" + netbench.report(R["net"])
    print(text, flush=True)
    # Kept beside the build (the temp dir goes with the namespace).
    with open(os.path.join(build, "bench", "results.json"), "w") as f:
        json.dump(R, f, indent=1, default=str)
    with open(os.path.join(build, "bench", "table.txt"), "w") as f:
        f.write(text + "\n")
    if args.write_readme:
        repro = ("Produced by `bash bench/run.sh%s` on %s (2 cores); %s."
                 % (" --quick" if quick else "", R["when"],
                    subprocess.run([os.path.join(build, "tmems-check"), "--version"],
                                   capture_output=True, text=True).stdout.strip()))
        write_readme(args.write_readme, text, repro)


if __name__ == "__main__":
    try:
        main()
    finally:
        stop_all()
