#!/usr/bin/env python3
"""Summarise bench/spring-servers.sh: Markdown table with the issue's targets, and a PNG chart.

    springreport.py CSV_FILE META_JSON_FILE OUT_MD OUT_PNG

The CSV (one row per server x scenario x round) is written by the shell script; wrk's output is
parsed by wrkstats.py. The chart needs matplotlib (Debian's python3-matplotlib); without it only
the Markdown is written.
"""
import csv
import json
import os
import statistics
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from wrkstats import disturbed_banner  # noqa: E402  (same rule as native-plaintext.sh)

SERVERS = ["minihttp", "tomcat", "jetty"]
OTHERS = ["tomcat", "jetty"]
SCENARIO_TITLES = {
    "plaintext": "1. plaintext",
    "json": "1. JSON",
    "blocking": "2. blocking handler",
    "echo": "3. POST 1 KiB echo",
    "overload": "4. overload",
    "slow": "5. slow clients",
    "slow-decoy": "5. control: slow clients at a decoy",
    "memory": "6b. plaintext, NMT on",
}
CHART_LABELS = {"plaintext": "1 plaintext", "json": "1 JSON", "echo": "3 echo 1 KiB",
                "blocking": "2 blocking", "overload": "4 overload", "slow": "5 slow clients"}
COLORS = {"minihttp": "#2b6cb0", "tomcat": "#d69e2e", "jetty": "#718096"}
THROUGHPUT_TARGET = 1.15
SLOW_SHARE_TARGET = 0.90
RSS_TARGET = 0.85


def f(row, key):
    v = row.get(key, "")
    return float(v) if v not in ("", None) else None


def med(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def span(values):
    values = [v for v in values if v is not None]
    return (min(values), max(values)) if values else (None, None)


def fmt_rps(x):
    return "–" if x is None else f"{x:,.0f}"


def fmt_ms(x):
    if x is None:
        return "–"
    return f"{x:.2f}" if x < 10 else f"{x:,.0f}"


def fmt_pct(x):
    return "–" if x is None else f"{100 * x:.1f} %"


def p99_of(row):
    """The p99 that counts: of the 2xx only where the Lua script measured it; None if none served."""
    if not f(row, "ok_rps"):
        return None
    return f(row, "p99_2xx_ms") if row["scenario"] == "overload" else f(row, "p99_ms")


class Data:
    def __init__(self, rows, meta):
        self.rows = rows
        self.meta = meta
        self.servers = [s for s in SERVERS if any(r["server"] == s for r in rows)]
        self.scenarios = [s for s in SCENARIO_TITLES if any(r["scenario"] == s for r in rows)]

    def of(self, server, scenario):
        return [r for r in self.rows if r["server"] == server and r["scenario"] == scenario]

    def rps(self, server, scenario):
        return [f(r, "ok_rps") for r in self.of(server, scenario)]

    def p99(self, server, scenario):
        return [p99_of(r) for r in self.of(server, scenario)]

    def slow_baseline(self, server, start):
        """Plaintext req/s of this server start without slow clients: the mean of the measurements
        just before they came and (in runs that have it) just after they left."""
        rows = [b for b in self.of(server, "plaintext") + self.of(server, "plaintext-after")
                if b["start"] == start]
        vals = [f(b, "ok_rps") for b in rows if f(b, "ok_rps")]
        return statistics.mean(vals) if vals else None

    def slow_shares(self, server, scenario="slow"):
        """Per start: req/s with slow clients (scenario "slow") or with the same slow clients aimed
        at the decoy ("slow-decoy") / plaintext req/s around them in the same start."""
        out = []
        for r in self.of(server, scenario):
            base = self.slow_baseline(server, r["start"])
            if base:
                out.append(f(r, "ok_rps") / base)
        return out

    def slow_vs_decoy(self, server):
        """Per start: req/s with the slow clients at the server / with them at the decoy."""
        decoy = {r["start"]: f(r, "ok_rps") for r in self.of(server, "slow-decoy")}
        return [f(r, "ok_rps") / decoy[r["start"]] for r in self.of(server, "slow")
                if decoy.get(r["start"])]

    def floor(self):
        """The memory-floor rows: the app without a web server, idle."""
        return [r for r in self.rows if r["server"] == "none" and r["scenario"] == "memory-floor"]

    def memory_rows(self, server):
        """The memory scenario's rows of a server; server "none" = the floor's."""
        return self.floor() if server == "none" else self.of(server, "memory")

    def starts(self, server):
        """One row per server start (startup time is per start, not per measurement); the starts
        of the memory scenario are left out: their JVM runs with an extra flag (NMT)."""
        seen, out = set(), []
        for r in self.rows:
            if r["server"] == server and r["scenario"] != "memory" and r["start"] not in seen:
                seen.add(r["start"])
                out.append(r)
        return out

    def startup(self, server):
        return [f(r, "startup_ms") for r in self.starts(server)]

    def rss_mib(self, server, scenario="plaintext"):
        rows = self.of(server, scenario) or [r for r in self.rows
                                             if r["server"] == server and r["scenario"] != "memory"]
        return [f(r, "rss_kb") / 1024 for r in rows if f(r, "rss_kb")]

    def mem_mib(self, server, *keys):
        """Per memory-scenario row: the sum of these KiB columns, in MiB (None if one is missing)."""
        out = []
        for r in self.memory_rows(server):
            vals = [f(r, k) for k in keys]
            out.append(None if any(v is None for v in vals) else sum(vals) / 1024)
        return out

    def non_heap_mib(self, server):
        out = []
        for r in self.memory_rows(server):
            t, h = f(r, "nmt_total_kb"), f(r, "nmt_heap_kb")
            out.append(None if t is None or h is None else (t - h) / 1024)
        return out

    def share_503(self, server):
        out = []
        for r in self.of(server, "overload"):
            n = sum(f(r, k) or 0 for k in ("n2xx", "n503", "nother"))
            out.append((f(r, "n503") or 0) / n if n else None)
        return out

    def errors(self, server, scenario):
        non2xx = sock = 0
        for r in self.of(server, scenario):
            non2xx += int(r["non_2xx_3xx"])
            sock += sum(int(r[k]) for k in ("err_connect", "err_read", "err_write", "err_timeout"))
        return non2xx, sock


def best_other(d, values_of, higher_is_better):
    """(server, median) of the better of Tomcat and Jetty, or (None, None)."""
    cands = [(s, med(values_of(s))) for s in OTHERS if s in d.servers]
    cands = [(s, v) for s, v in cands if v is not None]
    if not cands:
        return None, None
    return (max if higher_is_better else min)(cands, key=lambda c: c[1])


def report(d):
    m = d.meta
    lines = []
    a = lines.append
    a("# Spring MVC on minihttp vs Tomcat vs Jetty")
    a("")
    a(f"- Date: {m['date']}; run took {m['minutes']} min")
    a(f"- Host CPU: {m['cpu']} ({m['cpus_online']} CPUs online); each server pinned to CPU "
      f"{m['server_cpu']} (`taskset`), wrk, curl and slowhttptest to CPU {m['wrk_cpu']}")
    a(f"- JDK: {m['jdk']}; JVM flags (all three): `{m['jvm_opts']}`")
    a(f"- Versions: {m['versions']}")
    a(f"- Rounds: {m['rounds']}; every scenario starts each server afresh; warm-up "
      f"{m['warmup']} s (not recorded), measurement {m['duration']} s, and {m.get('jit_warmup', 0)} s "
      "of plaintext load (not recorded) after the start that JSON, plaintext and slow clients share; server order rotated "
      f"every round. wrk `-t{m['wrk_threads']} --timeout {m['wrk_timeout']}s --latency` on "
      f"127.0.0.1 (ports: {m['ports']})")
    a(f"- Pool: `minihttp.threads` = `server.tomcat.threads.max` = `server.jetty.threads.max` = "
      f"{m['threads']}, `minihttp.queue-capacity` = `server.tomcat.accept-count` = {m['queue']}; "
      f"overload: {m['overload_threads']} threads, queue {m['overload_queue']}")
    a(f"- Load average (1/5/15 min) at start: {m['load_start']}; at end: {m['load_end']}")
    a("")
    disturbed_banner(d.rows, a)

    # ------------------------------------------------------------ targets
    checks = []  # (check, minihttp, reference, ratio, target, ok)

    def throughput_check(sc):
        if sc not in d.scenarios or "minihttp" not in d.servers:
            return
        mh = med(d.rps("minihttp", sc))
        who, ref = best_other(d, lambda s: d.rps(s, sc), True)
        if ref is None or mh is None:
            return
        ratio = mh / ref if ref else float("inf")
        checks.append((f"{SCENARIO_TITLES[sc]}: req/s", fmt_rps(mh), f"{fmt_rps(ref)} ({who})",
                       f"{ratio:.2f}×", f"≥ {THROUGHPUT_TARGET:.2f}×", ratio >= THROUGHPUT_TARGET))

    def p99_check(sc):
        if sc not in d.scenarios or "minihttp" not in d.servers:
            return
        mh = med(d.p99("minihttp", sc))
        who, ref = best_other(d, lambda s: d.p99(s, sc), False)
        what = "p99 of the 2xx" if sc == "overload" else "p99"
        if ref is None and mh is not None and any(d.of(s, sc) for s in OTHERS):
            checks.append((f"{SCENARIO_TITLES[sc]}: {what} (ms)", fmt_ms(mh),
                           "– (Tomcat and Jetty served nothing)", "–", "≤ 1.00×", True))
            return
        if ref is None or mh is None:
            return
        ratio = mh / ref if ref else float("inf")
        checks.append((f"{SCENARIO_TITLES[sc]}: {what} (ms)", fmt_ms(mh), f"{fmt_ms(ref)} ({who})",
                       f"{ratio:.2f}×", "≤ 1.00×", mh <= ref))

    for sc in ("plaintext", "json", "echo"):
        throughput_check(sc)
    for sc in ("plaintext", "json", "blocking", "echo", "overload", "slow"):
        p99_check(sc)
    if "slow" in d.scenarios and "minihttp" in d.servers:
        share = med(d.slow_shares("minihttp"))
        if share is not None:
            others = ", ".join(f"{s} {fmt_pct(med(d.slow_shares(s)))}" for s in OTHERS if s in d.servers)
            checks.append(("5. slow clients: req/s / own plaintext", fmt_pct(share), others or "–",
                           "–", f"≥ {100 * SLOW_SHARE_TARGET:.0f} %", share >= SLOW_SHARE_TARGET))
        decoy = med(d.slow_shares("minihttp", "slow-decoy"))
        if decoy is not None:
            # Informational: the same slow clients aimed at a decoy, none at the server (see 5.).
            checks.append(("5. control, slow clients at a decoy: req/s / own plaintext", fmt_pct(decoy),
                           "–", "–", "–", None))
    if "minihttp" in d.servers:
        mh = med(d.startup("minihttp"))
        who, ref = best_other(d, d.startup, False)
        if ref is not None:
            checks.append(("6. startup to first 200 (ms)", fmt_ms(mh), f"{fmt_ms(ref)} ({who})",
                           f"{mh / ref:.2f}×", "≤ 1.00×", mh <= ref))
        mh = med(d.rss_mib("minihttp"))
        tc = med(d.rss_mib("tomcat")) if "tomcat" in d.servers else None
        if mh is not None and tc:
            checks.append(("6. RSS after plaintext (MiB)", f"{mh:.0f}", f"{tc:.0f} (tomcat)",
                           f"{mh / tc:.2f}×", f"≤ {RSS_TARGET:.2f}×", mh <= RSS_TARGET * tc))
    if "memory" in d.scenarios and "minihttp" in d.servers and "tomcat" in d.servers:
        # Informational (no target): where the RSS difference comes from; ok = None.
        for what, values_of in (("non-heap committed, NMT", d.non_heap_mib),
                                ("live heap after full GC", lambda s: d.mem_mib(s, "live_heap_kb"))):
            mh, tc = med(values_of("minihttp")), med(values_of("tomcat"))
            if mh is not None and tc:
                checks.append((f"6b. {what} (MiB)", f"{mh:.1f}", f"{tc:.1f} (tomcat)",
                               f"{mh / tc:.2f}×", "–", None))

    a("## Targets (minihttp against the better of Tomcat and Jetty, same run)")
    a("")
    if checks:
        a("| check | minihttp | reference | ratio | target | |")
        a("|---|---:|---:|---:|---:|:---:|")
        for c in checks:
            verdict = "ℹ info" if c[5] is None else ("✅ pass" if c[5] else "❌ fail")
            a(f"| {c[0]} | {c[1]} | {c[2]} | {c[3]} | {c[4]} | {verdict} |")
        a("")
        real = [c for c in checks if c[5] is not None]
        a((f"{sum(bool(c[5]) for c in real)} of {len(real)} checks pass. " if real else
           "No check with a target in this run. ") + "The reference is the "
          "better median of Tomcat and Jetty: the higher req/s, the lower p99 and startup time; "
          "RSS is compared with Tomcat's, the default server. Rows marked \"info\" have no "
          "target: they explain the slow-client share (see 5.) and the RSS (see 6b).")
    else:
        a("(not enough servers or scenarios in this run to check a target)")
    a("")

    # ------------------------------------------------------------ per scenario
    a("## Results per scenario (median over rounds, min – max)")
    a("")
    a("| scenario | server | req/s (2xx) | min – max | p50 ms | p99 ms | non-2xx | socket errors "
      "| RSS after, MiB | steal % (max) | other CPU % (max) |")
    a("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for sc in d.scenarios:
        for s in d.servers:
            rows = d.of(s, sc)
            if not rows:
                continue
            lo, hi = span(d.rps(s, sc))
            non2xx, sock = d.errors(s, sc)
            flag = " ⚠" if (non2xx and sc != "overload") or sock else ""
            steal = max(f(r, "steal_pct") or 0 for r in rows)
            other = max(f(r, "other_cpu_pct") or 0 for r in rows)
            a(f"| {SCENARIO_TITLES[sc]} | {s}{flag} | {fmt_rps(med(d.rps(s, sc)))} "
              f"| {fmt_rps(lo)} – {fmt_rps(hi)} | {fmt_ms(med(f(r, 'p50_ms') for r in rows))} "
              f"| {fmt_ms(med(d.p99(s, sc)))} | {non2xx} | {sock} "
              f"| {med(d.rss_mib(s, sc)) or 0:.0f} | {steal:.1f} | {other:.1f} |")
    a("")
    a("req/s counts 2xx responses only. In the overload rows p99 is the p99 of the 2xx responses "
      "alone (see below); elsewhere it is wrk's p99 of all responses. ⚠: errors where there should "
      "be none (a socket error is a connect/read/write error or a request wrk gave up on after "
      f"{m['wrk_timeout']} s); such numbers are not comparable.")
    a("")

    if "overload" in d.scenarios:
        a(f"### 4. Overload: {m['overload_threads']} threads, {m['overload_ms']} ms handler, "
          f"{m['overload_connections']} connections")
        a("")
        a("| server | goodput (2xx/s) | min – max | p99 of 2xx, ms | min – max | 503 share "
          "| other non-2xx | socket errors | p99 exact |")
        a("|---|---:|---:|---:|---:|---:|---:|---:|:---:|")
        for s in d.servers:
            rows = d.of(s, "overload")
            if not rows:
                continue
            lo, hi = span(d.rps(s, "overload"))
            plo, phi = span(d.p99(s, "overload"))
            _, sock = d.errors(s, "overload")
            nother = sum(int(f(r, "nother") or 0) for r in rows)
            exact = all(r["p99_2xx_exact"] == "1" for r in rows)
            a(f"| {s} | {fmt_rps(med(d.rps(s, 'overload')))} | {fmt_rps(lo)} – {fmt_rps(hi)} "
              f"| {fmt_ms(med(d.p99(s, 'overload')))} | {fmt_ms(plo)} – {fmt_ms(phi)} "
              f"| {fmt_pct(med(d.share_503(s)))} | {nother} | {sock} | {'yes' if exact else 'no'} |")
        a("")
        cap = int(m["overload_threads"]) * 1000 / int(m["overload_ms"])
        a(f"The pool can serve at most {cap:,.0f} requests/s. The p99 of the 2xx comes from wrk's "
          "latency histogram and the status counts of `bench/lua/status.lua`: every 2xx takes at "
          f"least {m['overload_ms']} ms, so when the fastest E responses (E = non-2xx count) are all "
          "faster than that, they are exactly the errors and the 2xx are the rest (\"p99 exact\" = "
          "yes); otherwise (\"no\": some 503s were slow too) the value is the p99 of the slowest "
          "N − E responses, an upper bound of the 2xx's p99. Tomcat and Jetty have no bounded "
          "request queue: they answer everything, late. wrk is a closed loop: a connection that "
          "gets a 503 asks again at once (no `Retry-After` back-off), so a server that rejects "
          "spends CPU on a stream of rejections that real clients would spread out.")
        a("")

    if "slow" in d.scenarios:
        a(f"### 5. Slow clients: {m['slow_headers']} slow-header + {m['slow_bodies']} slow-body "
          "connections (slowhttptest) while wrk measures plaintext")
        a("")
        cap = m.get("slow_cpu_cap", "")
        if cap.startswith("SCHED_IDLE") or cap.startswith("none"):
            a(f"> **⚠ slowhttptest was not CPU-capped** ({cap}). It busy-loops (see below) and "
              f"competes with wrk for CPU {m['wrk_cpu']}: the numbers with slow clients are then "
              "limited by the load generator, not by the server.")
            a("")
        a("| server | plaintext req/s before → after (same start) | with slow clients | share (median) | min – max "
          "| slow connections open at start → end of measurement | socket errors "
          "| slow-client CPU % (median, max) | with the slow clients at a decoy (control) | its share "
          "| with slow clients ÷ at a decoy (median, min – max) |")
        a("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        for s in d.servers:
            rows = d.of(s, "slow")
            if not rows:
                continue
            shares = d.slow_shares(s)
            lo, hi = span(shares)
            c0 = med(f(r, "slow_conns_start") for r in rows)
            c1 = med(f(r, "slow_conns_end") for r in rows)
            _, sock = d.errors(s, "slow")
            cpu = [f(r, "slow_cpu_pct") for r in rows]
            cpu_med, (_, cpu_max) = med(cpu), span(cpu)
            cpu_txt = "–" if cpu_med is None else f"{cpu_med:.1f} ({cpu_max:.1f})"
            before, after = med(d.rps(s, 'plaintext')), med(d.rps(s, 'plaintext-after'))
            own = d.slow_vs_decoy(s)
            own_lo, own_hi = span(own)
            own_txt = "–" if not own else f"{fmt_pct(med(own))} ({fmt_pct(own_lo)} – {fmt_pct(own_hi)})"
            a(f"| {s} | {fmt_rps(before)} → {fmt_rps(after)} | {fmt_rps(med(d.rps(s, 'slow')))} "
              f"| {fmt_pct(med(shares))} | {fmt_pct(lo)} – {fmt_pct(hi)} "
              f"| {c0 or 0:.0f} → {c1 or 0:.0f} | {sock} | {cpu_txt} "
              f"| {fmt_rps(med(d.rps(s, 'slow-decoy')))} | {fmt_pct(med(d.slow_shares(s, 'slow-decoy')))} "
              f"| {own_txt} |")
        a("")
        a("The share compares each round with the mean of two plaintext measurements of the same "
          "server start, just before the slow clients connected and again after they left (A-B-A: "
          "a steady drift, such as the JIT still improving the code on one CPU, cancels out to "
          "first order; an earlier run that compared with the first measurement only gave 183 %, "
          f"which was warm-up, not slow clients). Every start first gets {m.get('jit_warmup', '?')} s "
          "of plaintext load that is not recorded, and before the measured set of slow clients a "
          f"first set is connected for {m.get('slow_warmup', '?')} s of plaintext load (not recorded) "
          "and stopped: the slow clients' code paths are new to the JIT, which otherwise compiles "
          "for seconds on the server's CPU during the measurement. Slow connections are counted with `ss` "
          "(established client sockets to the server's port, before wrk starts and after it ends); "
          "fewer at the end means the server closed them (a head or body timeout).")
        a("")
        if any(d.of(s, "slow-decoy") for s in d.servers):
            a("*The control* (after the slow-client measurement, before the plaintext after it): the "
              "same slowhttptest command lines, the same CPU cap, aimed at a decoy HTTP server "
              "(`bench/decoy.py`, on the wrk CPU: it answers complete requests and holds slow ones "
              "forever, so slowhttptest behaves as it does against minihttp) while wrk measures the "
              "server under test, which then holds none of the slow connections. Whatever the control "
              "costs the server's plaintext is the load generator's part of the slow clients' cost: "
              "its CPU time, its caches and the kernel's work for ~1,200 sockets on the same two-CPU "
              "machine. *with slow clients ÷ at a decoy* is then the part the server's own handling "
              "of the slow connections costs: 100 % = nothing measurable.")
            a("")
        capped = bool(cap) and not (cap.startswith("SCHED_IDLE") or cap.startswith("none"))
        a("*slow-client CPU %* is the CPU time (utime + stime from `/proc/PID/stat`) of the two "
          "slowhttptest processes during the measurement, in % of one CPU: what the load "
          f"generator took from CPU {m['wrk_cpu']}, which it shares with wrk. slowhttptest 1.8.2 "
          "busy-loops: one entry of its `poll()` set is an fd that is no longer open, so `poll()` "
          "returns at once with `POLLNVAL`, ~3,000 times a second per process (strace). The stale "
          "fd appears to be that of its service-availability probe once the probe got its answer: "
          "against a server that stops answering (Tomcat and Jetty in this scenario: \"service "
          "available\" = 0 in slowhttptest's CSV) it stays idle. Uncapped, the two processes took "
          "about all of wrk's CPU against minihttp while the server had CPU to spare, so the "
          "share measured the load generator, not the server; SCHED_IDLE alone was not enough "
          "(see bench/README.md). "
          + (f"This run capped them with a CPU quota of {m.get('slow_cpu_pct', '?')} % of one CPU "
             f"({cap}); a value at the quota means the busy loop was on and was held down. The slow "
             "bodies still send faster than minihttp's minimum body rate: see the connection "
             "counts." if capped else
             "This run did not cap them (see the warning above)."))
        a("")

    a("### 6. Startup and memory")
    a("")
    a("| server | startup to first 200, ms (median) | min – max | starts | Spring's \"process running for\" s "
      "| RSS after plaintext, MiB | RSS max over scenarios, MiB | VmHWM max, MiB |")
    a("|---|---:|---:|---:|---:|---:|---:|---:|")
    for s in d.servers:
        st = d.startup(s)
        lo, hi = span(st)
        jvm = med(f(r, "jvm_ready_s") for r in d.starts(s))
        all_rss = [f(r, "rss_kb") / 1024 for r in d.rows if r["server"] == s and f(r, "rss_kb")]
        hwm = [f(r, "hwm_kb") / 1024 for r in d.rows if r["server"] == s and f(r, "hwm_kb")]
        a(f"| {s} | {fmt_ms(med(st))} | {fmt_ms(lo)} – {fmt_ms(hi)} | {len(st)} "
          f"| {'–' if jvm is None else f'{jvm:.2f}'} | {med(d.rss_mib(s)) or 0:.0f} "
          f"| {max(all_rss, default=0):.0f} | {max(hwm, default=0):.0f} |")
    a("")
    a("Startup is timed by the script from just before it forks the JVM to the first `200` on "
      "`/plaintext` (curl every 20 ms), over every server start of the run. RSS is the JVM's "
      "`VmRSS` right after a measurement; with a fixed heap (`-Xms` = `-Xmx`) it mostly shows how "
      "much of the heap was touched plus the non-heap memory (classes, JIT code, thread stacks, "
      "buffers). Raw rows: `bench/results/spring-servers.csv`; chart: "
      "`bench/results/spring-servers.png`. Starts of the memory scenario (NMT on) are left out "
      "of this table and of the startup and RSS targets.")
    a("")

    if "memory" in d.scenarios:
        mem_servers = [s for s in d.servers if d.of(s, "memory")]
        floor = d.floor()
        columns = mem_servers + (["none"] if floor else [])
        a("### 6b. Where the memory goes (plaintext load, `-XX:NativeMemoryTracking=summary`)")
        a("")
        a("| MiB (median over rounds) | " + " | ".join(mem_servers)
          + (" | *no web server (floor, idle)* |" if floor else " |"))
        a("|---|" + "---:|" * len(columns))

        def mrow(label, values_of, fmt="{:.1f}"):
            cells = []
            for s in columns:
                v = med(values_of(s))
                cells.append("–" if v is None else fmt.format(v))
            a(f"| {label} | " + " | ".join(cells) + " |")

        def kb_rows(s, key):
            return [f(r, key) / 1024 if f(r, key) is not None else None for r in d.memory_rows(s)]

        mrow("RSS right after startup (before load)", lambda s: kb_rows(s, "rss_start_kb"), "{:.0f}")
        mrow("RSS after plaintext", lambda s: kb_rows(s, "rss_kb"), "{:.0f}")
        mrow("· Java heap pages touched (smaps)", lambda s: kb_rows(s, "rss_heap_kb"), "{:.0f}")
        mrow("· other anonymous memory: native (smaps)", lambda s: kb_rows(s, "rss_anon_kb"), "{:.0f}")
        mrow("· files mapped: libjvm.so, CDS archive… (smaps)", lambda s: kb_rows(s, "rss_file_kb"), "{:.0f}")
        mrow("threads after plaintext (count)", lambda s: [f(r, "jvm_threads") for r in d.memory_rows(s)],
             "{:.0f}")
        mrow("NMT committed, total", lambda s: kb_rows(s, "nmt_total_kb"))
        mrow("− Java Heap (committed)", lambda s: kb_rows(s, "nmt_heap_kb"))
        mrow("**= non-heap committed**", d.non_heap_mib)
        mrow("· Class + Metaspace", lambda s: d.mem_mib(s, "nmt_class_kb", "nmt_metaspace_kb"))
        mrow("· Thread (stacks + thread structures)", lambda s: kb_rows(s, "nmt_thread_kb"))
        mrow("· Code (JIT code cache)", lambda s: kb_rows(s, "nmt_code_kb"))
        mrow("· GC", lambda s: kb_rows(s, "nmt_gc_kb"))
        mrow("· Compiler", lambda s: kb_rows(s, "nmt_compiler_kb"))
        mrow("· Symbol", lambda s: kb_rows(s, "nmt_symbol_kb"))
        mrow("· Arena Chunk (JIT compilers' and threads' scratch arenas; varies with JIT activity)",
             lambda s: kb_rows(s, "nmt_arena_kb"))
        mrow("· Other (direct ByteBuffers)", lambda s: kb_rows(s, "nmt_other_kb"))
        mrow("· everything else (CDS archive, NMT itself, internal, modules…)",
             lambda s: kb_rows(s, "nmt_rest_kb"))
        mrow("live heap after full GC (`GC.run`, `GC.heap_info`)", lambda s: kb_rows(s, "live_heap_kb"))
        mrow("Metaspace used after full GC", lambda s: kb_rows(s, "metaspace_used_kb"))
        a("")
        a("Each server is started afresh with the run's JVM flags plus "
          "`-XX:NativeMemoryTracking=summary` (the same for all three; NMT itself costs a few MiB, "
          "counted under \"everything else\"), RSS is read after startup, then the plaintext "
          "load of scenario 1 (warm-up + measurement; its req/s counts for no target) runs, then "
          "RSS and the thread count, `jcmd PID VM.native_memory summary` (committed sizes), "
          "`jcmd PID GC.run` and `jcmd PID GC.heap_info`. NMT's committed memory is not RSS: "
          "the heap is committed whole at start (`-Xms` = `-Xmx`) but only its touched pages are "
          "resident, and thread stacks are committed as they grow. Non-heap committed = NMT total "
          "− Java Heap, the part a server's own design (threads, classes, buffers) decides; "
          "the live heap after a full GC is what the server and the app keep reachable.")
        a("")
        a("The RSS split reads `/proc/PID/smaps` right after the load (before jcmd attaches): "
          "pages of the Java heap's address range (from `GC.heap_info`), every other anonymous "
          "mapping (the JVM's native memory: metaspace, JIT code, thread stacks, malloc arenas), "
          "and file-backed mappings (libjvm.so and other libraries, the CDS archive), which are "
          "the same for any server on the same JDK.")
        if floor:
            a("")
            a("*No web server (floor, idle)*: the minihttp app jar started with the same flags and "
              "`--spring.main.web-application-type=none --spring.main.keep-alive=true`, once per "
              "round: Spring's context without any web server and without Spring MVC, read after "
              "as long as a server's warm-up and measurement, with no load (none can reach it).")
            heaps = [med(kb_rows(s, "rss_heap_kb")) for s in mem_servers]
            heaps = [h for h in heaps if h is not None]
            tc_rss = med(kb_rows("tomcat", "rss_kb")) if "tomcat" in mem_servers else None
            f_anon, f_file = med(kb_rows("none", "rss_anon_kb")), med(kb_rows("none", "rss_file_kb"))
            if heaps and tc_rss and f_anon is not None and f_file is not None:
                budget = RSS_TARGET * tc_rss - f_file - min(heaps) - f_anon
                above = {s: med(kb_rows(s, "rss_anon_kb")) for s in mem_servers}
                used = ", ".join(f"{s} {v - f_anon:.0f}" for s, v in above.items() if v is not None)
                a("")
                a(f"**What the RSS target asks for, in this run's numbers.** {RSS_TARGET:.2f} × "
                  f"Tomcat's RSS = {RSS_TARGET * tc_rss:.0f} MiB. Under load every server touched at "
                  f"least {min(heaps):.0f} MiB of the heap (the whole young generation is cycled "
                  "through within seconds, whatever the server allocates per request), the mapped "
                  f"files are {f_file:.0f} MiB for any of them, and Spring's context alone holds "
                  f"{f_anon:.0f} MiB of native memory (the floor). "
                  + (f"That leaves {budget:.0f} MiB of native memory " if budget >= 0.5 else
                     f"That leaves no native memory at all ({-budget:.0f} MiB short) ")
                  + "for the web server, Spring MVC and the JIT-compiled code of the request path "
                  f"together; above the floor, the servers used: {used} MiB.")
    return "\n".join(lines) + "\n"


def chart(d, path):
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("springreport: no matplotlib, no chart", file=sys.stderr)
        return False
    servers = d.servers
    fig, axes = plt.subplots(2, 3, figsize=(16, 9))
    fig.suptitle(f"Spring MVC on minihttp vs Tomcat vs Jetty — {d.meta['date']}, "
                 f"median of {d.meta['rounds']} round{'s' if str(d.meta['rounds']) != '1' else ''}, "
                 f"whiskers = min–max", fontsize=13)
    width = 0.8 / max(len(servers), 1)

    def grouped(ax, labels, values_of, ylabel, title, log=False, fmt=None):
        for i, s in enumerate(servers):
            meds, lo, hi, xs = [], [], [], []
            for j, lab in enumerate(labels):
                vals = [v for v in values_of(s, lab) if v is not None]
                if not vals:
                    continue
                mdn = statistics.median(vals)
                xs.append(j + (i - (len(servers) - 1) / 2) * width)
                meds.append(mdn)
                lo.append(mdn - min(vals))
                hi.append(max(vals) - mdn)
            if not xs:
                continue
            bars = ax.bar(xs, meds, width, yerr=[lo, hi], capsize=3, label=s, color=COLORS[s])
            if fmt:
                ax.bar_label(bars, labels=[fmt(v) for v in meds], fontsize=7, padding=2)
        ax.set_xticks(range(len(labels)))
        ax.set_xticklabels([CHART_LABELS.get(x, x) for x in labels], fontsize=9)
        ax.set_ylabel(ylabel)
        ax.set_title(title, fontsize=10)
        if log:
            ax.set_yscale("log")
        ax.grid(axis="y", alpha=0.3)

    thr = [s for s in ("plaintext", "json", "echo", "blocking", "slow") if s in d.scenarios]
    grouped(axes[0][0], thr, lambda s, sc: d.rps(s, sc), "requests/s (2xx)",
            "Throughput (higher is better)", fmt=lambda v: f"{v:,.0f}")
    lat = [s for s in ("plaintext", "json", "echo", "blocking", "overload", "slow") if s in d.scenarios]
    grouped(axes[0][1], lat, lambda s, sc: d.p99(s, sc), "p99 latency, ms (log)",
            "p99 latency (lower is better; overload: 2xx only)", log=True, fmt=fmt_ms)
    ax = axes[0][2]
    if "overload" in d.scenarios:
        grouped(ax, ["overload"], lambda s, sc: d.rps(s, sc), "2xx/s",
                "4. Overload: goodput; label = share of 503s", fmt=None)
        for i, s in enumerate(servers):
            vals = d.rps(s, "overload")
            if vals:
                x = (i - (len(servers) - 1) / 2) * width
                ax.annotate(f"{med(vals):,.0f}/s\n503: {fmt_pct(med(d.share_503(s)))}",
                            (x, med(vals)), ha="center", va="bottom", fontsize=9,
                            xytext=(0, 4), textcoords="offset points")
        top = max((max(d.rps(s, "overload"), default=0) for s in servers), default=0)
        ax.set_ylim(0, max(top * 1.3, 1))
    else:
        ax.set_axis_off()
    ax = axes[1][0]
    if "slow" in d.scenarios:
        grouped(ax, ["slow"], lambda s, sc: [v * 100 for v in d.slow_shares(s)],
                "% of the same start's plaintext req/s",
                "5. Slow clients: plaintext req/s kept", fmt=lambda v: f"{v:.0f} %")
        ax.axhline(SLOW_SHARE_TARGET * 100, color="red", linestyle="--", linewidth=1,
                   label=f"target {SLOW_SHARE_TARGET * 100:.0f} %")
        top = max((max(d.slow_shares(s), default=0) for s in servers), default=0) * 100
        ax.set_ylim(0, max(115, top * 1.15))
    else:
        ax.set_axis_off()
    grouped(axes[1][1], ["startup"], lambda s, _: d.startup(s), "ms",
            "6. Startup: JVM fork to first 200 (lower is better)", fmt=lambda v: f"{v:,.0f}")
    grouped(axes[1][2], ["rss"], lambda s, _: d.rss_mib(s), "MiB",
            "6. RSS after plaintext (lower is better)", fmt=lambda v: f"{v:.0f}")
    for ax in (axes[1][1], axes[1][2]):
        ax.set_xticks([])
    handles, labels = axes[1][1].get_legend_handles_labels()
    fig.legend(handles, labels, loc="upper center", bbox_to_anchor=(0.5, 0.955),
               ncol=len(servers), fontsize=10, frameon=False)
    fig.tight_layout(rect=(0, 0, 1, 0.92))
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return True


def main(argv):
    if len(argv) != 5:
        print(__doc__, file=sys.stderr)
        return 2
    with open(argv[1], newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    with open(argv[2], encoding="utf-8") as fh:
        meta = json.load(fh)
    d = Data(rows, meta)
    with open(argv[3], "w", encoding="utf-8") as fh:
        fh.write(report(d))
    chart(d, argv[4])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
