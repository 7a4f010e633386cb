#!/usr/bin/env python3
"""Summarise bench/https-servers.sh as Markdown (stdlib only).

    httpsreport.py CSV_FILE META_JSON_FILE  -> prints the Markdown report

CSV: one row per run (warm-up runs, measured rounds, slow-client measurements), written by the
shell script; `ok_rps` is 2xx/s for wrk and full handshakes/s for `openssl s_time`.
"""
import csv
import json
import os
import statistics
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from wrkstats import disturbed_banner  # noqa: E402

SERVERS = ["minihttp", "tomcat", "jetty"]
PEERS = ["tomcat", "jetty"]
TITLES = {
    "plaintext": "HTTPS keep-alive plaintext",
    "json": "HTTPS keep-alive JSON",
    "full": "new connections, full handshakes",
    "resumed": "new connections, resumed sessions",
}
UNITS = {"plaintext": "req/s", "json": "req/s", "full": "handshakes/s", "resumed": "handshakes/s"}
THROUGHPUT_TARGET = 1.15
HANDSHAKE_TARGET = 1.0
SLOW_TARGET = 0.90


def num(row, key):
    v = row.get(key, "")
    return float(v) if v not in ("", None) else None


def med(xs):
    xs = [x for x in xs if x is not None]
    return statistics.median(xs) if xs else None


def fmt(x, digits=0):
    if x is None:
        return "–"
    return f"{x:,.{digits}f}"


def fmt_ms(x):
    if x is None:
        return "–"
    return f"{x:.2f}" if x < 10 else f"{x:,.0f}"


def fmt_pct(x):
    return "–" if x is None else f"{100 * x:.0f} %"


def spread(xs):
    """min – max, and the interquartile range when there are at least 4 values."""
    xs = sorted(x for x in xs if x is not None)
    if not xs:
        return "–"
    s = f"{fmt(xs[0])} – {fmt(xs[-1])}"
    if len(xs) >= 4:
        q = statistics.quantiles(xs, n=4)
        s += f" (IQR {fmt(q[0])} – {fmt(q[2])})"
    return s


def cpu_per_k(row):
    """Server CPU ms per 1,000 requests (or handshakes) of this run; None without the columns."""
    cpu, reqs = num(row, "server_cpu_s"), num(row, "requests")
    return 1e6 * cpu / reqs if cpu is not None and reqs else None


def cpu_share(row):
    """The server's CPU time over the run's wall time: how much of its CPU it actually got."""
    cpu, wall = num(row, "server_cpu_s"), num(row, "wall_s")
    return cpu / wall if cpu is not None and wall else None


def errors(rows):
    non2xx = sum(int(num(r, "non_2xx_3xx") or 0) for r in rows)
    sock = sum(int(num(r, k) or 0) for r in rows for k in ("err_connect", "err_read", "err_write", "err_timeout"))
    return non2xx, sock


def main(argv):
    if len(argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    with open(argv[1], newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    with open(argv[2], encoding="utf-8") as fh:
        m = json.load(fh)
    servers = [s for s in SERVERS if s in m["servers"]]
    measured = [r for r in rows if r["phase"] == "measure"]
    scenarios = [sc for sc in TITLES if any(r["scenario"] == sc for r in measured)]

    def of(server, sc, phase="measure"):
        return [r for r in rows if r["phase"] == phase and r["server"] == server and r["scenario"] == sc]

    out = []
    a = out.append
    a("# HTTPS: Spring MVC on minihttp vs Tomcat vs Jetty")
    a("")
    if m.get("quick") == "1":
        a("> **Quick mode (smoke run):** short runs, one round; the numbers say nothing.")
        a("")
    a(f"- Date: {m['date']}; run took {m['minutes']} min")
    a(f"- Host CPU: {m['cpu']} ({m['cpus_online']} CPUs online). All servers run at the same time, each "
      f"pinned to CPU {m['server_cpu']} (`taskset`); wrk, openssl, the slow clients and the script to CPU "
      f"{m['wrk_cpu']}. Only 127.0.0.1 (ports: {m['ports']})")
    a(f"- JDK: {m['jdk']}; JVM flags (all three): `{m['jvm_opts']}`; {m['threads']} worker threads each")
    a(f"- Versions: {m['versions']}")
    a("- Certificate: made by the run with keytool: EC P-256 (secp256r1) key, self-signed "
      "SHA256withECDSA, SAN localhost + 127.0.0.1, in a PKCS12 key store given to all three as "
      "`server.ssl.key-store` (+ `key-store-type`, `key-store-password`, `key-alias`); protocols and "
      "ciphers left at each server's defaults")
    a(f"- Load average before: `{m['uptime_start'].strip()}`")
    a(f"- Load average after: `{m['uptime_end'].strip()}`")
    a("- The machine is shared (other sessions build and test on it during the run): absolute numbers "
      "are noisy; the servers take turns seconds apart, so the ratios are what to read.")
    a("")
    disturbed_banner(measured, a)

    # ------------------------------------------------------------ TLS negotiated
    a("## What each server negotiated (openssl s_client, once per server)")
    a("")
    a("| server | protocol | cipher suite | key exchange | signature | ALPN | resumes a session |")
    a("|---|---|---|---|---|---|---|")
    for s in servers:
        t = m["tls"].get(s, {})
        a(f"| {s} | {t.get('protocol', '?')} | {t.get('cipher', '?')} | {t.get('group', '?')} "
          f"| {t.get('signature', '?')} | {t.get('alpn', '?')} | {t.get('resumption', '?')} |")
    a("")

    # ------------------------------------------------------------ warm-up
    a(f"## Warm-up to a plateau (runs of {m['plateau_run']} s until two in a row agree within "
      f"{m['plateau_tol']} %, at most {m['plateau_cap']})")
    a("")
    warm_sc = [sc for sc in ["plaintext", "json", "full", "resumed"]
               if any(sc in m["warmup"].get(s, {}) for s in servers)]
    a("| server | startup to first HTTPS 200 | " + " | ".join(warm_sc) + " |")
    a("|---|---:|" + "---:|" * len(warm_sc))
    for s in servers:
        cells = []
        for sc in warm_sc:
            w = m["warmup"].get(s, {}).get(sc)
            if not w:
                cells.append("–")
                continue
            vals = [num(r, "ok_rps") for r in of(s, sc, "warmup")]
            trail = " → ".join(fmt(v) for v in vals)
            cells.append(f"{w['runs']} runs, {w['seconds']} s{'' if w['plateau'] else ' (cap, no plateau)'}: {trail}")
        a(f"| {s} | {int(m['startup_ms'].get(s, 0)) / 1000:.1f} s | " + " | ".join(cells) + " |")
    a("")

    # ------------------------------------------------------------ targets
    checks = []
    ratios_text = []
    for sc in scenarios:
        if "minihttp" not in servers:
            break
        mh = med(num(r, "ok_rps") for r in of("minihttp", sc))
        peers = [(p, med(num(r, "ok_rps") for r in of(p, sc))) for p in PEERS if p in servers]
        peers = [(p, v) for p, v in peers if v]
        if mh is None or not peers:
            continue
        best, ref = max(peers, key=lambda pv: pv[1])
        ratio = mh / ref
        # per-round ratios against the better peer's same round
        per_round = []
        for r in of("minihttp", sc):
            q = [o for o in of(best, sc) if o["round"] == r["round"]]
            if q and num(q[0], "ok_rps"):
                per_round.append(num(r, "ok_rps") / num(q[0], "ok_rps"))
        rr = f" (per round {min(per_round):.2f} – {max(per_round):.2f})" if per_round else ""
        target = HANDSHAKE_TARGET if sc in ("full", "resumed") else THROUGHPUT_TARGET
        checks.append((f"{TITLES[sc]}: {UNITS[sc]}", fmt(mh), f"{fmt(ref)} ({best})", f"{ratio:.2f}×{rr}",
                       f"≥ {target:.2f}×" if sc != "resumed" else "–", ratio >= target if sc != "resumed" else None))
        mc = med(cpu_per_k(r) for r in of("minihttp", sc))
        pc = [(p, med(cpu_per_k(r) for r in of(p, sc))) for p in PEERS if p in servers]
        pc = [(p, v) for p, v in pc if v]
        if mc and pc:
            bc, refc = min(pc, key=lambda pv: pv[1])
            checks.append((f"{TITLES[sc]}: server CPU ms per 1,000", fmt(mc), f"{fmt(refc)} ({bc})",
                           f"{refc / mc:.2f}× as efficient", "–", None))
        if sc in ("plaintext", "json", "resumed"):
            mp = med(num(r, "p99_ms") for r in of("minihttp", sc))
            pp = [(p, med(num(r, "p99_ms") for r in of(p, sc))) for p in PEERS if p in servers]
            pp = [(p, v) for p, v in pp if v is not None]
            if mp is not None and pp:
                bp, refp = min(pp, key=lambda pv: pv[1])
                checks.append((f"{TITLES[sc]}: p99 ms", fmt_ms(mp), f"{fmt_ms(refp)} ({bp})",
                               f"{mp / refp:.2f}×" if refp else "–", "lower" if sc != "resumed" else "–",
                               mp < refp if sc != "resumed" else None))
        for p, v in peers:
            ratios_text.append(f"- {TITLES[sc]}: minihttp / {p} = **{mh / v:.2f}**")

    slow = {}
    for s in servers:
        shares = []
        for b in of(s, "slow", "slow"):
            seq = int(b["seq"])
            # the A-B-A of one slow-client measurement: the rows right before and after it
            before = [r for r in of(s, "slow-before", "slow") if int(r["seq"]) < seq]
            after = [r for r in of(s, "slow-after", "slow") if int(r["seq"]) > seq]
            base = [num(x, "ok_rps") for x in (before[-1:] + after[:1])]
            base = [x for x in base if x]
            if base:
                shares.append((num(b, "ok_rps") / statistics.mean(base), b, statistics.mean(base)))
        slow[s] = shares
    if slow.get("minihttp"):
        share = med(x[0] for x in slow["minihttp"])
        others = ", ".join(f"{p} {100 * med(x[0] for x in slow[p]):.1f} %" for p in PEERS if slow.get(p))
        checks.append(("slow TLS clients: req/s / own TLS keep-alive plaintext", f"{100 * share:.1f} %",
                       others or "–", "–", f"≥ {100 * SLOW_TARGET:.0f} %", share >= SLOW_TARGET))
        cs = []
        for _, b, _ in slow["minihttp"]:
            seq = int(b["seq"])
            before = [r for r in of("minihttp", "slow-before", "slow") if int(r["seq"]) < seq][-1:]
            after = [r for r in of("minihttp", "slow-after", "slow") if int(r["seq"]) > seq][:1]
            base = [cpu_per_k(x) for x in before + after]
            base = [x for x in base if x]
            if base and cpu_per_k(b):
                cs.append(statistics.mean(base) / cpu_per_k(b))
        if cs:
            checks.append(("slow TLS clients: CPU per request without ÷ with them", f"{100 * med(cs):.1f} %",
                           "–", "–", "–", None))

    a("## Targets (minihttp against the better of Tomcat and Jetty, same run)")
    a("")
    if checks:
        a("| check | minihttp | better peer | ratio | target | |")
        a("|---|---:|---:|---:|---:|:---:|")
        for c in checks:
            verdict = "ℹ info" if c[5] is None else ("✅ pass" if c[5] else "❌ fail")
            a(f"| {c[0]} | {c[1]} | {c[2]} | {c[3]} | {c[4]} | {verdict} |")
        a("")
        real = [c for c in checks if c[5] is not None]
        a(f"{sum(bool(c[5]) for c in real)} of {len(real)} checks pass. Ratios are of the medians; the "
          "per-round range compares each minihttp round with the same round of the better peer. "
          "Resumed handshakes have no target (info). *Server CPU ms per 1,000* is the server's own CPU "
          "time (utime + stime of its JVM) per 1,000 requests or handshakes, the better peer being the one that "
          "needs less; \"as efficient\" = peer's ÷ minihttp's. On a shared machine it is steadier than the "
          "throughput, which also depends on how much of its CPU each server got (column *CPU got* below).")
    else:
        a("(not enough servers or scenarios to check a target)")
    a("")
    if ratios_text:
        a("All ratios (of the medians):")
        a("")
        out.extend(ratios_text)
        a("")

    # ------------------------------------------------------------ per scenario
    a(f"## Results ({m['rounds']} rounds of {m['duration']} s, median, min – max)")
    a("")
    a("| scenario | server | rate (median) | min – max | p50 ms | p99 ms | CPU ms per 1,000 | CPU got | "
      "non-2xx | socket errors | steal % (max) | other CPU % (max) |")
    a("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for sc in scenarios:
        for s in servers:
            rs = of(s, sc)
            if not rs:
                continue
            non2xx, sock = errors(rs)
            flag = " ⚠" if non2xx or sock else ""
            a(f"| {TITLES[sc]} ({UNITS[sc]}) | {s}{flag} | {fmt(med(num(r, 'ok_rps') for r in rs))} "
              f"| {spread([num(r, 'ok_rps') for r in rs])} | {fmt_ms(med(num(r, 'p50_ms') for r in rs))} "
              f"| {fmt_ms(med(num(r, 'p99_ms') for r in rs))} | {fmt(med(cpu_per_k(r) for r in rs))} "
              f"| {fmt_pct(med(cpu_share(r) for r in rs))} | {non2xx} | {sock} "
              f"| {max(num(r, 'steal_pct') or 0 for r in rs):.1f} | {max(num(r, 'other_cpu_pct') or 0 for r in rs):.1f} |")
    a("")
    a(f"- Keep-alive: `wrk -t{m['wrk_threads']} -c{m['connections']} --timeout {m['wrk_timeout']}s --latency "
      "https://127.0.0.1:PORT/plaintext` (or `/json`); rate = 2xx responses/s.")
    a(f"- Full handshakes: {m['hs_clients']} parallel `openssl s_time -new -www /plaintext` (a new connection, "
      "a full TLS handshake, one `GET /plaintext HTTP/1.0`, closed by the server); rate = their connections "
      "over the batch's wall time. No latency figures (s_time has none); socket errors = s_time's error lines.")
    a(f"- Resumed: `wrk -c{m['hs_clients']} -H 'Connection: close'`: wrk reconnects after every response and, "
      "keeping its `SSL` object across reconnects, offers the previous session (TLS 1.3 PSK, checked against "
      "`openssl s_server`: every reconnect was a session-cache hit); the servers resume it (column *resumes a "
      "session* above). Rate = responses/s = handshakes/s.")
    a("- *CPU ms per 1,000*: the server JVM's utime + stime during the run per 1,000 requests (handshakes); "
      "*CPU got*: that CPU time over the run's wall time, i.e. the share of its CPU the server obtained while "
      "the machine's other work competed for it (100 % = all of CPU " + str(m["server_cpu"]) + ").")
    a("- *other CPU* is the CPU time of processes other than the three servers and the load generators "
      "(other sessions' builds), in % of both CPUs.")
    a("")

    # ------------------------------------------------------------ slow clients
    if any(slow.values()):
        a(f"## Slow TLS clients ({m['slow_headers']} slow headers + {m['slow_bodies']} slow bodies + "
          f"{m['slow_stalled']} stalled handshakes, bench/slowtls.py)")
        a("")
        a("| server | round | before (req/s) | with slow clients | after | share of own plaintext | "
          "CPU ms per 1,000 before / with / after | CPU share | "
          "slow conns open at start → end | slow client CPU % | p99 with, ms | errors with |")
        a("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        for s in servers:
            for share, b, base in slow.get(s, []):
                seq = int(b["seq"])
                before = [r for r in of(s, "slow-before", "slow") if int(r["seq"]) < seq][-1:]
                after = [r for r in of(s, "slow-after", "slow") if int(r["seq"]) > seq][:1]
                non2xx, sock = errors([b])
                cb, cw, ca = (cpu_per_k(before[0]) if before else None, cpu_per_k(b),
                              cpu_per_k(after[0]) if after else None)
                cbase = [x for x in (cb, ca) if x]
                cshare = statistics.mean(cbase) / cw if cbase and cw else None
                a(f"| {s} | {b['round']} | {fmt(num(before[0], 'ok_rps')) if before else '–'} | {fmt(num(b, 'ok_rps'))} "
                  f"| {fmt(num(after[0], 'ok_rps')) if after else '–'} | {100 * share:.1f} % "
                  f"| {fmt(cb)} / {fmt(cw)} / {fmt(ca)} | {fmt_pct(cshare)} "
                  f"| {b['slow_conns_start']} → {b['slow_conns_end']} | {b['slow_client_cpu_pct']} "
                  f"| {fmt_ms(num(b, 'p99_ms'))} | {non2xx} non-2xx, {sock} socket |")
        a("")
        a("Share = req/s with the slow clients held ÷ the mean of the same server's TLS keep-alive plaintext "
          "measured just before they connected and just after they left (A-B-A). A first set of slow clients "
          f"runs for {m['slow_warmup']} s of plaintext load before (unrecorded: the JIT's first look at these code "
          "paths), then a fresh set connects at 300 a second and the measurement starts once every connection was "
          "attempted. Slow headers: a header line every 5 s, never the end of the head; slow bodies: "
          "Content-Length 1 MiB, 600 B every second; stalled handshakes: half a ClientHello, then nothing. "
          "Connections open are counted with `ss`: at the start just before wrk connects, at the end just after wrk finished. "
          "*CPU share* = the server's CPU per request without the slow clients (mean of before and after) ÷ with them: "
          "the throughput it would keep if it got the same CPU in all three runs (on this shared machine the CPU a "
          "server gets changes from one 10 s run to the next; its CPU per request much less). A server that serves "
          "nothing has no CPU per request (–).")
        a("")
    return print("\n".join(out)) or 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
