#!/usr/bin/env bash
# Soak: mixed load against minihttp for SOAK_SECONDS while sampling the server process, then a
# verdict. Exits non-zero when the load saw anything unexpected, the server did not come back to
# idle, did not shut down gracefully, or a resource shows a growth trend.
#
#   SOAK_SECONDS=120 bench/soak.sh           # what CI runs
#   SOAK_SECONDS=1800 bench/soak.sh          # the 30-minute run
#
# Server: dev.minihttp.reliability.SoakServer (test sources of minihttp-core), fixed heap, on
# 127.0.0.1 and an ephemeral port. Load: dev.minihttp.reliability.SoakLoad in a second JVM
# (keep-alive and new connections, small and large responses, small and spooled uploads, 500s
# and 404s; every response checked). Every SAMPLE_SECONDS: RSS, heap used after a full GC
# (jcmd GC.run + GC.heap_info), open descriptors and threads of the server, and its own stats.
#
# Trend rule, on the samples after the warm-up (the first WARMUP_PERCENT of the run): the median
# of the last third may exceed the median of the first third by at most
#   heap: x1.25 + 4 MiB   rss: x1.20 + 32 MiB   fds: +20   threads: +5
#
# Output: target/soak/soak-<date>.csv and .md (summary), logs in target/soak/soak-<date>-<pid>/ —
# under the (ignored) target/, so a run (CI's included) leaves the work tree clean. To keep a run
# as evidence, point SOAK_RESULTS at a tracked folder: SOAK_RESULTS=bench/results/soak.
set -euo pipefail
cd "$(dirname "$0")/.."

SOAK_SECONDS=${SOAK_SECONDS:-120}
SAMPLE_SECONDS=${SAMPLE_SECONDS:-5}
LOAD_THREADS=${LOAD_THREADS:-8}
WARMUP_PERCENT=${WARMUP_PERCENT:-20}
SERVER_JVM_OPTS=${SERVER_JVM_OPTS:--Xms128m -Xmx128m -XX:+AlwaysPreTouch -XX:+UseG1GC}
MVN=${MVN:-mvn -B -q -ntp}

RESULTS=${SOAK_RESULTS:-target/soak}
stamp=$(date +%Y%m%d-%H%M%S)
RUN_DIR=target/soak/soak-$stamp-$$
mkdir -p "$RESULTS" "$RUN_DIR"
CSV=$RESULTS/soak-$stamp.csv
SUMMARY=$RESULTS/soak-$stamp.md

echo "== soak: building the test classpath"
$MVN -pl minihttp-core test-compile > "$RUN_DIR/build.log" 2>&1 || { cat "$RUN_DIR/build.log"; exit 1; }
$MVN -pl minihttp-core dependency:build-classpath -Dmdep.includeScope=test \
  -Dmdep.outputFile="$PWD/$RUN_DIR/classpath.txt" >> "$RUN_DIR/build.log" 2>&1 || { cat "$RUN_DIR/build.log"; exit 1; }
CP="minihttp-core/target/test-classes:minihttp-core/target/classes:$(cat "$RUN_DIR/classpath.txt")"

server_pid=""
load_pid=""
cleanup() {
  # Only the processes this script started, by their ids.
  [ -n "$load_pid" ] && kill "$load_pid" 2>/dev/null || true
  [ -n "$server_pid" ] && kill -9 "$server_pid" 2>/dev/null || true
}
trap cleanup EXIT

# The deliberate /error failures are counted in the stats; logging each stack trace would only fill the disk.
# shellcheck disable=SC2086
java $SERVER_JVM_OPTS -Dorg.slf4j.simpleLogger.log.dev.minihttp.server.WorkerPool=error \
  -cp "$CP" dev.minihttp.reliability.SoakServer 0 > "$RUN_DIR/server.log" 2>&1 &
server_pid=$!
port=""
for _ in $(seq 1 200); do
  port=$(awk '/^PORT /{print $2; exit}' "$RUN_DIR/server.log")
  [ -n "$port" ] && break
  kill -0 "$server_pid" 2>/dev/null || { cat "$RUN_DIR/server.log"; echo "soak: the server died at start"; exit 1; }
  sleep 0.1
done
[ -n "$port" ] || { echo "soak: the server did not print its port"; exit 1; }
echo "== soak: server pid $server_pid on 127.0.0.1:$port, load for ${SOAK_SECONDS}s with $LOAD_THREADS threads"

server_stat() { curl -s --max-time 5 "http://127.0.0.1:$port/stats" || echo "unreachable"; }

java -Xmx256m -cp "$CP" dev.minihttp.reliability.SoakLoad "$port" "$SOAK_SECONDS" "$LOAD_THREADS" \
  > "$RUN_DIR/load.log" 2>&1 &
load_pid=$!

echo "seconds,rss_kb,heap_after_gc_kb,fds,threads,connections,requests,exceptions" > "$CSV"
start=$(date +%s)
while kill -0 "$load_pid" 2>/dev/null; do
  sleep "$SAMPLE_SECONDS"
  kill -0 "$load_pid" 2>/dev/null || break
  now=$(( $(date +%s) - start ))
  rss=$(awk '/^VmRSS:/{print $2}' "/proc/$server_pid/status")
  jcmd "$server_pid" GC.run > /dev/null 2>&1 || true
  heap=$(jcmd "$server_pid" GC.heap_info 2>/dev/null \
    | awk '/heap/ && /used/ {for (i = 1; i <= NF; i++) if ($i == "used") {v = $(i+1); gsub(/[^0-9]/, "", v); print v; exit}}')
  fds=$(ls "/proc/$server_pid/fd" | wc -l)
  threads=$(ls "/proc/$server_pid/task" | wc -l)
  stats=$(server_stat)
  conns=$(sed -n 's/.*connections=\([0-9]*\).*/\1/p' <<< "$stats")
  reqs=$(sed -n 's/.*requests=\([0-9]*\).*/\1/p' <<< "$stats")
  exc=$(sed -n 's/.*exceptions=\([0-9]*\).*/\1/p' <<< "$stats")
  echo "$now,$rss,${heap:-},$fds,$threads,${conns:-},${reqs:-},${exc:-}" >> "$CSV"
done
load_status=0
wait "$load_pid" || load_status=$?
load_pid=""

failures=()
load_line=$(grep '^LOAD ' "$RUN_DIR/load.log" || true)
[ "$load_status" -eq 0 ] || failures+=("the load saw unexpected answers (exit $load_status): $(grep -m5 '^PROBLEM' "$RUN_DIR/load.log" | tr '\n' ' ')")
[ -n "$load_line" ] || failures+=("the load printed no summary: $(tail -5 "$RUN_DIR/load.log" | tr '\n' ' ')")

# Back to idle: only the /stats request open and running (it counts itself), nothing else.
idle=""
for _ in $(seq 1 50); do
  stats=$(server_stat)
  if [[ "$stats" =~ connections=1\ busy=1\ queue=0 ]]; then idle=yes; break; fi
  sleep 0.2
done
final_stats=$(server_stat)
[ -n "$idle" ] || failures+=("the server did not come back to idle: $final_stats")
final_errors=$(sed -n 's/.* errors=\([0-9]*\).*/\1/p' <<< "$final_stats")
[ "${final_errors:-1}" = "0" ] || failures+=("Errors (StackOverflowError, OOM...) on workers: $final_stats")

# Graceful shutdown on SIGTERM, within its 10 s and some margin.
kill -TERM "$server_pid"
for _ in $(seq 1 150); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
if kill -0 "$server_pid" 2>/dev/null; then
  failures+=("the server did not exit within 15 s of SIGTERM")
else
  wait "$server_pid" 2>/dev/null || true
  server_pid=""
  grep -q 'SHUTDOWN graceful=true spoolLeft=\[\]' "$RUN_DIR/server.log" \
    || failures+=("shutdown not graceful or spool files left: $(grep SHUTDOWN "$RUN_DIR/server.log" || echo none)")
fi

# Trend: median of the first vs the last third of the samples after the warm-up.
trend=$(awk -F, -v warm="$WARMUP_PERCENT" '
  function median(col, from, to,   n, i, j, t, v) {
    n = 0
    for (i = from; i <= to; i++) if (val[i, col] != "") v[++n] = val[i, col] + 0
    if (n == 0) return -1
    for (i = 2; i <= n; i++) { t = v[i]; for (j = i - 1; j >= 1 && v[j] > t; j--) v[j + 1] = v[j]; v[j + 1] = t }
    return (n % 2) ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
  }
  NR > 1 { rows++; for (c = 1; c <= NF; c++) val[rows, c] = $c }
  END {
    first = int(rows * warm / 100) + 1
    kept = rows - first + 1
    if (kept < 6) { print "FAIL too few samples after the warm-up (" kept "): run longer or sample more often"; exit }
    third = int(kept / 3)
    a1 = first; a2 = first + third - 1; b1 = rows - third + 1; b2 = rows
    split("rss_kb heap_after_gc_kb fds threads", names, " ")
    split("2 3 4 5", cols, " ")
    for (k = 1; k <= 4; k++) {
      m1 = median(cols[k], a1, a2); m2 = median(cols[k], b1, b2)
      if (k == 1) limit = m1 * 1.20 + 32768
      else if (k == 2) limit = m1 * 1.25 + 4096
      else if (k == 3) limit = m1 + 20
      else limit = m1 + 5
      verdict = (m1 < 0 || m2 > limit) ? "FAIL" : "ok"
      printf "%s %s first-third median %d, last-third median %d, limit %d\n", verdict, names[k], m1, m2, limit
    }
  }' "$CSV")
while IFS= read -r line; do
  [[ "$line" == FAIL* ]] && failures+=("growth: ${line#FAIL }")
done <<< "$trend"

samples=$(( $(wc -l < "$CSV") - 1 ))
{
  echo "# Soak $stamp"
  echo
  echo "- duration: ${SOAK_SECONDS}s, $LOAD_THREADS load threads, a sample every ${SAMPLE_SECONDS}s ($samples samples), warm-up ${WARMUP_PERCENT}% ignored"
  echo "- server JVM: $SERVER_JVM_OPTS ($(java -version 2>&1 | head -1))"
  echo "- load: ${load_line#LOAD }"
  echo "- server at the end: $final_stats"
  echo "- shutdown: $(grep SHUTDOWN "$RUN_DIR/server.log" || echo 'not seen')"
  echo
  echo "Trend (median of the first vs the last third of the samples after the warm-up):"
  echo
  sed 's/^/    /' <<< "$trend"
  echo
  if [ ${#failures[@]} -eq 0 ]; then
    echo "Verdict: PASS"
  else
    echo "Verdict: FAIL"
    printf -- '- %s\n' "${failures[@]}"
  fi
} > "$SUMMARY"
cat "$SUMMARY"
echo "(samples: $CSV, logs: $RUN_DIR)"
[ ${#failures[@]} -eq 0 ]
