#!/usr/bin/env bash
# The same Spring MVC app (bench/spring-app) on minihttp, Tomcat and Jetty, side by side: throughput,
# latency, blocking handlers, POST bodies, overload, slow clients, startup time and memory (with a
# breakdown from the JVM's Native Memory Tracking).
# Each server pinned to one CPU, wrk and the other load generators to another; every scenario starts
# the server afresh. See bench/README.md for what is measured and how to read it.
#
# Options (environment variables):
#   SERVERS="minihttp tomcat jetty"   which servers, in this base order (rotated every round)
#   SCENARIOS="plaintext json blocking echo overload slow memory"   which scenarios (startup and RSS
#                                     are measured at every server start); "slow" implies "plaintext";
#                                     "memory" starts each server with -XX:NativeMemoryTracking=summary,
#                                     runs plaintext, then records threads, NMT and the live heap (jcmd)
#   ROUNDS=3 WARMUP=5 DURATION=10     rounds; seconds of warm-up (not recorded) and of measurement
#   JIT_WARMUP=20                     extra seconds of load, not recorded, right after the start that
#                                     JSON, plaintext and slow clients share, and after the echo start
#   SLOW_WARMUP=12                    seconds of plaintext load with a first set of slow clients,
#                                     not recorded, before the set the measurement runs with
#   THREADS=200 QUEUE=1000            pool size and queue for every scenario except overload
#   OVERLOAD_THREADS=16 OVERLOAD_QUEUE=32 OVERLOAD_CONNECTIONS=512 OVERLOAD_MS=100
#   BLOCKING_CONNECTIONS=256 BLOCKING_MS=50 CONNECTIONS=64
#   SLOW_HEADERS=1000 SLOW_BODIES=200 slowhttptest connections held during "slow"
#   SLOW_CPU_PCT=5                    CPU quota of the slowhttptest processes, in % of one CPU: they
#                                     run in a cgroup (v2 cpu.max or v1 cpu.cfs_quota_us) because
#                                     slowhttptest 1.8.2 busy-loops and would take wrk's CPU; without
#                                     a cgroup (not root...) they run under chrt --idle 0, with a
#                                     warning. 0 = no cap (to see the effect of the busy loop)
#   SLOW_DECOY=1 DECOY_PORT=18094     the slow-client control: the same slow clients aimed at a decoy
#                                     server (bench/decoy.py, on the wrk CPU) while wrk measures the
#                                     server under test, which then holds none of them; 0 = skip
#   MEMORY_FLOOR=1                    in "memory", also start the app without a web server
#                                     (spring.main.web-application-type=none) once per round: the
#                                     memory floor that no server can go below; 0 = skip
#   WRK_THREADS=1 WRK_TIMEOUT=10      wrk -t and --timeout (s)
#   SERVER_CPU=0 WRK_CPU=1            CPUs for taskset
#   JVM_OPTS="-Xms256m -Xmx256m -XX:+UseParallelGC"   same flags for all three
#   MINIHTTP_PORT=18091 TOMCAT_PORT=18092 JETTY_PORT=18093
#   STARTUP_TIMEOUT=90                seconds a server has to answer its first 200
#   SKIP_BUILD=1                      reuse the jars in bench/spring-app/target/
#   JAVA_HOME                         JDK to use (default: `java` on PATH); jcmd is taken from the
#                                     same JDK
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$(pwd)
BENCH="$ROOT/bench"
RESULTS="$BENCH/results"
APP="$BENCH/spring-app"

SERVERS=${SERVERS:-"minihttp tomcat jetty"}
SCENARIOS=${SCENARIOS:-"plaintext json blocking echo overload slow memory"}
ROUNDS=${ROUNDS:-3}
WARMUP=${WARMUP:-5}
JIT_WARMUP=${JIT_WARMUP:-20}
SLOW_WARMUP=${SLOW_WARMUP:-12}
DURATION=${DURATION:-10}
THREADS=${THREADS:-200}
QUEUE=${QUEUE:-1000}
CONNECTIONS=${CONNECTIONS:-64}
BLOCKING_CONNECTIONS=${BLOCKING_CONNECTIONS:-256}
BLOCKING_MS=${BLOCKING_MS:-50}
OVERLOAD_THREADS=${OVERLOAD_THREADS:-16}
OVERLOAD_QUEUE=${OVERLOAD_QUEUE:-32}
OVERLOAD_CONNECTIONS=${OVERLOAD_CONNECTIONS:-512}
OVERLOAD_MS=${OVERLOAD_MS:-100}
SLOW_HEADERS=${SLOW_HEADERS:-1000}
SLOW_BODIES=${SLOW_BODIES:-200}
SLOW_CPU_PCT=${SLOW_CPU_PCT:-5}
SLOW_DECOY=${SLOW_DECOY:-1}
DECOY_PORT=${DECOY_PORT:-18094}
MEMORY_FLOOR=${MEMORY_FLOOR:-1}
WRK_THREADS=${WRK_THREADS:-1}
WRK_TIMEOUT=${WRK_TIMEOUT:-10}
SERVER_CPU=${SERVER_CPU:-0}
WRK_CPU=${WRK_CPU:-1}
JVM_OPTS=${JVM_OPTS:-"-Xms256m -Xmx256m -XX:+UseParallelGC"}
MINIHTTP_PORT=${MINIHTTP_PORT:-18091}
TOMCAT_PORT=${TOMCAT_PORT:-18092}
JETTY_PORT=${JETTY_PORT:-18093}
STARTUP_TIMEOUT=${STARTUP_TIMEOUT:-90}
SKIP_BUILD=${SKIP_BUILD:-0}
EXPECTED_BODY="Hello, World!"

if [[ -n "${JAVA_HOME:-}" ]]; then JAVA="$JAVA_HOME/bin/java"; else JAVA=java; fi
# jcmd of the same JDK as the java that runs the servers (another JDK's jcmd may fail to attach).
if [[ -n "${JAVA_HOME:-}" ]]; then
    JCMD="$JAVA_HOME/bin/jcmd"
elif command -v java >/dev/null; then
    JCMD="$(dirname "$(readlink -f "$(command -v java)")")/jcmd"
else
    JCMD=jcmd
fi
read -r -a JVM_FLAGS <<<"$JVM_OPTS"

# shellcheck source=lib.sh
source "$BENCH/lib.sh"

# ---------------------------------------------------------------- options, bounded
int_in_range ROUNDS "$ROUNDS" 1 50
int_in_range WARMUP "$WARMUP" 0 600
int_in_range DURATION "$DURATION" 1 600
int_in_range THREADS "$THREADS" 1 2000
int_in_range QUEUE "$QUEUE" 0 100000
int_in_range CONNECTIONS "$CONNECTIONS" 1 10000
int_in_range BLOCKING_CONNECTIONS "$BLOCKING_CONNECTIONS" 1 10000
int_in_range BLOCKING_MS "$BLOCKING_MS" 1 10000
int_in_range OVERLOAD_THREADS "$OVERLOAD_THREADS" 1 2000
int_in_range OVERLOAD_QUEUE "$OVERLOAD_QUEUE" 0 100000
int_in_range OVERLOAD_CONNECTIONS "$OVERLOAD_CONNECTIONS" 1 10000
int_in_range OVERLOAD_MS "$OVERLOAD_MS" 1 10000
# One slowhttptest process per kind; it multiplexes with select(), so stay below FD_SETSIZE (1024).
int_in_range SLOW_HEADERS "$SLOW_HEADERS" 0 1000
int_in_range SLOW_BODIES "$SLOW_BODIES" 0 1000
int_in_range SLOW_CPU_PCT "$SLOW_CPU_PCT" 0 100
int_in_range WRK_THREADS "$WRK_THREADS" 1 64
int_in_range WRK_TIMEOUT "$WRK_TIMEOUT" 1 60
int_in_range STARTUP_TIMEOUT "$STARTUP_TIMEOUT" 1 600
int_in_range SLOW_DECOY "$SLOW_DECOY" 0 1
int_in_range MEMORY_FLOOR "$MEMORY_FLOOR" 0 1
for p in MINIHTTP_PORT TOMCAT_PORT JETTY_PORT DECOY_PORT; do int_in_range "$p" "${!p}" 1024 65535; done
for c in CONNECTIONS BLOCKING_CONNECTIONS OVERLOAD_CONNECTIONS; do
    ((${!c} >= WRK_THREADS)) || die "$c must be >= WRK_THREADS (wrk requires it)"
done

read -r -a SERVER_LIST <<<"$SERVERS"
((${#SERVER_LIST[@]} > 0)) || die "SERVERS is empty"
for s in "${SERVER_LIST[@]}"; do
    case "$s" in minihttp | tomcat | jetty) ;; *) die "unknown server '$s' (known: minihttp tomcat jetty)" ;; esac
done
want() { [[ " ${SERVER_LIST[*]} " == *" $1 "* ]]; }

read -r -a SCENARIO_LIST <<<"$SCENARIOS"
((${#SCENARIO_LIST[@]} > 0)) || die "SCENARIOS is empty"
for s in "${SCENARIO_LIST[@]}"; do
    case "$s" in plaintext | json | blocking | echo | overload | slow | memory) ;;
    *) die "unknown scenario '$s' (known: plaintext json blocking echo overload slow memory)" ;; esac
done
scenario() { [[ " ${SCENARIO_LIST[*]} " == *" $1 "* ]]; }

port_of() {
    case "$1" in minihttp) echo "$MINIHTTP_PORT" ;; tomcat) echo "$TOMCAT_PORT" ;; jetty) echo "$JETTY_PORT" ;; esac
}
jar_of() { echo "$APP/target/$1/bench-app-$1.jar"; }

# ---------------------------------------------------------------- tools
PYTHON=/usr/bin/python3 # Debian's, for python3-matplotlib (no pip here)

ensure_tools() {
    local missing=()
    command -v wrk >/dev/null || missing+=(wrk)
    command -v curl >/dev/null || missing+=(curl)
    command -v taskset >/dev/null || missing+=(util-linux)
    command -v setsid >/dev/null || missing+=(util-linux)
    command -v ss >/dev/null || missing+=(iproute2)
    command -v unzip >/dev/null || missing+=(unzip)
    if scenario slow && ! command -v slowhttptest >/dev/null; then missing+=(slowhttptest); fi
    if scenario slow && ((SLOW_CPU_PCT > 0)) && ! command -v chrt >/dev/null; then missing+=(util-linux); fi
    [[ -x "$PYTHON" ]] || missing+=(python3)
    if ((${#missing[@]} > 0)); then apt_install "${missing[@]}"; fi
    if ! "$PYTHON" -c 'import matplotlib' 2>/dev/null; then apt_install python3-matplotlib; fi
    command -v "$JAVA" >/dev/null || die "no java ($JAVA); set JAVA_HOME"
    if scenario memory; then [[ -x "$JCMD" ]] || die "no jcmd next to $JAVA ($JCMD): the memory scenario needs a full JDK"; fi
    command -v mvn >/dev/null || die "no mvn on PATH"
    check_cpus "$SERVER_CPU" "$WRK_CPU"
}

# ---------------------------------------------------------------- builds
build() {
    local s jar
    if [[ "$SKIP_BUILD" == 1 ]]; then
        for s in "${SERVER_LIST[@]}"; do
            [[ -f "$(jar_of "$s")" ]] || die "SKIP_BUILD=1 but no $(jar_of "$s")"
        done
        log "reusing the jars in bench/spring-app/target/"
        return
    fi
    if want minihttp; then
        # The app takes the starter from ~/.m2 like any user's app would: install this work tree's.
        log "installing minihttp (this work tree) into ~/.m2"
        mvn_logged "$RUN_DIR/build-install.log" -f "$ROOT/pom.xml" -DskipTests install
    fi
    for s in "${SERVER_LIST[@]}"; do
        log "building bench/spring-app for $s"
        # An up-to-date jar is not repackaged: without this, a changed minihttp in ~/.m2 would
        # not reach the app (and the check below would rightly refuse to measure it).
        rm -rf "$(dirname "$(jar_of "$s")")"
        mvn_logged "$RUN_DIR/build-$s.log" -f "$APP/pom.xml" -P "$s" package
        jar=$(jar_of "$s")
        [[ -f "$jar" ]] || die "no $jar after the build"
    done
    if want minihttp; then
        # Another work tree's `mvn install` may have replaced the snapshot in ~/.m2 between the
        # two builds: the jar must hold exactly this work tree's core and starter.
        local m
        for m in minihttp-core minihttp-spring-boot-starter; do
            cmp -s <(unzip -p "$(jar_of minihttp)" "BOOT-INF/lib/$m-0.1.0-SNAPSHOT.jar") \
                "$ROOT/$m/target/$m-0.1.0-SNAPSHOT.jar" ||
                die "bench-app-minihttp.jar holds a $m that is not this work tree's (a concurrent mvn install?); rerun"
        done
    fi
}

# ---------------------------------------------------------------- servers
START_ID=0
STARTUP_MS=""
JVM_READY_S=""
RSS_START=""
EXTRA_JVM_FLAGS=() # added after JVM_OPTS by start_server (the memory scenario's NMT flag)

start_server() { # name threads queue
    local name=$1 threads=$2 queue=$3 port
    port=$(port_of "$name")
    ! answers "$port" || die "something already answers on 127.0.0.1:$port; set ${name^^}_PORT"
    START_ID=$((START_ID + 1))
    local logf="$RUN_DIR/$name.start$START_ID.log"
    # Identical command lines: every server gets every pool property and ignores the others'.
    local t0=$EPOCHREALTIME
    spawn_server "$name" "$SERVER_CPU" "$logf" "$JAVA" "${JVM_FLAGS[@]}" "${EXTRA_JVM_FLAGS[@]}" -jar "$(jar_of "$name")" \
        --server.port="$port" \
        --minihttp.threads="$threads" --server.tomcat.threads.max="$threads" \
        --server.jetty.threads.max="$threads" \
        --minihttp.queue-capacity="$queue" --server.tomcat.accept-count="$queue"
    # Startup = from just before the JVM is forked to the first 200 on /plaintext, polled every
    # 20 ms (the script runs on the wrk CPU, so the polling does not slow the server's CPU).
    local deadline=$((SECONDS + STARTUP_TIMEOUT)) code
    while :; do
        if ! kill -0 "$SERVER_PID" 2>/dev/null; then
            tail -n 30 "$logf" >&2 || true
            SERVER_PID=""
            die "$name exited before answering (log: $logf)"
        fi
        code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "http://127.0.0.1:$port/plaintext" 2>/dev/null) || true
        [[ "$code" != 200 ]] || break
        ((SECONDS < deadline)) || die "$name did not answer within ${STARTUP_TIMEOUT}s (log: $logf)"
        sleep 0.02
    done
    local t1=$EPOCHREALTIME
    STARTUP_MS=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.0f", (b - a) * 1000 }')
    check_endpoints "$name" "$port"
    RSS_START=$(rss_kb) # after startup and the endpoint check (a handful of requests), before any load
    # Spring's own view: "Started BenchApp in X seconds (process running for Y)".
    JVM_READY_S=$(sed -n 's/.*Started BenchApp in .* (process running for \([0-9.]*\)).*/\1/p' "$logf" | head -n 1)
}

check_endpoints() { # name port: each endpoint answers what the scenarios expect
    local name=$1 port=$2 body base="http://127.0.0.1:$2"
    body=$(curl -sf --max-time 5 "$base/plaintext") || die "$name: GET /plaintext failed"
    [[ "$body" == "$EXPECTED_BODY" ]] || die "$name: /plaintext answered '$body'"
    body=$(curl -sf --max-time 5 "$base/json") || die "$name: GET /json failed"
    [[ "$body" == '{"message":"Hello, World!"}' ]] || die "$name: /json answered '$body'"
    body=$(curl -sf --max-time 5 "$base/slow?ms=1") || die "$name: GET /slow failed"
    body=$(head -c 1024 /dev/zero | tr '\0' x | curl -sf --max-time 5 -H 'Content-Type: application/octet-stream' \
        --data-binary @- "$base/echo" | wc -c) || die "$name: POST /echo failed"
    [[ "$body" == 1024 ]] || die "$name: POST /echo answered $body bytes instead of 1024"
}

rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$SERVER_PID/status" 2>/dev/null || echo ""; }
hwm_kb() { awk '/^VmHWM:/ { print $2 }' "/proc/$SERVER_PID/status" 2>/dev/null || echo ""; }
threads_of() { awk '/^Threads:/ { print $2 }' "/proc/$SERVER_PID/status" 2>/dev/null || echo ""; }
established() { ss -Htn state established "( dport = :$1 )" 2>/dev/null | wc -l; }

# ---------------------------------------------------------------- slow clients
jit_warmup() { # name path [wrk args...]: JIT_WARMUP s of load right after a start, not recorded
    # On one CPU the JIT compiles for a minute or more after a start; without this the first
    # measurements of a start drift (and the slow-client share, which compares measurements
    # across a start, with them).
    local name=$1 path=$2
    shift 2
    ((JIT_WARMUP > 0)) || return 0
    run_wrk "$JIT_WARMUP" "$CONNECTIONS" "http://127.0.0.1:$(port_of "$name")$path" \
        --timeout "${WRK_TIMEOUT}s" "$@" >"$RUN_DIR/$name.r$ROUND.jit-warmup.txt" 2>&1 ||
        die "wrk JIT warm-up against $name failed"
}

SLOW_PIDS=() # the slowhttptest processes of the current set (a subset of BG_PIDS)

start_slow_clients() { # port seconds [label]: slow headers on GET /plaintext, slow bodies on POST /echo
    local port=$1 secs=$2 label=${3:-slow} want_conns=$((SLOW_HEADERS + SLOW_BODIES))
    SLOW_PIDS=()
    # slowhttptest stops by itself after -l seconds (and bg_stop_all stops it right after the
    # measurement). Headers: a few bytes every 5 s, well inside every server's idle/read timeout
    # (only minihttp's 20 s deadline for a whole request head ends them, after the measurement at
    # the default durations). Bodies: ~600 B every second, above minihttp's minimum body rate
    # (240 B/s), so every server holds all of them for the whole measurement: the scenario tests
    # what a slow sender costs while it is connected, not which server hangs up first.
    if ((SLOW_HEADERS > 0)); then
        bg_start "$RUN_DIR/$SERVER_NAME.r$ROUND.$label-slowhttptest-headers.log" exec_capped slowhttptest -H -c "$SLOW_HEADERS" -r 500 -i 5 -x 24 -p 5 -l "$secs" \
            -u "http://127.0.0.1:$port/plaintext" -g -o "$RUN_DIR/$SERVER_NAME.r$ROUND.$label-headers"
        SLOW_PIDS+=("$BG_PID")
    fi
    if ((SLOW_BODIES > 0)); then
        bg_start "$RUN_DIR/$SERVER_NAME.r$ROUND.$label-slowhttptest-bodies.log" exec_capped slowhttptest -B -c "$SLOW_BODIES" -r 200 -i 1 -x 600 -s 1048576 -f application/octet-stream \
            -p 5 -l "$secs" -u "http://127.0.0.1:$port/echo" -g -o "$RUN_DIR/$SERVER_NAME.r$ROUND.$label-bodies"
        SLOW_PIDS+=("$BG_PID")
    fi
    # Wait (bounded) until nearly all of them are connected.
    local deadline=$((SECONDS + 20)) n=0
    while ((SECONDS < deadline)); do
        n=$(established "$port")
        ((n * 100 < want_conns * 95)) || break
        sleep 0.5
    done
    log "  slow clients: $n of $want_conns connected"
    local pid
    for pid in "${SLOW_PIDS[@]}"; do
        kill -0 "$pid" 2>/dev/null || die "slowhttptest (pid $pid) is not running; see $RUN_DIR/*slowhttptest*.log"
        cpu_cap_holds "$pid" || die "slowhttptest (pid $pid) is not in the cgroup $CAP_DIR"
    done
}

start_decoy() { # the decoy of the slow-client control, on DECOY_PORT (stopped by bg_stop_all)
    ! answers "$DECOY_PORT" || die "something already answers on 127.0.0.1:$DECOY_PORT; set DECOY_PORT"
    bg_start "$RUN_DIR/$SERVER_NAME.r$ROUND.decoy.log" "$PYTHON" "$BENCH/decoy.py" "$DECOY_PORT"
    local deadline=$((SECONDS + 10))
    until answers "$DECOY_PORT"; do
        ((SECONDS < deadline)) || die "the decoy did not answer on 127.0.0.1:$DECOY_PORT (log: $RUN_DIR/$SERVER_NAME.r$ROUND.decoy.log)"
        sleep 0.1
    done
}

# ---------------------------------------------------------------- memory breakdown
memory_breakdown() { # out-prefix -> CSV fragment of jvmmem.py (NMT summary, live heap after a full GC, RSS split)
    local out=$1
    # The resident set as it is now, before jcmd attaches (the attach starts a thread) or GC.run.
    cat "/proc/$SERVER_PID/smaps" >"$out.smaps" 2>/dev/null || die "cannot read /proc/$SERVER_PID/smaps"
    # jcmd attaches to the JVM (same user, same JDK); each call is bounded. It runs on the wrk CPU
    # (this script's affinity), after the measurement.
    timeout --kill-after=5 60 "$JCMD" "$SERVER_PID" VM.native_memory summary >"$out.nmt.txt" 2>&1 ||
        { cat "$out.nmt.txt" >&2; die "jcmd VM.native_memory against $SERVER_NAME failed"; }
    timeout --kill-after=5 60 "$JCMD" "$SERVER_PID" GC.run >"$out.gc-run.txt" 2>&1 ||
        { cat "$out.gc-run.txt" >&2; die "jcmd GC.run against $SERVER_NAME failed"; }
    timeout --kill-after=5 60 "$JCMD" "$SERVER_PID" GC.heap_info >"$out.heap.txt" 2>&1 ||
        { cat "$out.heap.txt" >&2; die "jcmd GC.heap_info against $SERVER_NAME failed"; }
    "$PYTHON" "$BENCH/jvmmem.py" parse "$out.nmt.txt" "$out.heap.txt" "$out.smaps" ||
        die "cannot parse jcmd output ($out.nmt.txt, $out.heap.txt)"
}

# ---------------------------------------------------------------- measurements
CSV_TMP=""
ORDER=0

measure() { # scenario threads queue connections path [wrk args...]
    local sc=$1 threads=$2 queue=$3 conns=$4 path=$5
    shift 5
    local name=$SERVER_NAME port url out
    port=$(port_of "$name")
    url="http://127.0.0.1:$port$path"
    out="$RUN_DIR/$name.r$ROUND.$sc"
    if ((WARMUP > 0)); then
        run_wrk "$WARMUP" "$conns" "$url" --timeout "${WRK_TIMEOUT}s" "$@" >"$out.warmup.txt" 2>&1 ||
            die "wrk warm-up ($sc) against $name failed"
        if [[ "$sc" == overload ]]; then
            # Let the backlog the warm-up left behind drain (a server without a bounded queue goes
            # on running requests whose clients are gone): at most connections x handler / threads.
            sleep "$(((OVERLOAD_CONNECTIONS * OVERLOAD_MS / OVERLOAD_THREADS + 999) / 1000 + 1))"
        fi
    fi
    local load1 slow0="" slow1="" slow_cpu="" st0="" st1="" sc0="" sc1="" slow_port=$port
    load1=$(cut -d' ' -f1 /proc/loadavg)
    [[ "$sc" != slow-decoy ]] || slow_port=$DECOY_PORT
    if [[ "$sc" == slow* ]]; then
        slow0=$(established "$slow_port")
        st0=$EPOCHREALTIME
        sc0=$(proc_cpu_ticks "${SLOW_PIDS[@]}")
    fi
    noise_begin "${BG_PIDS[@]}"
    run_wrk "$DURATION" "$conns" "$url" --timeout "${WRK_TIMEOUT}s" --latency "$@" >"$out.wrk.txt" 2>&1 ||
        { cat "$out.wrk.txt" >&2; die "wrk ($sc) against $name failed"; }
    noise_end
    if [[ "$sc" == slow* ]]; then
        # CPU time of the slowhttptest processes during the measurement, in % of one CPU.
        sc1=$(proc_cpu_ticks "${SLOW_PIDS[@]}")
        st1=$EPOCHREALTIME
        slow_cpu=$(awk -v a="$sc0" -v b="$sc1" -v t0="$st0" -v t1="$st1" -v hz="$CLK_TCK" \
            'BEGIN { printf "%.2f", (t1 > t0) ? 100 * (b - a) / hz / (t1 - t0) : 0 }')
        slow1=$(established "$slow_port")
    fi
    kill -0 "$SERVER_PID" 2>/dev/null || { cat "$out.wrk.txt" >&2; die "$name died during $sc"; }
    local parsed status="" rss hwm
    parsed=$("$PYTHON" "$BENCH/wrkstats.py" parse "$out.wrk.txt") || { cat "$out.wrk.txt" >&2; die "cannot parse wrk output"; }
    if [[ "$sc" == overload ]]; then
        status=$(sed -n 's/^STATUS n2xx=\([0-9]*\) n503=\([0-9]*\) nother=\([0-9]*\) p99_2xx_ms=\([0-9.]*\) p99_2xx_exact=\([01]\)$/\1,\2,\3,\4,\5/p' "$out.wrk.txt")
        [[ -n "$status" ]] || { cat "$out.wrk.txt" >&2; die "no STATUS line from lua/status.lua"; }
    else
        status=",,,,"
    fi
    local nthreads mem=$MEM_EMPTY
    rss=$(rss_kb)
    hwm=$(hwm_kb)
    nthreads=$(threads_of) # before jcmd, whose attach starts a thread in the JVM
    [[ "$sc" != memory ]] || mem=$(memory_breakdown "$out")
    echo "$(date -u +%Y-%m-%dT%H:%M:%SZ),$ROUND,$ORDER,$name,$sc,$START_ID,$threads,$queue,$conns,$load1,$STEAL,$OTHER,$STARTUP_MS,$JVM_READY_S,$rss,$hwm,$slow0,$slow1,$status,$parsed,$RSS_START,$nthreads,$slow_cpu,$mem" >>"$CSV_TMP"
    local extra
    extra=$(grep -E 'Non-2xx|Socket errors|^STATUS' "$out.wrk.txt" | tr -s ' ' | tr '\n' ';' || true)
    [[ "$sc" != slow ]] || extra+=" slow connections $slow0 -> $slow1, slowhttptest ${slow_cpu}% of a CPU;"
    [[ "$sc" != slow-decoy ]] || extra+=" slow connections to the decoy $slow0 -> $slow1 (to $name: $(established "$port")), slowhttptest ${slow_cpu}% of a CPU;"
    [[ "$sc" != memory ]] || extra+=" $nthreads threads, RSS at start $((${RSS_START:-0} / 1024)) MiB;"
    log "  $sc: $(grep -E '^Requests/sec' "$out.wrk.txt" | tr -s ' '), $(grep -E '^ +99%' "$out.wrk.txt" | tr -s ' ' | sed 's/^ //') ($extra steal ${STEAL}%, others ${OTHER}% CPU, RSS $((${rss:-0} / 1024)) MiB)"
}

run_group() { # group name
    local group=$1 name=$2
    case "$group" in
    basic) # JSON, plaintext and slow clients share one start, in this order: slow's baseline is the
        # plaintext measured right before it, and the JIT's first minutes on one CPU fall on JSON
        start_server "$name" "$THREADS" "$QUEUE"
        log "  started in ${STARTUP_MS} ms (Spring: ${JVM_READY_S:-?} s)"
        jit_warmup "$name" /plaintext
        if scenario json; then measure json "$THREADS" "$QUEUE" "$CONNECTIONS" /json; fi
        if scenario plaintext || scenario slow; then measure plaintext "$THREADS" "$QUEUE" "$CONNECTIONS" /plaintext; fi
        if scenario slow; then
            if ((SLOW_WARMUP > 0)); then
                # The slow clients' own warm-up: their code paths (partial heads, bodies arriving a
                # few bytes at a time) are new to the JIT, which then compiles for seconds on the
                # server's one CPU (183 methods, 5.4 s of compile time in the first 5 s in one
                # probe). A first set of slow clients under plaintext load, then a fresh set for
                # the measurement, so it sees slow clients, not their first-time compilation.
                start_slow_clients "$(port_of "$name")" "$((SLOW_WARMUP + 20))" slow-warmup
                run_wrk "$SLOW_WARMUP" "$CONNECTIONS" "http://127.0.0.1:$(port_of "$name")/plaintext" \
                    --timeout "${WRK_TIMEOUT}s" >"$RUN_DIR/$name.r$ROUND.slow-warmup.txt" 2>&1 ||
                    die "wrk slow-client warm-up against $name failed"
                bg_stop_all
            fi
            start_slow_clients "$(port_of "$name")" "$((20 + WARMUP + DURATION + 10))"
            measure slow "$THREADS" "$QUEUE" "$CONNECTIONS" /plaintext
            bg_stop_all
            if ((SLOW_DECOY)); then
                # The control: the same slow clients, aimed at a decoy on the wrk CPU instead of
                # at the server, while wrk measures the server as before. What this costs the
                # server's throughput is the load generator's share of the slow clients' cost
                # (its CPU time, caches, the kernel's work for 1,200 sockets on the same machine),
                # not the server's: the server holds none of the slow connections.
                start_decoy
                start_slow_clients "$DECOY_PORT" "$((20 + WARMUP + DURATION + 10))" slow-decoy
                measure slow-decoy "$THREADS" "$QUEUE" "$CONNECTIONS" /plaintext
                bg_stop_all
            fi
            # Plaintext once more, the slow clients gone: the share compares the slow-client
            # measurement with the mean of the plaintext before and after it (an A-B-A design: a
            # drift such as the JIT still improving the code cancels out to first order).
            measure plaintext-after "$THREADS" "$QUEUE" "$CONNECTIONS" /plaintext
        fi
        ;;
    blocking)
        start_server "$name" "$THREADS" "$QUEUE"
        log "  started in ${STARTUP_MS} ms"
        measure blocking "$THREADS" "$QUEUE" "$BLOCKING_CONNECTIONS" "/slow?ms=$BLOCKING_MS"
        ;;
    echo)
        start_server "$name" "$THREADS" "$QUEUE"
        log "  started in ${STARTUP_MS} ms"
        jit_warmup "$name" /echo -s "$BENCH/lua/echo.lua"
        measure echo "$THREADS" "$QUEUE" "$CONNECTIONS" /echo -s "$BENCH/lua/echo.lua"
        ;;
    overload)
        start_server "$name" "$OVERLOAD_THREADS" "$OVERLOAD_QUEUE"
        log "  started in ${STARTUP_MS} ms"
        measure overload "$OVERLOAD_THREADS" "$OVERLOAD_QUEUE" "$OVERLOAD_CONNECTIONS" \
            "/slow?ms=$OVERLOAD_MS" -s "$BENCH/lua/status.lua"
        ;;
    memory) # the same plaintext load as scenario 1, with NMT on (the same extra flag for all three)
        EXTRA_JVM_FLAGS=(-XX:NativeMemoryTracking=summary)
        start_server "$name" "$THREADS" "$QUEUE"
        EXTRA_JVM_FLAGS=()
        log "  started in ${STARTUP_MS} ms (NMT on), RSS $((${RSS_START:-0} / 1024)) MiB"
        measure memory "$THREADS" "$QUEUE" "$CONNECTIONS" /plaintext
        ;;
    esac
    stop_server
}

memory_floor() { # the app without a web server, idle: one CSV row (server "none", scenario "memory-floor")
    # The same jar as minihttp's, the same flags as the memory scenario; with
    # web-application-type=none, Spring starts the context without a web server and without
    # Spring MVC, and keep-alive holds the JVM up. No server can use less memory than this.
    local logf="$RUN_DIR/none.r$ROUND.floor.log" out="$RUN_DIR/none.r$ROUND.memory-floor"
    START_ID=$((START_ID + 1))
    spawn_server none "$SERVER_CPU" "$logf" "$JAVA" "${JVM_FLAGS[@]}" -XX:NativeMemoryTracking=summary \
        -jar "$(jar_of minihttp)" --spring.main.web-application-type=none --spring.main.keep-alive=true
    local deadline=$((SECONDS + STARTUP_TIMEOUT))
    until grep -q 'Started BenchApp' "$logf" 2>/dev/null; do
        kill -0 "$SERVER_PID" 2>/dev/null || die "the app without a web server exited (log: $logf)"
        ((SECONDS < deadline)) || die "the app without a web server did not start within ${STARTUP_TIMEOUT}s (log: $logf)"
        sleep 0.1
    done
    sleep "$((WARMUP + DURATION))" # as long as a measured server's warm-up + measurement, idle
    local rss hwm nthreads mem
    rss=$(rss_kb)
    hwm=$(hwm_kb)
    nthreads=$(threads_of)
    mem=$(memory_breakdown "$out")
    # The columns of measure(): no load, so no wrk fields.
    echo "$(date -u +%Y-%m-%dT%H:%M:%SZ),$ROUND,0,none,memory-floor,$START_ID,,,,$(cut -d' ' -f1 /proc/loadavg),,,,,$rss,$hwm,,,,,,,,$WRK_EMPTY,$rss,$nthreads,,$mem" >>"$CSV_TMP"
    log "  no web server (idle): $nthreads threads, RSS $((rss / 1024)) MiB"
    stop_server
}

# ---------------------------------------------------------------- main
export FLOOR_MS=$OVERLOAD_MS # for lua/status.lua: every 2xx of the overload scenario takes at least this
ensure_tools
new_run_dir
build
CLK_TCK=$(getconf CLK_TCK)
SLOW_CPU_CAP="-"
if scenario slow; then
    cpu_cap_create "$SLOW_CPU_PCT" "minihttp-bench-slow-$$"
    SLOW_CPU_CAP=$CAP_METHOD
    log "slowhttptest CPU cap: $SLOW_CPU_CAP"
    if [[ "$CAP_KIND" == idle ]]; then
        log "WARNING: no CPU-capped cgroup could be made (root and a writable cgroup v1 cpu or v2 cpu.max needed);"
        log "WARNING: slowhttptest runs under SCHED_IDLE only. It busy-loops and competes with wrk for CPU $WRK_CPU,"
        log "WARNING: so the slow-client numbers are then limited by the load generator, not by the server."
    fi
fi
# From here the script itself, wrk, curl and slowhttptest run on the wrk CPU; only the server
# gets SERVER_CPU.
taskset -cp "$WRK_CPU" $$ >/dev/null

GROUPS_TO_RUN=()
if scenario plaintext || scenario json || scenario slow; then GROUPS_TO_RUN+=(basic); fi
if scenario blocking; then GROUPS_TO_RUN+=(blocking); fi
if scenario echo; then GROUPS_TO_RUN+=(echo); fi
if scenario overload; then GROUPS_TO_RUN+=(overload); fi
if scenario memory; then GROUPS_TO_RUN+=(memory); fi

CSV_TMP="$RUN_DIR/spring-servers.csv"
MEM_FIELDS=$("$PYTHON" "$BENCH/jvmmem.py" fields)
MEM_EMPTY=$(tr -cd , <<<"$MEM_FIELDS") # the same number of empty columns, for the other scenarios
WRK_FIELDS=$("$PYTHON" "$BENCH/wrkstats.py" fields)
WRK_EMPTY=$(tr -cd , <<<"$WRK_FIELDS") # the same, for the memory floor's row (no wrk)
echo "date,round,order,server,scenario,start,threads,queue,connections,load1,steal_pct,other_cpu_pct,startup_ms,jvm_ready_s,rss_kb,hwm_kb,slow_conns_start,slow_conns_end,n2xx,n503,nother,p99_2xx_ms,p99_2xx_exact,$WRK_FIELDS,rss_start_kb,jvm_threads,slow_cpu_pct,$MEM_FIELDS" >"$CSV_TMP"
LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
STARTED_AT=$SECONDS
n=${#SERVER_LIST[@]}
log "servers: ${SERVER_LIST[*]}; scenarios: ${SCENARIO_LIST[*]}; $ROUNDS round(s); ${WARMUP}s warm-up + ${DURATION}s per measurement"

for ((ROUND = 1; ROUND <= ROUNDS; ROUND++)); do
    for group in "${GROUPS_TO_RUN[@]}"; do
        for ((k = 0; k < n; k++)); do
            name=${SERVER_LIST[$(((ROUND - 1 + k) % n))]}
            ORDER=$((k + 1))
            log "round $ROUND/$ROUNDS, $group #$ORDER: $name on 127.0.0.1:$(port_of "$name")"
            run_group "$group" "$name"
        done
        if [[ "$group" == memory ]] && ((MEMORY_FLOOR)) && want minihttp; then # the floor runs minihttp's jar
            log "round $ROUND/$ROUNDS, memory floor: the app without a web server"
            memory_floor
        fi
    done
done
LOAD_END=$(cut -d' ' -f1-3 /proc/loadavg)

# ---------------------------------------------------------------- report
boot_version=$(sed -n '/<parent>/,/<\/parent>/s:.*<version>\(.*\)</version>.*:\1:p' "$APP/pom.xml")
libversion() { # server lib-prefix -> version of that library inside the server's jar
    { unzip -Z1 "$(jar_of "$1")" 2>/dev/null || true; } | sed -n "s:^BOOT-INF/lib/$2-\([0-9][^/]*\)\.jar$:\1:p" | head -n 1
}
versions=("Spring Boot $boot_version")
if want minihttp; then versions+=("minihttp (this work tree, $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?'))"); fi
if want tomcat; then versions+=("Tomcat $(libversion tomcat tomcat-embed-core)"); fi
if want jetty; then versions+=("Jetty $(libversion jetty jetty-server)"); fi
versions+=("$({ wrk -v 2>&1 || true; } | head -n 1 | cut -d' ' -f1-2)")
if scenario slow; then # slowhttptest -h exits non-zero
    versions+=("$({ slowhttptest -h 2>&1 || true; } | sed -n 's/.*- version \(.*\)/slowhttptest \1/p' | head -n 1)")
fi

META="$RUN_DIR/meta.json"
M_DATE=$(date -u '+%Y-%m-%d %H:%M UTC') M_CPU=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1) \
    M_CPUS=$(nproc --all) M_JDK=$("$JAVA" -version 2>&1 | sed -n '2p') \
    M_VERSIONS=$(printf '%s, ' "${versions[@]}") M_SERVERS="${SERVER_LIST[*]}" M_SCENARIOS="${SCENARIO_LIST[*]}" \
    M_PORTS="$(for s in "${SERVER_LIST[@]}"; do printf '%s %s; ' "$s" "$(port_of "$s")"; done)" \
    M_LOAD_START=$LOAD_START M_LOAD_END=$LOAD_END M_MINUTES=$(((SECONDS - STARTED_AT + 59) / 60)) \
    SERVER_CPU=$SERVER_CPU WRK_CPU=$WRK_CPU JVM_OPTS=$JVM_OPTS ROUNDS=$ROUNDS WARMUP=$WARMUP JIT_WARMUP=$JIT_WARMUP SLOW_WARMUP=$SLOW_WARMUP DURATION=$DURATION \
    THREADS=$THREADS QUEUE=$QUEUE CONNECTIONS=$CONNECTIONS BLOCKING_CONNECTIONS=$BLOCKING_CONNECTIONS \
    BLOCKING_MS=$BLOCKING_MS OVERLOAD_THREADS=$OVERLOAD_THREADS OVERLOAD_QUEUE=$OVERLOAD_QUEUE \
    OVERLOAD_CONNECTIONS=$OVERLOAD_CONNECTIONS OVERLOAD_MS=$OVERLOAD_MS SLOW_HEADERS=$SLOW_HEADERS \
    SLOW_BODIES=$SLOW_BODIES SLOW_CPU_PCT=$SLOW_CPU_PCT SLOW_CPU_CAP=$SLOW_CPU_CAP \
    WRK_THREADS=$WRK_THREADS WRK_TIMEOUT=$WRK_TIMEOUT \
    "$PYTHON" -c '
import json, os, sys
e = os.environ
keys = ["SERVER_CPU", "WRK_CPU", "JVM_OPTS", "ROUNDS", "WARMUP", "JIT_WARMUP", "SLOW_WARMUP", "DURATION", "THREADS", "QUEUE",
        "CONNECTIONS", "BLOCKING_CONNECTIONS", "BLOCKING_MS", "OVERLOAD_THREADS", "OVERLOAD_QUEUE",
        "OVERLOAD_CONNECTIONS", "OVERLOAD_MS", "SLOW_HEADERS", "SLOW_BODIES", "SLOW_CPU_PCT", "SLOW_CPU_CAP",
        "WRK_THREADS", "WRK_TIMEOUT"]
m = {k.lower(): e[k] for k in keys}
m.update({
    "date": e["M_DATE"], "cpu": e["M_CPU"], "cpus_online": e["M_CPUS"], "jdk": e["M_JDK"],
    "versions": e["M_VERSIONS"].rstrip(", "), "ports": e["M_PORTS"].rstrip("; "),
    "servers": e["M_SERVERS"].split(), "scenarios": e["M_SCENARIOS"].split(),
    "load_start": e["M_LOAD_START"], "load_end": e["M_LOAD_END"], "minutes": e["M_MINUTES"],
})
json.dump(m, open(sys.argv[1], "w"), indent=1)
' "$META"

cp "$CSV_TMP" "$RESULTS/spring-servers.csv"
"$PYTHON" "$BENCH/springreport.py" "$RESULTS/spring-servers.csv" "$META" \
    "$RESULTS/spring-servers.md" "$RESULTS/spring-servers.png"
log "wrote bench/results/spring-servers.{csv,md,png} in $(((SECONDS - STARTED_AT + 59) / 60)) min (raw: ${RUN_DIR#"$ROOT"/})"
echo
cat "$RESULTS/spring-servers.md"
