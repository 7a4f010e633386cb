#!/usr/bin/env python3
"""h2load numbers and the Markdown report of bench/h2-servers.sh (stdlib only).

    h2report.py fields                      -> the CSV columns `stats` prints
    h2report.py stats H2LOAD_OUTPUT LOGFILE -> one CSV fragment for a run
    h2report.py report CSV META_JSON        -> prints the Markdown report

h2load prints no percentiles, so they come from its --log-file (one line per request: start time
in µs, status, duration in µs). `ok_rps` is 2xx responses per second of h2load's own measured time.
"""
import csv
import json
import re
import statistics
import sys

FIELDS = ["protocol", "ok_rps", "requests", "succeeded", "failed", "errored", "timeout",
          "s2xx", "s4xx", "s5xx", "p50_ms", "p90_ms", "p99_ms", "max_ms"]
SERVERS = ["minihttp", "tomcat", "jetty"]
PEERS = ["tomcat", "jetty"]
THROUGHPUT_TARGET = 1.15
RESET_TARGET = 0.90


# ---------------------------------------------------------------- one run
def percentile(sorted_xs, q):
    if not sorted_xs:
        return None
    k = max(0, min(len(sorted_xs) - 1, int(round(q * len(sorted_xs) + 0.5)) - 1))
    return sorted_xs[k]


def stats(out_path, log_path):
    text = open(out_path, errors="replace").read()
    v = {k: "" for k in FIELDS}
    m = re.search(r"Application protocol: (\S+)", text)
    v["protocol"] = m.group(1) if m else "none"
    m = re.search(r"finished in ([\d.]+)(m?s),", text)
    secs = None
    if m:
        secs = float(m.group(1)) / (1000 if m.group(2) == "ms" else 1)
    m = re.search(r"requests: (\d+) total, \d+ started, \d+ done, (\d+) succeeded, (\d+) failed, (\d+) errored, (\d+) timeout", text)
    if m:
        v["requests"], v["succeeded"], v["failed"], v["errored"], v["timeout"] = m.groups()
    m = re.search(r"status codes: (\d+) 2xx, \d+ 3xx, (\d+) 4xx, (\d+) 5xx", text)
    if m:
        v["s2xx"], v["s4xx"], v["s5xx"] = m.groups()
    if secs and v["s2xx"] != "":
        v["ok_rps"] = f"{int(v['s2xx']) / secs:.1f}"
    else:
        v["ok_rps"] = "0"
    durations = []
    try:
        with open(log_path, errors="replace") as f:
            for line in f:
                parts = line.split("\t")
                if len(parts) >= 3:
                    try:
                        durations.append(int(parts[2]))
                    except ValueError:
                        pass
    except OSError:
        pass
    durations.sort()
    for key, q in (("p50_ms", 0.50), ("p90_ms", 0.90), ("p99_ms", 0.99), ("max_ms", 1.0)):
        p = percentile(durations, q)
        v[key] = "" if p is None else f"{p / 1000:.3f}"
    return ",".join(str(v[k]) for k in FIELDS)


# ---------------------------------------------------------------- report helpers
def num(row, key):
    x = row.get(key)
    try:
        return float(x) if x not in ("", None) else None
    except ValueError:
        return None


def med(xs):
    xs = [x for x in xs if x is not None]
    return statistics.median(xs) if xs else None


def fmt(x, digits=0):
    return "–" if x is None else f"{x:,.{digits}f}"


def fmt_ms(x):
    if x is None:
        return "–"
    return f"{x:.2f}" if x < 10 else f"{x:,.0f}"


def fmt_pct(x):
    return "–" if x is None else f"{100 * x:.0f} %"


def spread(xs, f=fmt):
    xs = sorted(x for x in xs if x is not None)
    if not xs:
        return "–"
    return f(xs[0]) if len(xs) == 1 else f"{f(xs[0])} – {f(xs[-1])}"


def cpu_per_k(row):
    cpu, n = num(row, "server_cpu_s"), num(row, "s2xx")
    return 1e6 * cpu / n if cpu is not None and n else None


def report(csv_path, meta_path):
    rows = list(csv.DictReader(open(csv_path)))
    meta = json.load(open(meta_path))
    measured = [r for r in rows if r["phase"] == "measure"]
    modes = meta["modes"].split()
    streams = meta["streams"].split()
    out = []
    w = out.append
    w("# HTTP/2: minihttp, Tomcat and Jetty behind the same Spring MVC app (h2load)")
    w("")
    w(f"`bench/h2-servers.sh`, {meta['date']}, {meta['minutes']} min{' (QUICK smoke run: not for quoting)' if meta['quick'] == '1' else ''}. "
      f"{meta['cpu']}, {meta['cpus_online']} CPUs; {meta['jdk']}; {meta['versions']}.")
    w("")
    w(f"Each server on CPU {meta['server_cpu']} (taskset), h2load (`-t {meta['h2load_threads']}`) and the attacker on CPU "
      f"{meta['wrk_cpu']}; JVM `{meta['jvm_opts']}`; pool {meta['threads']} threads, queue {meta['queue']}; "
      f"`server.http2.enabled=true`. Per mode all servers run at once; each was warmed {meta['warmup']} s, then "
      f"{meta['rounds']} rounds of {meta['duration']} s per scenario, servers taking turns (order rotated per round). "
      f"Medians over the rounds; spread = min – max. *p99* = the median over the rounds of each run's p99 "
      f"(from h2load's per-request log). *CPU/1k* = the server's CPU ms per 1,000 2xx responses, which "
      f"varies less than req/s on a shared machine. Each run asks h2load for a number of requests sized "
      f"from the previous rate (h2load's timed mode can hang over TLS), so its length varies: *run s*.")
    w("")
    w(f"Load average at the start: `{meta['uptime_start'].strip()}`; at the end: `{meta['uptime_end'].strip()}`.")
    loads = [num(r, "load1") for r in measured]
    loads = [x for x in loads if x is not None]
    if loads:
        w(f"1-minute load average seen at the start of the measured runs: median {med(loads):.1f}, max {max(loads):.1f} "
          f"on {meta['cpus_online']} CPUs.")
        if max(loads) > float(meta["cpus_online"]):
            w("")
            w(f"> **Disturbed run**: the load average passed the number of CPUs (up to {max(loads):.1f}): other work "
              f"shared the machine, so these numbers are noisy and only the CPU/1k column compares well.")
    w("")
    if meta.get("skips"):
        w("Skipped:")
        for s in meta["skips"]:
            w(f"- {s}")
        w("")
    bad = sorted({(r["mode"], r["server"], r["protocol"]) for r in measured
                  if r["protocol"] not in ("h2", "h2c")})
    for mode, server, proto in bad:
        w(f"- WARNING: {server} in {mode}: h2load negotiated `{proto}`, not HTTP/2, in some runs")

    for mode in modes:
        mrows = [r for r in measured if r["mode"] == mode]
        if not mrows:
            continue
        title = "h2c (prior knowledge)" if mode == "h2c" else "h2 (TLS + ALPN)"
        for sc in ("plaintext", "json"):
            for m in streams:
                rs = [r for r in mrows if r["scenario"] == sc and r["streams"] == m]
                if not rs:
                    continue
                conns = rs[0]["connections"]
                w(f"## {title}, {sc}, {m} stream{'s' if m != '1' else ''} per connection × {conns} connections")
                w("")
                w("| server | req/s (median) | spread | p50 ms | p99 ms | CPU/1k ms | non-2xx / failed | run s (median) | load1 during |")
                w("|---|---:|---|---:|---:|---:|---:|---:|---|")
                best = {}
                for s in SERVERS:
                    sr = [r for r in rs if r["server"] == s]
                    if not sr:
                        continue
                    rps = [num(r, "ok_rps") for r in sr]
                    p99 = med([num(r, "p99_ms") for r in sr])
                    best[s] = (med(rps), p99)
                    bad_n = sum(int(num(r, "s4xx") or 0) + int(num(r, "s5xx") or 0) + int(num(r, "failed") or 0) for r in sr)
                    w(f"| {s} | {fmt(med(rps))} | {spread(rps)} | {fmt_ms(med([num(r, 'p50_ms') for r in sr]))} | "
                      f"{fmt_ms(p99)} | {fmt(med([cpu_per_k(r) for r in sr]), 1)} | {bad_n} | "
                      f"{fmt(med([num(r, 'wall_s') for r in sr]), 1)} | {spread([num(r, 'load1') for r in sr], lambda x: f'{x:.1f}')} |")
                for s in SERVERS:
                    sr = [r for r in rs if r["server"] == s]
                    lost = sum(int(num(r, "failed") or 0) for r in sr)
                    asked = sum(int(num(r, "requests") or 0) for r in sr)
                    if lost:
                        w("")
                        w(f"> **{s}: {lost:,} of {asked:,} requests failed** (h2load: stream reset or connection lost "
                          f"before a response). Its req/s counts 2xx only and is not comparable with a server that "
                          f"answered everything.")
                peers = [best[p] for p in PEERS if p in best and best[p][0]]
                if "minihttp" in best and best["minihttp"][0] and peers:
                    top = max(peers, key=lambda x: x[0])
                    ratio = best["minihttp"][0] / top[0]
                    lower = best["minihttp"][1] is not None and top[1] is not None and best["minihttp"][1] < top[1]
                    ok = ratio >= THROUGHPUT_TARGET and lower
                    failed = any(int(num(r, "failed") or 0) for r in rs if r["server"] == "minihttp")
                    verdict = "not judged: minihttp lost requests" if failed else ("met" if ok else "not met")
                    w("")
                    w(f"minihttp / faster peer: **{ratio:.2f}×** req/s, p99 {'lower' if lower else 'not lower'} "
                      f"(target ≥ {THROUGHPUT_TARGET}× at lower p99: {verdict}).")
                w("")

    rr = [r for r in measured if r["scenario"].startswith("rapid-reset")]
    if rr:
        w("## Rapid reset (CVE-2023-44487) beside normal traffic")
        w("")
        w(f"Normal traffic: h2load GET /plaintext, {meta['rr_connections']} connections × {meta['rr_streams']} streams. "
          f"Attacker (`bench/rapidreset.py`): {meta['rr_attack_connections']} connections, each writing "
          f"{meta['rr_batch']} HEADERS + RST_STREAM(CANCEL) pairs at a time, reconnecting whenever the server ends "
          f"a connection; CPU cap: {meta.get('attacker_cap') or 'none'}. Per round: alone (A), beside the attacker "
          f"(B), alone again (A'); *kept* = B / mean(A, A') per round, median over rounds.")
        w("")
        w("| mode | server | alone req/s (A) | attacked req/s (B) | alone after (A') | kept | spread of kept | p99 ms alone → attacked | attacker streams/s | attacker connections | GOAWAYs (codes) | normal non-2xx / failed when attacked |")
        w("|---|---|---:|---:|---:|---:|---|---|---:|---:|---|---:|")
        for mode in modes:
            for s in SERVERS:
                rounds = sorted({r["round"] for r in rr if r["mode"] == mode and r["server"] == s})
                if not rounds:
                    continue
                a, b, a2, kept, p99a, p99b, ast, acon, gos, codes, badn = [], [], [], [], [], [], [], [], 0, {}, 0
                for rd in rounds:
                    get = {r["scenario"]: r for r in rr if r["mode"] == mode and r["server"] == s and r["round"] == rd}
                    ra, rb, ra2 = get.get("rapid-reset-before"), get.get("rapid-reset-attacked"), get.get("rapid-reset-after")
                    if not (ra and rb and ra2):
                        continue
                    va, vb, va2 = num(ra, "ok_rps"), num(rb, "ok_rps"), num(ra2, "ok_rps")
                    a.append(va), b.append(vb), a2.append(va2)
                    if va is not None and va2 is not None and (va + va2) > 0 and vb is not None:
                        kept.append(vb / ((va + va2) / 2))
                    p99a.append(num(ra, "p99_ms")), p99b.append(num(rb, "p99_ms"))
                    ast.append(num(rb, "attack_streams_per_s"))
                    acon.append(num(rb, "attack_connections"))
                    gos += int(num(rb, "attack_goaways") or 0)
                    for c in (rb.get("attack_goaway_codes") or "").split():
                        if ":" in c:
                            k, n = c.split(":", 1)
                            codes[k] = codes.get(k, 0) + int(n)
                    badn += int(num(rb, "s4xx") or 0) + int(num(rb, "s5xx") or 0) + int(num(rb, "failed") or 0) + int(num(rb, "errored") or 0)
                names = {"0": "NO_ERROR", "1": "PROTOCOL_ERROR", "2": "INTERNAL_ERROR", "11": "ENHANCE_YOUR_CALM"}
                code_txt = ", ".join(f"{names.get(k, k)} ×{n}" for k, n in sorted(codes.items())) or "none"
                k_med = med(kept)
                flag = "" if k_med is None else (" ✓" if k_med >= RESET_TARGET else " ✗")
                w(f"| {mode} | {s} | {fmt(med(a))} | {fmt(med(b))} | {fmt(med(a2))} | {fmt_pct(k_med)}{flag} | "
                  f"{spread(kept, fmt_pct)} | {fmt_ms(med(p99a))} → {fmt_ms(med(p99b))} | {fmt(med(ast))} | "
                  f"{fmt(med(acon))} | {gos} ({code_txt}) | {badn} |")
        w("")
        w(f"✓ / ✗: the issue's target, the normal traffic keeps ≥ {RESET_TARGET:.0%} of its throughput. The attacker's "
          f"streams/s is what it managed to write (capped CPU): a server that ends the attacker's connections "
          f"early (GOAWAY) takes fewer streams from it.")
        w("")
    w("Raw rows: the CSV beside this file (warm-up rows included, phase `warmup`).")
    return "\n".join(out) + "\n"


def main():
    if len(sys.argv) >= 2 and sys.argv[1] == "fields":
        print(",".join(FIELDS))
    elif len(sys.argv) == 4 and sys.argv[1] == "stats":
        print(stats(sys.argv[2], sys.argv[3]))
    elif len(sys.argv) == 4 and sys.argv[1] == "report":
        sys.stdout.write(report(sys.argv[2], sys.argv[3]))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
