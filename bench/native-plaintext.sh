#!/usr/bin/env bash
# Plaintext throughput: minihttp's native handler vs Jetty 12's raw Handler vs nginx,
# driven by wrk on loopback, each server pinned to one CPU and wrk to another.
# See bench/README.md for what is measured and how to read it.
#
# Options (environment variables):
#   SERVERS="minihttp jetty nginx"  which servers, in this base order (rotated every round)
#   ROUNDS=3 WARMUP=5 DURATION=10   rounds; seconds of warm-up (not recorded) and of measurement
#   CONNECTIONS=64 WRK_THREADS=1    wrk -c / -t
#   SERVER_CPU=0 WRK_CPU=1          CPUs for taskset
#   JVM_OPTS="-Xms256m -Xmx256m -XX:+UseParallelGC"   same flags for both JVM servers
#   MINIHTTP_PORT=18081 JETTY_PORT=18082 NGINX_PORT=18083
#   STARTUP_TIMEOUT=60              seconds to wait for a server to answer
#   SKIP_BUILD=1                    reuse the previous builds (jar / classpath)
#   JAVA_HOME                       JDK to use (default: `java` on PATH)
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$(pwd)
BENCH="$ROOT/bench"
RESULTS="$BENCH/results"

SERVERS=${SERVERS:-"minihttp jetty nginx"}
ROUNDS=${ROUNDS:-3}
WARMUP=${WARMUP:-5}
DURATION=${DURATION:-10}
CONNECTIONS=${CONNECTIONS:-64}
WRK_THREADS=${WRK_THREADS:-1}
SERVER_CPU=${SERVER_CPU:-0}
WRK_CPU=${WRK_CPU:-1}
JVM_OPTS=${JVM_OPTS:-"-Xms256m -Xmx256m -XX:+UseParallelGC"}
MINIHTTP_PORT=${MINIHTTP_PORT:-18081}
JETTY_PORT=${JETTY_PORT:-18082}
NGINX_PORT=${NGINX_PORT:-18083}
STARTUP_TIMEOUT=${STARTUP_TIMEOUT:-60}
SKIP_BUILD=${SKIP_BUILD:-0}
URL_PATH=/plaintext
EXPECTED_BODY="Hello, World!"

if [[ -n "${JAVA_HOME:-}" ]]; then JAVA="$JAVA_HOME/bin/java"; else JAVA=java; fi
read -r -a JVM_FLAGS <<<"$JVM_OPTS"

# shellcheck source=lib.sh
source "$BENCH/lib.sh"

# ---------------------------------------------------------------- options, bounded
int_in_range ROUNDS "$ROUNDS" 1 50
int_in_range WARMUP "$WARMUP" 0 600
int_in_range DURATION "$DURATION" 1 600
int_in_range CONNECTIONS "$CONNECTIONS" 1 10000
int_in_range WRK_THREADS "$WRK_THREADS" 1 64
int_in_range STARTUP_TIMEOUT "$STARTUP_TIMEOUT" 1 600
for p in MINIHTTP_PORT JETTY_PORT NGINX_PORT; do int_in_range "$p" "${!p}" 1024 65535; done
((CONNECTIONS >= WRK_THREADS)) || die "CONNECTIONS must be >= WRK_THREADS (wrk requires it)"

read -r -a SERVER_LIST <<<"$SERVERS"
((${#SERVER_LIST[@]} > 0)) || die "SERVERS is empty"
for s in "${SERVER_LIST[@]}"; do
    case "$s" in minihttp | jetty | nginx) ;; *) die "unknown server '$s' (known: minihttp jetty nginx)" ;; esac
done
want() { [[ " ${SERVER_LIST[*]} " == *" $1 "* ]]; }

port_of() {
    case "$1" in minihttp) echo "$MINIHTTP_PORT" ;; jetty) echo "$JETTY_PORT" ;; nginx) echo "$NGINX_PORT" ;; esac
}

# ---------------------------------------------------------------- tools
ensure_tools() {
    local missing=()
    command -v wrk >/dev/null || missing+=(wrk)
    if want nginx && ! command -v nginx >/dev/null && [[ ! -x /usr/sbin/nginx ]]; then missing+=(nginx-light); fi
    command -v curl >/dev/null || missing+=(curl)
    command -v taskset >/dev/null || missing+=(util-linux)
    command -v setsid >/dev/null || missing+=(util-linux)
    command -v python3 >/dev/null || missing+=(python3)
    if ((${#missing[@]} > 0)); then apt_install "${missing[@]}"; fi
    if want nginx; then
        NGINX=$(command -v nginx || echo /usr/sbin/nginx)
    fi
    if want minihttp || want jetty; then
        command -v "$JAVA" >/dev/null || die "no java ($JAVA); set JAVA_HOME"
        command -v mvn >/dev/null || die "no mvn on PATH"
    fi
    check_cpus "$SERVER_CPU" "$WRK_CPU"
}

# ---------------------------------------------------------------- builds
MINIHTTP_CP=""
JETTY_JAR="$BENCH/jetty-raw/target/jetty-raw.jar"

build() {
    if want jetty; then
        if [[ "$SKIP_BUILD" == 1 && -f "$JETTY_JAR" ]]; then
            log "reusing $JETTY_JAR"
        else
            log "building bench/jetty-raw"
            mvn_logged "$RUN_DIR/build-jetty.log" -f "$BENCH/jetty-raw/pom.xml" package
        fi
        [[ -f "$JETTY_JAR" ]] || die "no $JETTY_JAR after the build"
    fi
    if want minihttp; then
        local cpfile="$ROOT/demo-app/target/bench-classpath.txt"
        if [[ "$SKIP_BUILD" == 1 && -f "$cpfile" ]]; then
            log "reusing demo-app classpath"
        else
            # One reactor run builds demo-app and what it depends on, and writes each module's
            # classpath to its own target/. Resolved in the reactor, the classpath points at the
            # modules' target/ jars of THIS work tree, not at ~/.m2 snapshots that another work
            # tree's `mvn install` could replace in the middle of a run.
            log "building minihttp (demo-app and its modules)"
            mvn_logged "$RUN_DIR/build-minihttp.log" -DskipTests -pl demo-app -am package \
                org.apache.maven.plugins:maven-dependency-plugin:3.8.1:build-classpath \
                -Dmdep.outputFile=target/bench-classpath.txt -DincludeScope=runtime
        fi
        [[ -f "$cpfile" ]] || die "no $cpfile after the build"
        MINIHTTP_CP="$ROOT/demo-app/target/classes:$(cat "$cpfile")"
    fi
}

# ---------------------------------------------------------------- servers
start_server() { # name
    local name=$1 port
    port=$(port_of "$name")
    ! answers "$port" || die "something already answers on 127.0.0.1:$port; set ${name^^}_PORT"
    local logf="$RUN_DIR/$name.r$ROUND.log"
    case "$name" in
    minihttp)
        spawn_server "$name" "$SERVER_CPU" "$logf" "$JAVA" "${JVM_FLAGS[@]}" -cp "$MINIHTTP_CP" \
            dev.minihttp.demo.HelloServer "$port"
        ;;
    jetty)
        spawn_server "$name" "$SERVER_CPU" "$logf" "$JAVA" "${JVM_FLAGS[@]}" -jar "$JETTY_JAR" "$port"
        ;;
    nginx)
        local prefix="$RUN_DIR/nginx"
        rm -rf "$prefix"
        mkdir -p "$prefix/tmp"
        sed "s/@PORT@/$port/g" "$BENCH/nginx.conf" >"$prefix/nginx.conf"
        spawn_server "$name" "$SERVER_CPU" "$logf" "$NGINX" -p "$prefix/" -e "$prefix/error.log" \
            -c "$prefix/nginx.conf"
        ;;
    esac
    # Poll until it answers the benchmark URL with the expected body (bounded).
    local deadline=$((SECONDS + STARTUP_TIMEOUT)) body
    while :; do
        if ! kill -0 "$SERVER_PID" 2>/dev/null; then
            tail -n 30 "$logf" >&2 || true
            [[ "$name" != nginx ]] || tail -n 30 "$RUN_DIR/nginx/error.log" >&2 || true
            SERVER_PID=""
            die "$name exited before answering (log: $logf)"
        fi
        if body=$(curl -sf --max-time 2 "http://127.0.0.1:$port$URL_PATH" 2>/dev/null); then
            [[ "$body" == "$EXPECTED_BODY" ]] || die "$name answered '$body' instead of '$EXPECTED_BODY'"
            break
        fi
        ((SECONDS < deadline)) || die "$name did not answer within ${STARTUP_TIMEOUT}s (log: $logf)"
        sleep 0.25
    done
}

# ---------------------------------------------------------------- main
ensure_tools
new_run_dir

build

CSV_TMP="$RUN_DIR/native-plaintext.csv"
echo "date,round,order,server,port,connections,wrk_threads,load1,steal_pct,other_cpu_pct,$(python3 "$BENCH/wrkstats.py" fields)" >"$CSV_TMP"
LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
WRK_CMD="taskset -c $WRK_CPU wrk -t$WRK_THREADS -c$CONNECTIONS -d${DURATION}s --latency http://127.0.0.1:PORT$URL_PATH"
n=${#SERVER_LIST[@]}
log "servers: ${SERVER_LIST[*]}; $ROUNDS round(s) x (${WARMUP}s warm-up + ${DURATION}s); c=$CONNECTIONS t=$WRK_THREADS"

for ((ROUND = 1; ROUND <= ROUNDS; ROUND++)); do
    for ((k = 0; k < n; k++)); do
        name=${SERVER_LIST[$(((ROUND - 1 + k) % n))]}
        port=$(port_of "$name")
        url="http://127.0.0.1:$port$URL_PATH"
        log "round $ROUND/$ROUNDS, #$((k + 1)): $name on 127.0.0.1:$port (server CPU $SERVER_CPU, wrk CPU $WRK_CPU)"
        start_server "$name"
        if ((WARMUP > 0)); then
            run_wrk "$WARMUP" "$CONNECTIONS" "$url" >"$RUN_DIR/$name.r$ROUND.warmup.txt" 2>&1 || die "wrk warm-up against $name failed"
        fi
        load1=$(cut -d' ' -f1 /proc/loadavg)
        out="$RUN_DIR/$name.r$ROUND.wrk.txt"
        # shellcheck disable=SC2119 # no helper processes to leave out
        noise_begin
        run_wrk "$DURATION" "$CONNECTIONS" "$url" --latency >"$out" 2>&1 || { cat "$out" >&2; die "wrk against $name failed"; }
        noise_end
        steal=$STEAL other=$OTHER
        kill -0 "$SERVER_PID" 2>/dev/null || { cat "$out" >&2; die "$name died during the measurement"; }
        parsed=$(python3 "$BENCH/wrkstats.py" parse "$out") || { cat "$out" >&2; die "cannot parse wrk output"; }
        echo "$(date -u +%Y-%m-%dT%H:%M:%SZ),$ROUND,$((k + 1)),$name,$port,$CONNECTIONS,$WRK_THREADS,$load1,$steal,$other,$parsed" >>"$CSV_TMP"
        log "  $(grep -E '^Requests/sec' "$out" | tr -s ' ')  ($(grep -E '^ +99%' "$out" | tr -s ' ' | sed 's/^ //'), steal ${steal}%, other processes ${other}% CPU)"
        stop_server
    done
done
LOAD_END=$(cut -d' ' -f1-3 /proc/loadavg)

# ---------------------------------------------------------------- report
versions=()
if want minihttp; then versions+=("minihttp (this work tree, $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?'))"); fi
if want jetty; then
    jv=$(sed -n 's:.*<jetty.version>\(.*\)</jetty.version>.*:\1:p' "$BENCH/jetty-raw/pom.xml")
    versions+=("Jetty $jv")
fi
if want nginx; then versions+=("$("$NGINX" -v 2>&1 | sed 's/^nginx version: //')"); fi
versions+=("$({ wrk -v 2>&1 || true; } | head -n 1 | cut -d' ' -f1-2)") # wrk -v exits 1
jdk="n/a"
if want minihttp || want jetty; then
    jdk=$("$JAVA" -version 2>&1 | sed -n '2p')
fi
cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)

META="$RUN_DIR/meta.json"
ports=$(for s in "${SERVER_LIST[@]}"; do printf '%s %s; ' "$s" "$(port_of "$s")"; done)
M_DATE=$(date -u '+%Y-%m-%d %H:%M UTC') M_CPU=$cpu M_CPUS=$(nproc --all) M_JDK=$jdk \
    M_VERSIONS=$(printf '%s, ' "${versions[@]}") M_PORTS=$ports M_SERVERS="${SERVER_LIST[*]}" \
    M_WRK_CMD=$WRK_CMD M_LOAD_START=$LOAD_START M_LOAD_END=$LOAD_END \
    SERVER_CPU=$SERVER_CPU WRK_CPU=$WRK_CPU JVM_OPTS=$JVM_OPTS \
    ROUNDS=$ROUNDS WARMUP=$WARMUP DURATION=$DURATION \
    python3 -c '
import json, os, sys
e = os.environ
json.dump({
    "date": e["M_DATE"], "cpu": e["M_CPU"], "cpus_online": e["M_CPUS"],
    "server_cpu": e["SERVER_CPU"], "wrk_cpu": e["WRK_CPU"],
    "jdk": e["M_JDK"], "jvm_opts": e["JVM_OPTS"],
    "versions": e["M_VERSIONS"].rstrip(", "),
    "rounds": e["ROUNDS"], "warmup": e["WARMUP"], "duration": e["DURATION"],
    "ports": e["M_PORTS"].rstrip("; "), "wrk_command": e["M_WRK_CMD"],
    "load_start": e["M_LOAD_START"], "load_end": e["M_LOAD_END"],
    "servers": e["M_SERVERS"].split(),
}, open(sys.argv[1], "w"), indent=1)
' "$META"

cp "$CSV_TMP" "$RESULTS/native-plaintext.csv"
python3 "$BENCH/wrkstats.py" report "$RESULTS/native-plaintext.csv" "$META" >"$RESULTS/native-plaintext.md"
log "wrote bench/results/native-plaintext.csv and bench/results/native-plaintext.md (raw: ${RUN_DIR#"$ROOT"/})"
echo
cat "$RESULTS/native-plaintext.md"
