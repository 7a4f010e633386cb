#!/usr/bin/env bash
# The same Spring MVC app (bench/spring-app) on minihttp, Tomcat and Jetty, side by side: throughput,
# latency, blocking handlers, POST bodies, overload, slow clients, startup time and memory.
# Each server pinned to one CPU, wrk and the other load generators to another; every scenario starts
# the server afresh. See bench/README.md for what is measured and how to read it.
#
# Options (environment variables):
#   SERVERS="minihttp tomcat jetty"   which servers, in this base order (rotated every round)
#   SCENARIOS="plaintext json blocking echo overload slow"   which scenarios (startup and RSS are
#                                     measured at every server start); "slow" implies "plaintext"
#   ROUNDS=3 WARMUP=5 DURATION=10     rounds; seconds of warm-up (not recorded) and of measurement
#   THREADS=200 QUEUE=1000            pool size and queue for every scenario except overload
#   OVERLOAD_THREADS=16 OVERLOAD_QUEUE=32 OVERLOAD_CONNECTIONS=512 OVERLOAD_MS=100
#   BLOCKING_CONNECTIONS=256 BLOCKING_MS=50 CONNECTIONS=64
#   SLOW_HEADERS=1000 SLOW_BODIES=200 slowhttptest connections held during "slow"
#   WRK_THREADS=1 WRK_TIMEOUT=10      wrk -t and --timeout (s)
#   SERVER_CPU=0 WRK_CPU=1            CPUs for taskset
#   JVM_OPTS="-Xms256m -Xmx256m -XX:+UseParallelGC"   same flags for all three
#   MINIHTTP_PORT=18091 TOMCAT_PORT=18092 JETTY_PORT=18093
#   STARTUP_TIMEOUT=90                seconds a server has to answer its first 200
#   SKIP_BUILD=1                      reuse the jars in bench/spring-app/target/
#   JAVA_HOME                         JDK to use (default: `java` on PATH)
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$(pwd)
BENCH="$ROOT/bench"
RESULTS="$BENCH/results"
APP="$BENCH/spring-app"

SERVERS=${SERVERS:-"minihttp tomcat jetty"}
SCENARIOS=${SCENARIOS:-"plaintext json blocking echo overload slow"}
ROUNDS=${ROUNDS:-3}
WARMUP=${WARMUP:-5}
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
int_in_range WRK_THREADS "$WRK_THREADS" 1 64
int_in_range WRK_TIMEOUT "$WRK_TIMEOUT" 1 60
int_in_range STARTUP_TIMEOUT "$STARTUP_TIMEOUT" 1 600
for p in MINIHTTP_PORT TOMCAT_PORT JETTY_PORT; do int_in_range "$p" "${!p}" 1024 65535; done
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
    case "$s" in plaintext | json | blocking | echo | overload | slow) ;;
    *) die "unknown scenario '$s' (known: plaintext json blocking echo overload slow)" ;; esac
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
    [[ -x "$PYTHON" ]] || missing+=(python3)
    if ((${#missing[@]} > 0)); then apt_install "${missing[@]}"; fi
    if ! "$PYTHON" -c 'import matplotlib' 2>/dev/null; then apt_install python3-matplotlib; fi
    command -v "$JAVA" >/dev/null || die "no java ($JAVA); set JAVA_HOME"
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

start_server() { # name threads queue
    local name=$1 threads=$2 queue=$3 port
    port=$(port_of "$name")
    ! answers "$port" || die "something already answers on 127.0.0.1:$port; set ${name^^}_PORT"
    START_ID=$((START_ID + 1))
    local logf="$RUN_DIR/$name.start$START_ID.log"
    # Identical command lines: every server gets every pool property and ignores the others'.
    local t0=$EPOCHREALTIME
    spawn_server "$name" "$SERVER_CPU" "$logf" "$JAVA" "${JVM_FLAGS[@]}" -jar "$(jar_of "$name")" \
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
established() { ss -Htn state established "( dport = :$1 )" 2>/dev/null | wc -l; }

# ---------------------------------------------------------------- slow clients
start_slow_clients() { # port seconds: slow headers on GET /plaintext, slow bodies on POST /echo
    local port=$1 secs=$2 want_conns=$((SLOW_HEADERS + SLOW_BODIES))
    # slowhttptest stops by itself after -l seconds (and bg_stop_all stops it right after the
    # measurement). Headers: a few bytes every 5 s, well inside every server's idle/read timeout
    # (only minihttp's 20 s deadline for a whole request head ends them, after the measurement at
    # the default durations). Bodies: ~600 B every second, above minihttp's minimum body rate
    # (240 B/s), so every server holds all of them for the whole measurement: the scenario tests
    # what a slow sender costs while it is connected, not which server hangs up first.
    if ((SLOW_HEADERS > 0)); then
        bg_start "$RUN_DIR/$SERVER_NAME.r$ROUND.slowhttptest-headers.log" slowhttptest -H -c "$SLOW_HEADERS" -r 500 -i 5 -x 24 -p 5 -l "$secs" \
            -u "http://127.0.0.1:$port/plaintext" -g -o "$RUN_DIR/$SERVER_NAME.r$ROUND.slow-headers"
    fi
    if ((SLOW_BODIES > 0)); then
        bg_start "$RUN_DIR/$SERVER_NAME.r$ROUND.slowhttptest-bodies.log" slowhttptest -B -c "$SLOW_BODIES" -r 200 -i 1 -x 600 -s 1048576 -f application/octet-stream \
            -p 5 -l "$secs" -u "http://127.0.0.1:$port/echo" -g -o "$RUN_DIR/$SERVER_NAME.r$ROUND.slow-bodies"
    fi
    # Wait (bounded) until nearly all of them are connected.
    local deadline=$((SECONDS + 20)) n=0
    while ((SECONDS < deadline)); do
        n=$(established "$port")
        ((n * 100 < want_conns * 95)) || break
        sleep 0.5
    done
    log "  slow clients: $n of $want_conns connected"
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
    local load1 slow0="" slow1=""
    load1=$(cut -d' ' -f1 /proc/loadavg)
    [[ "$sc" != slow ]] || slow0=$(established "$port")
    noise_begin "${BG_PIDS[@]}"
    run_wrk "$DURATION" "$conns" "$url" --timeout "${WRK_TIMEOUT}s" --latency "$@" >"$out.wrk.txt" 2>&1 ||
        { cat "$out.wrk.txt" >&2; die "wrk ($sc) against $name failed"; }
    noise_end
    [[ "$sc" != slow ]] || slow1=$(established "$port")
    kill -0 "$SERVER_PID" 2>/dev/null || { cat "$out.wrk.txt" >&2; die "$name died during $sc"; }
    local parsed status="" rss hwm
    parsed=$("$PYTHON" "$BENCH/wrkstats.py" parse "$out.wrk.txt") || { cat "$out.wrk.txt" >&2; die "cannot parse wrk output"; }
    if [[ "$sc" == overload ]]; then
        status=$(sed -n 's/^STATUS n2xx=\([0-9]*\) n503=\([0-9]*\) nother=\([0-9]*\) p99_2xx_ms=\([0-9.]*\) p99_2xx_exact=\([01]\)$/\1,\2,\3,\4,\5/p' "$out.wrk.txt")
        [[ -n "$status" ]] || { cat "$out.wrk.txt" >&2; die "no STATUS line from lua/status.lua"; }
    else
        status=",,,,"
    fi
    rss=$(rss_kb)
    hwm=$(hwm_kb)
    echo "$(date -u +%Y-%m-%dT%H:%M:%SZ),$ROUND,$ORDER,$name,$sc,$START_ID,$threads,$queue,$conns,$load1,$STEAL,$OTHER,$STARTUP_MS,$JVM_READY_S,$rss,$hwm,$slow0,$slow1,$status,$parsed" >>"$CSV_TMP"
    local extra
    extra=$(grep -E 'Non-2xx|Socket errors|^STATUS' "$out.wrk.txt" | tr -s ' ' | tr '\n' ';' || true)
    [[ "$sc" != slow ]] || extra+=" slow connections $slow0 -> $slow1;"
    log "  $sc: $(grep -E '^Requests/sec' "$out.wrk.txt" | tr -s ' '), $(grep -E '^ +99%' "$out.wrk.txt" | tr -s ' ' | sed 's/^ //') ($extra steal ${STEAL}%, others ${OTHER}% CPU, RSS $((${rss:-0} / 1024)) MiB)"
}

run_group() { # group name
    local group=$1 name=$2
    case "$group" in
    basic) # JSON, plaintext and slow clients share one start, in this order: slow's baseline is the
        # plaintext measured right before it, and the JIT's first minutes on one CPU fall on JSON
        start_server "$name" "$THREADS" "$QUEUE"
        log "  started in ${STARTUP_MS} ms (Spring: ${JVM_READY_S:-?} s)"
        if scenario json; then measure json "$THREADS" "$QUEUE" "$CONNECTIONS" /json; fi
        if scenario plaintext || scenario slow; then measure plaintext "$THREADS" "$QUEUE" "$CONNECTIONS" /plaintext; fi
        if scenario slow; then
            start_slow_clients "$(port_of "$name")" "$((20 + WARMUP + DURATION + 10))"
            measure slow "$THREADS" "$QUEUE" "$CONNECTIONS" /plaintext
            bg_stop_all
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
        measure echo "$THREADS" "$QUEUE" "$CONNECTIONS" /echo -s "$BENCH/lua/echo.lua"
        ;;
    overload)
        start_server "$name" "$OVERLOAD_THREADS" "$OVERLOAD_QUEUE"
        log "  started in ${STARTUP_MS} ms"
        measure overload "$OVERLOAD_THREADS" "$OVERLOAD_QUEUE" "$OVERLOAD_CONNECTIONS" \
            "/slow?ms=$OVERLOAD_MS" -s "$BENCH/lua/status.lua"
        ;;
    esac
    stop_server
}

# ---------------------------------------------------------------- main
export FLOOR_MS=$OVERLOAD_MS # for lua/status.lua: every 2xx of the overload scenario takes at least this
ensure_tools
new_run_dir
build
# From here the script itself, wrk, curl and slowhttptest run on the wrk CPU; only the server
# gets SERVER_CPU.
taskset -cp "$WRK_CPU" $$ >/dev/null

GROUPS_TO_RUN=()
if scenario plaintext || scenario json || scenario slow; then GROUPS_TO_RUN+=(basic); fi
if scenario blocking; then GROUPS_TO_RUN+=(blocking); fi
if scenario echo; then GROUPS_TO_RUN+=(echo); fi
if scenario overload; then GROUPS_TO_RUN+=(overload); fi

CSV_TMP="$RUN_DIR/spring-servers.csv"
echo "date,round,order,server,scenario,start,threads,queue,connections,load1,steal_pct,other_cpu_pct,startup_ms,jvm_ready_s,rss_kb,hwm_kb,slow_conns_start,slow_conns_end,n2xx,n503,nother,p99_2xx_ms,p99_2xx_exact,$("$PYTHON" "$BENCH/wrkstats.py" fields)" >"$CSV_TMP"
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
    SERVER_CPU=$SERVER_CPU WRK_CPU=$WRK_CPU JVM_OPTS=$JVM_OPTS ROUNDS=$ROUNDS WARMUP=$WARMUP DURATION=$DURATION \
    THREADS=$THREADS QUEUE=$QUEUE CONNECTIONS=$CONNECTIONS BLOCKING_CONNECTIONS=$BLOCKING_CONNECTIONS \
    BLOCKING_MS=$BLOCKING_MS OVERLOAD_THREADS=$OVERLOAD_THREADS OVERLOAD_QUEUE=$OVERLOAD_QUEUE \
    OVERLOAD_CONNECTIONS=$OVERLOAD_CONNECTIONS OVERLOAD_MS=$OVERLOAD_MS SLOW_HEADERS=$SLOW_HEADERS \
    SLOW_BODIES=$SLOW_BODIES WRK_THREADS=$WRK_THREADS WRK_TIMEOUT=$WRK_TIMEOUT \
    "$PYTHON" -c '
import json, os, sys
e = os.environ
keys = ["SERVER_CPU", "WRK_CPU", "JVM_OPTS", "ROUNDS", "WARMUP", "DURATION", "THREADS", "QUEUE",
        "CONNECTIONS", "BLOCKING_CONNECTIONS", "BLOCKING_MS", "OVERLOAD_THREADS", "OVERLOAD_QUEUE",
        "OVERLOAD_CONNECTIONS", "OVERLOAD_MS", "SLOW_HEADERS", "SLOW_BODIES", "WRK_THREADS", "WRK_TIMEOUT"]
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
