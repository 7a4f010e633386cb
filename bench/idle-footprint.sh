#!/usr/bin/env bash
# What an idle keep-alive connection costs, and what a burst leaves behind: the same Spring MVC app
# (bench/spring-app) on minihttp, Tomcat and Jetty, and optionally minihttp without Spring (the raw
# engine, and the Servlet container alone). For each server, started alone:
#
#   1. 50 requests, then the baseline: live heap by class (jcmd GC.class_histogram, which runs a
#      full GC first), RSS and threads;
#   2. CONNECTIONS keep-alive connections (bench/idleclients.py), one GET /plaintext each, left
#      idle; the same three readings again -> heap, RSS and threads per idle connection, and the
#      classes that grew most (what each idle connection keeps alive);
#   3. the idle connections closed, a burst (wrk, BURST_CONNECTIONS connections on /slow?ms=BURST_MS
#      for BURST_SECONDS s), threads right after it and again IDLE_WAIT s later: whether the pool
#      shrinks back (every server with its default thread idle timeout, 60 s).
#
# Heap is a count of live objects, not a timing: it does not depend on the machine being quiet.
# RSS per connection includes the kernel-side pages the JVM touches (socket buffers are the
# kernel's, not in RSS) and the heap pages the allocations touched; read it as an upper bound.
#
# Options (environment variables):
#   SERVERS="minihttp tomcat jetty"   any of: minihttp tomcat jetty engine servlet
#                                     (engine / servlet: dev.minihttp.footprint.IdleFootprintServer
#                                     from minihttp-core's test classes, no Spring)
#   CONNECTIONS=5000                  idle keep-alive connections
#   BURST_CONNECTIONS=400 BURST_MS=20 BURST_SECONDS=10 IDLE_WAIT=75   the burst; 0 s of burst skips it
#   THREADS=200                       the pool maximum for all three (minihttp.threads, ...threads.max)
#   JVM_OPTS="-Xmx512m -XX:+UseG1GC"  same flags for all
#   BASE_PORT=19021                   minihttp, tomcat, jetty, engine, servlet on BASE_PORT+0..4
#   SKIP_BUILD=1                      reuse the previous build's classpaths
#
# The minihttp app runs on THIS work tree's core and starter (target/ jars of a reactor build), not
# on a snapshot in ~/.m2: the app's own classes and its Spring dependencies come from the Tomcat
# build with Tomcat's jars left out. All servers are started the same way (java -cp, no fat jar).
# Output: a table on stdout and in bench/results/idle-footprint.md; raw files in bench/results/tmp.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$(pwd)
BENCH="$ROOT/bench"
RESULTS="$BENCH/results"
APP="$BENCH/spring-app"

SERVERS=${SERVERS:-"minihttp tomcat jetty"}
CONNECTIONS=${CONNECTIONS:-5000}
BURST_CONNECTIONS=${BURST_CONNECTIONS:-400}
BURST_MS=${BURST_MS:-20}
BURST_SECONDS=${BURST_SECONDS:-10}
IDLE_WAIT=${IDLE_WAIT:-75}
THREADS=${THREADS:-200}
JVM_OPTS=${JVM_OPTS:-"-Xmx512m -XX:+UseG1GC"}
BASE_PORT=${BASE_PORT:-19021}
SKIP_BUILD=${SKIP_BUILD:-0}
# lib.sh's run_wrk and spawn_server want these.
WRK_CPU=${WRK_CPU:-1}
WRK_THREADS=${WRK_THREADS:-1}
SERVER_CPU=${SERVER_CPU:-0}

if [[ -n "${JAVA_HOME:-}" ]]; then JAVA="$JAVA_HOME/bin/java"; JCMD="$JAVA_HOME/bin/jcmd"; else
    JAVA=java
    JCMD="$(dirname "$(readlink -f "$(command -v java)")")/jcmd"
fi
read -r -a JVM_FLAGS <<<"$JVM_OPTS"

# shellcheck source=lib.sh
source "$BENCH/lib.sh"

int_in_range CONNECTIONS "$CONNECTIONS" 1 100000
int_in_range BURST_CONNECTIONS "$BURST_CONNECTIONS" 1 10000
int_in_range BURST_MS "$BURST_MS" 0 10000
int_in_range BURST_SECONDS "$BURST_SECONDS" 0 600
int_in_range IDLE_WAIT "$IDLE_WAIT" 0 3600
int_in_range THREADS "$THREADS" 1 2000
int_in_range BASE_PORT "$BASE_PORT" 1024 65000
read -r -a SERVER_LIST <<<"$SERVERS"
for s in "${SERVER_LIST[@]}"; do
    case "$s" in minihttp | tomcat | jetty | engine | servlet) ;; *) die "unknown server '$s'" ;; esac
done
want() { [[ " ${SERVER_LIST[*]} " == *" $1 "* ]]; }
port_of() {
    case "$1" in minihttp) echo $((BASE_PORT)) ;; tomcat) echo $((BASE_PORT + 1)) ;; jetty) echo $((BASE_PORT + 2)) ;;
    engine) echo $((BASE_PORT + 3)) ;; servlet) echo $((BASE_PORT + 4)) ;; esac
}
path_of() { case "$1" in engine | servlet) echo / ;; *) echo /plaintext ;; esac; }

for tool in curl python3 "$JCMD"; do command -v "$tool" >/dev/null || die "missing $tool"; done
if ((BURST_SECONDS > 0)); then command -v wrk >/dev/null || apt_install wrk; fi
# Each side of every connection is a file descriptor in its process.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
(($(ulimit -n) > CONNECTIONS + 200)) || die "open-file limit $(ulimit -n) is too low for $CONNECTIONS connections"

new_run_dir
log "raw output in $RUN_DIR"

# ---------------------------------------------------------------- builds -> one classpath per server
CPDIR="$RESULTS/tmp/idle-footprint-classpaths"
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
    log "building minihttp core and starter (this work tree) and core's test classes"
    mvn_logged "$RUN_DIR/build-minihttp.log" -f "$ROOT/pom.xml" -DskipTests -pl minihttp-spring-boot-starter -am package \
        org.apache.maven.plugins:maven-dependency-plugin:3.8.1:build-classpath \
        -Dmdep.outputFile=target/idle-footprint-runtime.txt -Dmdep.includeScope=runtime
    mvn_logged "$RUN_DIR/build-core-test.log" -f "$ROOT/pom.xml" -DskipTests -pl minihttp-core test-compile \
        org.apache.maven.plugins:maven-dependency-plugin:3.8.1:build-classpath \
        -Dmdep.outputFile=target/idle-footprint-test.txt -Dmdep.includeScope=test
    local core="$ROOT/minihttp-core/target/minihttp-core-0.1.0-SNAPSHOT.jar"
    local starter="$ROOT/minihttp-spring-boot-starter/target/minihttp-spring-boot-starter-0.1.0-SNAPSHOT.jar"
    [[ -f "$core" && -f "$starter" ]] || die "no $core or $starter after the build"
    # The app on minihttp: the Tomcat build's classpath without Tomcat, plus the starter's.
    local spring
    spring=$(tr ':' '\n' <"$CPDIR/tomcat.deps" | grep -Ev '/(tomcat-embed-[a-z]+|spring-boot-tomcat|spring-boot-starter-tomcat)-[0-9]' | paste -sd:)
    echo "$APP/target/tomcat/classes:$starter:$core:$spring:$(cat "$ROOT/minihttp-spring-boot-starter/target/idle-footprint-runtime.txt")" >"$CPDIR/minihttp.cp"
    echo "$ROOT/minihttp-core/target/test-classes:$ROOT/minihttp-core/target/classes:$(cat "$ROOT/minihttp-core/target/idle-footprint-test.txt")" >"$CPDIR/engine.cp"
    cp "$CPDIR/engine.cp" "$CPDIR/servlet.cp"
    if tr ':' '\n' <"$CPDIR/minihttp.cp" | grep -q 'tomcat-embed'; then die "Tomcat left on the minihttp classpath"; fi
    touch "$CPDIR/done"
}

# ---------------------------------------------------------------- one server
rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$SERVER_PID/status"; }
threads_of() { awk '/^Threads:/ { print $2 }' "/proc/$SERVER_PID/status"; }

start() { # name
    local name=$1 port cp
    port=$(port_of "$name")
    ! answers "$port" || die "something already answers on 127.0.0.1:$port; set BASE_PORT"
    cp=$(cat "$CPDIR/$name.cp")
    case "$name" in
    engine | servlet)
        spawn_server "$name" "$SERVER_CPU" "$RUN_DIR/$name.log" "$JAVA" "${JVM_FLAGS[@]}" -cp "$cp" \
            dev.minihttp.footprint.IdleFootprintServer "$name" "$port" ;;
    *)
        # Every server gets every server's properties and ignores the others'; idle timeouts of
        # connections raised so that none closes the idle connections while they are measured.
        spawn_server "$name" "$SERVER_CPU" "$RUN_DIR/$name.log" "$JAVA" "${JVM_FLAGS[@]}" -cp "$cp" \
            dev.minihttp.bench.BenchApp --server.port="$port" \
            --minihttp.threads="$THREADS" --server.tomcat.threads.max="$THREADS" --server.jetty.threads.max="$THREADS" \
            --minihttp.max-connections=100000 --server.tomcat.max-connections=100000 \
            --minihttp.idle-timeout=30m --server.tomcat.keep-alive-timeout=30m --server.tomcat.connection-timeout=30m \
            --server.jetty.connection-idle-timeout=30m --server.tomcat.max-keep-alive-requests=-1 ;;
    esac
    local deadline=$((SECONDS + 90))
    until curl -sf -o /dev/null --max-time 2 "http://127.0.0.1:$port$(path_of "$name")"; do
        kill -0 "$SERVER_PID" 2>/dev/null || { tail -n 30 "$RUN_DIR/$name.log" >&2; die "$name exited"; }
        ((SECONDS < deadline)) || die "$name did not answer within 90 s"
        sleep 0.1
    done
}

histogram() { # out
    timeout --kill-after=5 120 "$JCMD" "$SERVER_PID" GC.class_histogram >"$1" 2>&1 || { cat "$1" >&2; die "jcmd GC.class_histogram failed"; }
}

CLIENT_PID=""
stop_clients() {
    [[ -n "$CLIENT_PID" ]] || return 0
    exec 8>&- # EOF on the clients' stdin: they close their connections and exit
    wait "$CLIENT_PID" 2>/dev/null || true
    CLIENT_PID=""
}

ROWS=()
measure() { # name
    local name=$1 port path out=$RUN_DIR/$1
    port=$(port_of "$name")
    path=$(path_of "$name")
    log "$name: starting"
    start "$name"
    local i
    for ((i = 0; i < 50; i++)); do curl -s -o /dev/null "http://127.0.0.1:$port$path"; done
    histogram "$out.before.histo"
    local rss0 threads0 rss1 threads1
    rss0=$(rss_kb)
    threads0=$(threads_of)

    log "$name: opening $CONNECTIONS idle keep-alive connections"
    rm -f "$out.fifo"
    mkfifo "$out.fifo"
    python3 "$BENCH/idleclients.py" 127.0.0.1 "$port" "$path" "$CONNECTIONS" <"$out.fifo" >"$out.clients.txt" 2>&1 &
    CLIENT_PID=$!
    BG_PIDS+=("$CLIENT_PID")
    exec 8>"$out.fifo"
    local deadline=$((SECONDS + 300))
    until grep -q '^ready' "$out.clients.txt"; do
        kill -0 "$CLIENT_PID" 2>/dev/null || { cat "$out.clients.txt" >&2; die "the idle clients failed against $name"; }
        ((SECONDS < deadline)) || die "the idle clients did not connect within 300 s"
        sleep 0.2
    done
    sleep 2 # let the server finish with the last responses
    rss1=$(rss_kb)
    threads1=$(threads_of) # before jcmd, whose attach adds a thread
    histogram "$out.after.histo"
    python3 "$BENCH/histodiff.py" "$out.before.histo" "$out.after.histo" "$CONNECTIONS" 12 >"$out.heap.txt"
    local heap
    heap=$(sed -n 's/^per_connection_bytes=//p' "$out.heap.txt")
    stop_clients

    local peak="" after=""
    if ((BURST_SECONDS > 0)); then
        log "$name: burst of $BURST_CONNECTIONS connections on /slow for ${BURST_SECONDS}s"
        local burst_path=$path
        [[ "$name" == engine || "$name" == servlet ]] || burst_path="/slow?ms=$BURST_MS"
        run_wrk "$BURST_SECONDS" "$BURST_CONNECTIONS" "http://127.0.0.1:$port$burst_path" --timeout 10s >"$out.burst.txt" 2>&1 ||
            { cat "$out.burst.txt" >&2; die "wrk against $name failed"; }
        peak=$(threads_of)
        log "$name: $peak threads after the burst; waiting ${IDLE_WAIT}s"
        sleep "$IDLE_WAIT"
        after=$(threads_of)
    fi
    local row
    row=$(awk -v n="$CONNECTIONS" -v name="$name" -v heap="$heap" -v r0="$rss0" -v r1="$rss1" -v t0="$threads0" \
        -v t1="$threads1" -v peak="$peak" -v after="$after" -v wait="$IDLE_WAIT" 'BEGIN {
            printf "| %s | %.2f KiB | %.1f KiB | %.3f | %d | %s | %s |", name, heap / 1024, (r1 - r0) / n, (t1 - t0) / n, t0,
                peak == "" ? "-" : peak, after == "" ? "-" : after }')
    ROWS+=("$row")
    log "$row"
    sed 's/^/    /' "$out.heap.txt" >&2
    stop_server
}

build
for s in "${SERVER_LIST[@]}"; do measure "$s"; done

report="$RESULTS/idle-footprint.md"
{
    echo "# Idle keep-alive connections and thread retirement ($(date -u +%Y-%m-%d), bench/idle-footprint.sh)"
    echo
    echo "$CONNECTIONS idle keep-alive connections after one GET each; JVM \`$JVM_OPTS\`, $("$JAVA" -version 2>&1 | head -n 1);"
    echo "pool maximum $THREADS; burst: wrk $BURST_CONNECTIONS connections for ${BURST_SECONDS}s on /slow?ms=$BURST_MS"
    echo "(plain / for engine and servlet); threads read ${IDLE_WAIT}s after the burst."
    echo
    echo "| server | heap per idle connection | RSS per idle connection | threads per idle connection | threads before | threads after the burst | threads ${IDLE_WAIT}s later |"
    echo "|---|---|---|---|---|---|---|"
    printf '%s\n' "${ROWS[@]}"
    echo
    echo "What each idle connection keeps alive (live heap after a full GC, growth per connection, top classes):"
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
