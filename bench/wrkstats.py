#!/usr/bin/env python3
"""Parse wrk output and aggregate rounds for bench/native-plaintext.sh (stdlib only).

    wrkstats.py parse  WRK_OUTPUT_FILE          -> prints one CSV fragment (see PARSED_FIELDS)
    wrkstats.py report CSV_FILE META_JSON_FILE  -> prints the Markdown report

The CSV itself is written by the shell script, which knows the round, order and server.
"""
import csv
import json
import re
import statistics
import sys

PARSED_FIELDS = [
    "requests", "duration_s", "rps", "ok_rps", "avg_ms", "p50_ms", "p75_ms", "p90_ms",
    "p99_ms", "max_ms", "non_2xx_3xx", "err_connect", "err_read", "err_write", "err_timeout",
]

# Above this share of both CPUs taken by others (steal or other processes) a run is flagged.
NOISY_PCT = 5.0


def disturbed_banner(rows, a):
    """Appends (through a) a warning when other processes or the hypervisor took more than
    NOISY_PCT of the CPUs during any measurement of these CSV rows: such numbers do not compare."""
    worst_other = max((float(r.get("other_cpu_pct") or 0) for r in rows), default=0.0)
    worst_steal = max((float(r.get("steal_pct") or 0) for r in rows), default=0.0)
    if worst_other > NOISY_PCT or worst_steal > NOISY_PCT:
        a(f"> **⚠ Disturbed run:** other processes used up to {worst_other:.0f} % and the "
          f"hypervisor stole up to {worst_steal:.0f} % of the CPUs during a measurement "
          f"(threshold {NOISY_PCT:.0f} %). Do not compare these numbers; rerun when the "
          f"machine is quiet.")
        a("")

# wrk prints durations with these units (see wrk's units.c: us, ms, s, m, h).
_TIME_UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}
_TIME = r"([0-9.]+)(us|ms|s|m|h)"


def _ms(value, unit):
    return float(value) * _TIME_UNITS_MS[unit]


def _duration_s(value, unit):
    return _ms(value, unit) / 1000.0


def parse(text):
    """Return a dict of PARSED_FIELDS; raise ValueError when the output is not a wrk result."""
    out = {}
    m = re.search(r"^Requests/sec:\s+([0-9.]+)\s*$", text, re.M)
    if not m:
        raise ValueError("no 'Requests/sec:' line")
    out["rps"] = float(m.group(1))

    m = re.search(r"^\s*(\d+) requests in " + _TIME + r",", text, re.M)
    if not m:
        raise ValueError("no 'N requests in T' line")
    out["requests"] = int(m.group(1))
    out["duration_s"] = _duration_s(m.group(2), m.group(3))

    m = re.search(r"^\s*Latency\s+" + _TIME + r"\s+[0-9.]+\w+\s+" + _TIME, text, re.M)
    if not m:
        raise ValueError("no 'Latency' thread-stats line")
    out["avg_ms"] = _ms(m.group(1), m.group(2))
    out["max_ms"] = _ms(m.group(3), m.group(4))

    dist = re.search(r"Latency Distribution\s*\n((?:\s+\d+%\s+\S+\s*\n)+)", text)
    if not dist:
        raise ValueError("no 'Latency Distribution' block (was wrk run with --latency?)")
    pct = {}
    for p, v, u in re.findall(r"(\d+)%\s+" + _TIME, dist.group(1)):
        pct[int(p)] = _ms(v, u)
    for p in (50, 75, 90, 99):
        if p not in pct:
            raise ValueError(f"no {p}% latency")
        out[f"p{p}_ms"] = pct[p]

    m = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text)
    errs = [int(g) for g in m.groups()] if m else [0, 0, 0, 0]
    out["err_connect"], out["err_read"], out["err_write"], out["err_timeout"] = errs

    m = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    out["non_2xx_3xx"] = int(m.group(1)) if m else 0

    # wrk counts error responses as completed requests; a server that answers errors fast
    # must not look good, so the comparison uses successful responses per second.
    ok = max(out["requests"] - out["non_2xx_3xx"], 0)
    out["ok_rps"] = out["rps"] * ok / out["requests"] if out["requests"] else 0.0
    return out


def _fmt_rps(x):
    return f"{x:,.0f}"


def _fmt_ms(x):
    return f"{x:.3f}" if x < 10 else f"{x:.1f}"


def report(csv_path, meta_path):
    with open(meta_path, encoding="utf-8") as f:
        meta = json.load(f)
    with open(csv_path, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))

    servers = [s for s in meta["servers"] if any(r["server"] == s for r in rows)]
    by_server = {s: [r for r in rows if r["server"] == s] for s in servers}
    med = {}
    lines = []
    a = lines.append
    a(f"# minihttp native handler vs Jetty raw Handler vs nginx — plaintext")
    a("")
    a(f"- Date: {meta['date']}")
    a(f"- Host CPU: {meta['cpu']} ({meta['cpus_online']} CPUs online); "
      f"each server pinned to CPU {meta['server_cpu']} (`taskset -c {meta['server_cpu']}`), "
      f"wrk pinned to CPU {meta['wrk_cpu']}")
    a(f"- JDK: {meta['jdk']}")
    a(f"- JVM flags (both JVM servers): `{meta['jvm_opts']}`")
    a(f"- Versions: {meta['versions']}")
    a(f"- Rounds: {meta['rounds']}, each: fresh server start, warm-up {meta['warmup']} s "
      f"(not recorded), measurement {meta['duration']} s; server order rotated every round")
    a(f"- wrk command (PORT per server: {meta['ports']}):")
    a(f"  `{meta['wrk_command']}`")
    a(f"- Load average (1/5/15 min) at start: {meta['load_start']}; at end: {meta['load_end']}")
    a("")
    disturbed_banner(rows, a)
    a("| server | req/s (median) | req/s min – max | p50 ms (median) | p99 ms (median) "
      "| non-2xx/3xx | socket errors | rounds | steal % (max) | other CPU % (max) |")
    a("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for s in servers:
        rs = by_server[s]
        ok = [float(r["ok_rps"]) for r in rs]
        med[s] = statistics.median(ok)
        p50 = statistics.median(float(r["p50_ms"]) for r in rs)
        p99 = statistics.median(float(r["p99_ms"]) for r in rs)
        non2xx = sum(int(r["non_2xx_3xx"]) for r in rs)
        sock = sum(int(r[k]) for r in rs
                   for k in ("err_connect", "err_read", "err_write", "err_timeout"))
        steal = max(float(r.get("steal_pct") or 0) for r in rs)
        other = max(float(r.get("other_cpu_pct") or 0) for r in rs)
        flag = " ⚠" if non2xx or sock else ""
        a(f"| {s}{flag} | {_fmt_rps(med[s])} | {_fmt_rps(min(ok))} – {_fmt_rps(max(ok))} "
          f"| {_fmt_ms(p50)} | {_fmt_ms(p99)} | {non2xx} | {sock} | {len(rs)} | {steal:.1f} | {other:.1f} |")
    a("")

    def ratio_line(other):
        if "minihttp" not in med or other not in med:
            return f"- minihttp / {other}: n/a (not both measured in this run)"
        overall = med["minihttp"] / med[other] if med[other] else float("nan")
        per_round = []
        for r in by_server["minihttp"]:
            peer = [o for o in by_server[other] if o["round"] == r["round"]]
            if peer and float(peer[0]["ok_rps"]):
                per_round.append(float(r["ok_rps"]) / float(peer[0]["ok_rps"]))
        spread = (f" (per-round ratios {min(per_round):.2f} – {max(per_round):.2f})"
                  if per_round else "")
        return f"- minihttp / {other}: **{overall:.2f}** (ratio of median req/s){spread}"

    a("Ratios:")
    a("")
    a(ratio_line("jetty"))
    a(ratio_line("nginx"))
    a("")
    a("req/s counts successful (2xx/3xx) responses only: wrk's Requests/sec minus the share of "
      "non-2xx/3xx responses. Error columns are totals over all rounds; ⚠ marks a server "
      "with any error, whose numbers should not be trusted. Raw rows: "
      "`bench/results/native-plaintext.csv`. Noise during the measurements, "
      "in % of both CPUs' time: *steal* is time the hypervisor gave to other guests, *other "
      "CPU* is time used by processes other than the server and wrk (builds, IDEs). A few "
      "percent of either already moves the numbers: rerun on a quieter machine.")
    return "\n".join(lines) + "\n"


def main(argv):
    if len(argv) == 3 and argv[1] == "parse":
        with open(argv[2], encoding="utf-8", errors="replace") as f:
            text = f.read()
        try:
            d = parse(text)
        except ValueError as e:
            print(f"wrkstats: cannot parse {argv[2]}: {e}", file=sys.stderr)
            return 1
        vals = []
        for k in PARSED_FIELDS:
            v = d[k]
            vals.append(f"{v:.4f}" if isinstance(v, float) else str(v))
        print(",".join(vals))
        return 0
    if len(argv) == 2 and argv[1] == "fields":
        print(",".join(PARSED_FIELDS))
        return 0
    if len(argv) == 4 and argv[1] == "report":
        sys.stdout.write(report(argv[2], argv[3]))
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
