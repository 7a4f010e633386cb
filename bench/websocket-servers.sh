#!/usr/bin/env bash
# WebSocket on minihttp, Tomcat and Jetty: the same Spring app (bench/spring-app, its /ws/echo
# TextWebSocketHandler, on with --bench.websocket=true), the same JVM flags, each server alone:
#
#   1. echo: CONNECTIONS sessions in a closed loop (send a SIZE-byte text message, wait for its
#      echo), WARMUP s then SECONDS s measured -> echo messages per second (bench/WsBench.java);
#   2. idle: IDLE sessions opened and left idle (bench/WsBench.java idle, a process of its own);
#      live heap by class (jcmd GC.class_histogram, after a full GC), RSS and threads before and
#      after -> heap, RSS and threads per idle session, and the classes that grew most.
#
# Heap per session is a count of live objects, not a timing. The message rate is a timing on a
# shared 2-core machine: the load average before and after each server is printed beside it.
#
# Options (environment variables):
#   SERVERS="minihttp tomcat jetty"  CONNECTIONS=64  SIZE=64  WARMUP=5  SECONDS_=15  IDLE=10000
#   THREADS=200  JVM_OPTS="-Xmx1g -XX:+UseG1GC"  BASE_PORT=19121  SKIP_BUILD=1 (reuse classpaths)
#   SERVER_CPU=0 CLIENT_CPU=1        the server and the load on separate CPUs
# Output: bench/results/websocket-servers.md; raw files in bench/results/tmp.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$(pwd)
BENCH="$ROOT/bench"
RESULTS="$BENCH/results"
APP="$BENCH/spring-app"

SERVERS=${SERVERS:-"minihttp tomcat jetty"}
CONNECTIONS=${CONNECTIONS:-64}
SIZE=${SIZE:-64}
WARMUP=${WARMUP:-5}
SECONDS_=${SECONDS_:-15}
IDLE=${IDLE:-10000}
THREADS=${THREADS:-200}
JVM_OPTS=${JVM_OPTS:-"-Xmx1g -XX:+UseG1GC"}
BASE_PORT=${BASE_PORT:-19121}
SKIP_BUILD=${SKIP_BUILD:-0}
SERVER_CPU=${SERVER_CPU:-0}
CLIENT_CPU=${CLIENT_CPU:-1}
WRK_CPU=$CLIENT_CPU
WRK_THREADS=1

if [[ -n "${JAVA_HOME:-}" ]]; then JAVA="$JAVA_HOME/bin/java"; JCMD="$JAVA_HOME/bin/jcmd"; else
    JAVA=java
    JCMD="$(dirname "$(readlink -f "$(command -v java)")")/jcmd"
fi
read -r -a JVM_FLAGS <<<"$JVM_OPTS"

# shellcheck source=lib.sh
source "$BENCH/lib.sh"

int_in_range CONNECTIONS "$CONNECTIONS" 1 10000
int_in_range SIZE "$SIZE" 1 65535
int_in_range WARMUP "$WARMUP" 0 600
int_in_range SECONDS_ "$SECONDS_" 1 600
int_in_range IDLE "$IDLE" 1 19000
int_in_range THREADS "$THREADS" 1 2000
int_in_range BASE_PORT "$BASE_PORT" 1024 65000
check_cpus "$SERVER_CPU" "$CLIENT_CPU"
read -r -a SERVER_LIST <<<"$SERVERS"
for s in "${SERVER_LIST[@]}"; do
    case "$s" in minihttp | tomcat | jetty) ;; *) die "unknown server '$s'" ;; esac
done
port_of() { case "$1" in minihttp) echo $((BASE_PORT)) ;; tomcat) echo $((BASE_PORT + 1)) ;; jetty) echo $((BASE_PORT + 2)) ;; esac; }
for tool in curl python3 "$JCMD"; do command -v "$tool" >/dev/null || die "missing $tool"; done
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
(($(ulimit -n) > IDLE + 500)) || die "open-file limit $(ulimit -n) is too low for $IDLE sessions in one process"

new_run_dir
log "raw output in $RUN_DIR"

# ---------------------------------------------------------------- builds (as bench/idle-footprint.sh)
CPDIR="$RESULTS/tmp/websocket-classpaths"
build() {
    mkdir -p "$CPDIR"
    if [[ "$SKIP_BUILD" == 1 && -f "$CPDIR/done" ]]; then
        log "reusing the classpaths in $CPDIR"
        return
    fi
    rm -f "$CPDIR/done"
    local p
    for p in tomcat jetty; do
        log "building bench/spring-app for $p"
        mvn_logged "$RUN_DIR/build-$p.log" -f "$APP/pom.xml" -P "$p" compile \
            org.apache.maven.plugins:maven-dependency-plugin:3.8.1:build-classpath \
            -Dmdep.outputFile="$CPDIR/$p.deps" -Dmdep.includeScope=runtime
        echo "$APP/target/$p/classes:$(cat "$CPDIR/$p.deps")" >"$CPDIR/$p.cp"
    done
    log "building minihttp core and starter (this work tree)"
    mvn_logged "$RUN_DIR/build-minihttp.log" -f "$ROOT/pom.xml" -DskipTests -pl minihttp-spring-boot-starter -am package \
        org.apache.maven.plugins:maven-dependency-plugin:3.8.1:build-classpath \
        -Dmdep.outputFile=target/websocket-runtime.txt -Dmdep.includeScope=runtime
    local core="$ROOT/minihttp-core/target/minihttp-core-0.1.0-SNAPSHOT.jar"
    local starter="$ROOT/minihttp-spring-boot-starter/target/minihttp-spring-boot-starter-0.1.0-SNAPSHOT.jar"
    [[ -f "$core" && -f "$starter" ]] || die "no $core or $starter after the build"
    # The app on minihttp: the Tomcat build's classpath without Tomcat, plus the starter's (Tyrus).
    local spring
    spring=$(tr ':' '\n' <"$CPDIR/tomcat.deps" | grep -Ev '/(tomcat-embed-[a-z]+|spring-boot-tomcat|spring-boot-starter-tomcat)-[0-9]' | paste -sd:)
    echo "$APP/target/tomcat/classes:$starter:$core:$spring:$(cat "$ROOT/minihttp-spring-boot-starter/target/websocket-runtime.txt")" >"$CPDIR/minihttp.cp"
    if tr ':' '\n' <"$CPDIR/minihttp.cp" | grep -q 'tomcat-embed'; then die "Tomcat left on the minihttp classpath"; fi
    touch "$CPDIR/done"
}

rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$SERVER_PID/status"; }
threads_of() { awk '/^Threads:/ { print $2 }' "/proc/$SERVER_PID/status"; }
load_avg() { cut -d' ' -f1 /proc/loadavg; }

start() { # name
    local name=$1 port cp
    port=$(port_of "$name")
    ! answers "$port" || die "something already answers on 127.0.0.1:$port; set BASE_PORT"
    cp=$(cat "$CPDIR/$name.cp")
    # Every server gets every server's properties and ignores the others'. Idle sessions must
    # outlive the measurement: minihttp closes an upgraded connection after 10 min without a
    # byte, Jetty a WebSocket after 30 s; Tomcat has no idle timeout.
    spawn_server "$name" "$SERVER_CPU" "$RUN_DIR/$name.log" "$JAVA" "${JVM_FLAGS[@]}" -cp "$cp" \
        dev.minihttp.bench.BenchApp --server.port="$port" --bench.websocket=true \
        --minihttp.threads="$THREADS" --server.tomcat.threads.max="$THREADS" --server.jetty.threads.max="$THREADS" \
        --minihttp.max-connections=100000 --server.tomcat.max-connections=100000 \
        --minihttp.websocket.idle-timeout=30m \
        $([[ "$name" == jetty ]] && echo --bench.websocket.idle-timeout-ms=1800000)
    local deadline=$((SECONDS + 120))
    until curl -sf -o /dev/null --max-time 2 "http://127.0.0.1:$port/plaintext"; do
        kill -0 "$SERVER_PID" 2>/dev/null || { tail -n 30 "$RUN_DIR/$name.log" >&2; die "$name exited"; }
        ((SECONDS < deadline)) || die "$name did not answer within 120 s"
        sleep 0.2
    done
}

histogram() { # out
    timeout --kill-after=5 120 "$JCMD" "$SERVER_PID" GC.class_histogram >"$1" 2>&1 || { cat "$1" >&2; die "jcmd GC.class_histogram failed"; }
}

ROWS=()
measure() { # name
    local name=$1 port out=$RUN_DIR/$1
    port=$(port_of "$name")
    log "$name: starting"
    start "$name"
    local load0 load1
    load0=$(load_avg)
    log "$name: echo, $CONNECTIONS sessions, ${SIZE}-byte messages, ${WARMUP}s + ${SECONDS_}s"
    taskset -c "$CLIENT_CPU" "$JAVA" "$BENCH/WsBench.java" echo 127.0.0.1 "$port" /ws/echo "$CONNECTIONS" "$WARMUP" "$SECONDS_" "$SIZE" \
        >"$out.echo.txt" 2>&1 || { cat "$out.echo.txt" >&2; die "the echo load failed against $name"; }
    local rate errors
    rate=$(sed -n 's/^messages_per_second=//p' "$out.echo.txt")
    errors=$(sed -n 's/^errors=//p' "$out.echo.txt")
    load1=$(load_avg)
    log "$name: $rate messages/s, $errors errors (load average $load0 -> $load1)"
    sleep 2

    histogram "$out.before.histo"
    local rss0 threads0 rss1 threads1
    rss0=$(rss_kb)
    threads0=$(threads_of)
    log "$name: opening $IDLE idle sessions"
    rm -f "$out.fifo"
    mkfifo "$out.fifo"
    taskset -c "$CLIENT_CPU" "$JAVA" -Xss256k "$BENCH/WsBench.java" idle 127.0.0.1 "$port" /ws/echo "$IDLE" <"$out.fifo" >"$out.idle.txt" 2>&1 &
    local client=$!
    BG_PIDS+=("$client")
    exec 8>"$out.fifo"
    local deadline=$((SECONDS + 900))
    until grep -q '^ready' "$out.idle.txt"; do
        kill -0 "$client" 2>/dev/null || { cat "$out.idle.txt" >&2; die "the idle clients failed against $name"; }
        ((SECONDS < deadline)) || die "the idle sessions did not open within 900 s"
        sleep 0.5
    done
    local opened
    opened=$(sed -n 's/^ready \([0-9]*\) failed.*/\1/p' "$out.idle.txt")
    sleep 3
    rss1=$(rss_kb)
    threads1=$(threads_of)
    histogram "$out.after.histo"
    python3 "$BENCH/histodiff.py" "$out.before.histo" "$out.after.histo" "$IDLE" 12 >"$out.heap.txt"
    local heap
    heap=$(sed -n 's/^per_connection_bytes=//p' "$out.heap.txt")
    exec 8>&-
    wait "$client" 2>/dev/null || true
    local row
    row=$(awk -v name="$name" -v rate="$rate" -v errors="$errors" -v n="$IDLE" -v opened="$opened" -v heap="$heap" \
        -v r0="$rss0" -v r1="$rss1" -v t0="$threads0" -v t1="$threads1" -v l0="$load0" -v l1="$load1" 'BEGIN {
            printf "| %s | %s | %s | %s of %d | %.2f KiB | %.1f KiB | %d -> %d | %s -> %s |", name, rate, errors, opened, n,
                heap / 1024, (r1 - r0) / n, t0, t1, l0, l1 }')
    ROWS+=("$row")
    log "$row"
    stop_server
}

build
LOAD_START=$(cat /proc/loadavg)
for s in "${SERVER_LIST[@]}"; do measure "$s"; done
LOAD_END=$(cat /proc/loadavg)

report="$RESULTS/websocket-servers.md"
{
    echo "# WebSocket: echo rate and idle sessions ($(date -u +%Y-%m-%d), bench/websocket-servers.sh)"
    echo
    echo "Same Spring app (bench/spring-app, TextWebSocketHandler echo at /ws/echo), JVM \`$JVM_OPTS\`,"
    echo "$("$JAVA" -version 2>&1 | head -n 1); server on CPU $SERVER_CPU, clients (bench/WsBench.java) on CPU $CLIENT_CPU."
    echo "Echo: $CONNECTIONS sessions in a closed loop, ${SIZE}-byte text messages, ${WARMUP}s warm-up, ${SECONDS_}s measured."
    echo "Idle: $IDLE sessions opened after the echo run; heap is live objects after a full GC (jcmd GC.class_histogram)."
    echo "Load average (1, 5, 15 min) at the start: $LOAD_START; at the end: $LOAD_END. The machine is shared:"
    echo "the message rates are timings under that load; the heap per session is not a timing."
    echo
    echo "| server | echo messages/s | echo errors | idle sessions open | heap per idle session | RSS per idle session | threads before -> with the idle sessions | load average during the echo run |"
    echo "|---|---|---|---|---|---|---|---|"
    printf '%s\n' "${ROWS[@]}"
    echo
    echo "What each idle session keeps alive (live heap after a full GC, growth per session, top classes):"
    echo
    for s in "${SERVER_LIST[@]}"; do
        echo "$s:"
        echo '```'
        cat "$RUN_DIR/$s.heap.txt"
        echo '```'
    done
} >"$report"
cat "$report"
log "report: $report"
