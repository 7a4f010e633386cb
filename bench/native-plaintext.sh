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

# fd 3 = the script's stderr: a trap may fire inside a redirected command (wrk >file 2>&1),
# and its messages must still reach the terminal.
exec 3>&2
log() { printf '[bench %(%H:%M:%S)T] %s\n' -1 "$*" >&3; }
die() { log "ERROR: $*"; exit 1; }

# ---------------------------------------------------------------- options, bounded
int_in_range() { # name value min max
    if [[ ! "$2" =~ ^[0-9]{1,6}$ ]] || ((10#$2 < $3 || 10#$2 > $4)); then
        die "$1=$2: expected an integer in [$3, $4]"
    fi
}
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
    if ((${#missing[@]} > 0)); then
        ((EUID == 0)) || die "missing: ${missing[*]} (run as root to install them, or install them yourself)"
        log "installing: ${missing[*]}"
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
    fi
    if want nginx; then
        NGINX=$(command -v nginx || echo /usr/sbin/nginx)
    fi
    if want minihttp || want jetty; then
        command -v "$JAVA" >/dev/null || die "no java ($JAVA); set JAVA_HOME"
        command -v mvn >/dev/null || die "no mvn on PATH"
    fi
    local cpus
    cpus=$(nproc --all)
    ((SERVER_CPU < cpus && WRK_CPU < cpus)) || die "need CPUs $SERVER_CPU and $WRK_CPU, this machine has $cpus"
    ((SERVER_CPU != WRK_CPU)) || die "SERVER_CPU and WRK_CPU must differ"
}

# ---------------------------------------------------------------- cleanup
RUN_DIR=""
WRK_PID=""
SERVER_PID=""
SERVER_NAME=""

stop_server() {
    [[ -n "$SERVER_PID" ]] || return 0
    local pid=$SERVER_PID
    SERVER_PID=""
    # Each server runs under setsid: its pid is its process group (nginx master + worker).
    kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
    local i
    for ((i = 0; i < 100; i++)); do # at most 10 s, then SIGKILL
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then
        log "$SERVER_NAME (pid $pid) ignored SIGTERM, killing it"
        kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
    fi
    wait "$pid" 2>/dev/null || true
    # The group may outlive its leader for a moment (nginx's worker): make sure it is gone.
    kill -KILL -- "-$pid" 2>/dev/null || true
}

cleanup() {
    local rc=$?
    trap - EXIT INT TERM
    if [[ -n "$WRK_PID" ]]; then # timeout passes the signal on to wrk
        kill -TERM "$WRK_PID" 2>/dev/null || true
        wait "$WRK_PID" 2>/dev/null || true
    fi
    stop_server
    if ((rc != 0)); then log "stopped with status $rc; raw output in ${RUN_DIR:-<none>}"; fi
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---------------------------------------------------------------- builds
MINIHTTP_CP=""
JETTY_JAR="$BENCH/jetty-raw/target/jetty-raw.jar"

mvn_logged() { # logfile mvn-args...
    local logf=$1
    shift
    if ! mvn -q -B -Dstyle.color=never "$@" >"$logf" 2>&1; then
        tail -n 40 "$logf" >&2
        die "build failed: mvn $* (log: $logf)"
    fi
}

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
answers() { # port -> 0 when something answers HTTP there
    curl -s -o /dev/null --max-time 1 "http://127.0.0.1:$1/" 2>/dev/null
}

start_server() { # name
    local name=$1 port
    port=$(port_of "$name")
    ! answers "$port" || die "something already answers on 127.0.0.1:$port; set ${name^^}_PORT"
    local logf="$RUN_DIR/$name.r$ROUND.log"
    SERVER_NAME=$name
    case "$name" in
    minihttp)
        setsid taskset -c "$SERVER_CPU" "$JAVA" "${JVM_FLAGS[@]}" -cp "$MINIHTTP_CP" \
            dev.minihttp.demo.HelloServer "$port" </dev/null >"$logf" 2>&1 &
        ;;
    jetty)
        setsid taskset -c "$SERVER_CPU" "$JAVA" "${JVM_FLAGS[@]}" -jar "$JETTY_JAR" "$port" \
            </dev/null >"$logf" 2>&1 &
        ;;
    nginx)
        local prefix="$RUN_DIR/nginx"
        rm -rf "$prefix"
        mkdir -p "$prefix/tmp"
        sed "s/@PORT@/$port/g" "$BENCH/nginx.conf" >"$prefix/nginx.conf"
        setsid taskset -c "$SERVER_CPU" "$NGINX" -p "$prefix/" -e "$prefix/error.log" \
            -c "$prefix/nginx.conf" </dev/null >"$logf" 2>&1 &
        ;;
    esac
    SERVER_PID=$!
    # setsid must not have forked (it does when its caller leads a process group, which a
    # background job of a non-interactive script never does): stop_server relies on the
    # server's pid being its process group.
    sleep 0.2
    if [[ "$(ps -o pgid= -p "$SERVER_PID" 2>/dev/null | tr -d ' ')" != "$SERVER_PID" ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
        die "$name (pid $SERVER_PID) is not its own process group; cannot stop it reliably"
    fi
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

# Noise indicators, measured around each measurement, in % of all CPUs' time:
#  steal - time the hypervisor gave to other guests (from /proc/stat);
#  other - CPU time of processes other than the server and wrk (another build, an IDE), summed
#          per process; processes that start and end within the measurement are missed.
#          (/proc/stat's user+system is not used for this: its tick-based totals run ~15 %
#          above the per-process times under this load, which would invent a neighbour.)
cpu_ticks() { # -> "total steal" jiffies over all CPUs
    awk '/^cpu /{ t = 0; for (i = 2; i <= 9; i++) t += $i; print t, $9; exit }' /proc/stat
}

proc_snapshot() { # pgid-to-leave-out -> lines "pid:starttime utime+stime"
    # /proc/PID/stat: "pid (comm) state ppid pgrp ... utime(14) stime(15) ... starttime(22)";
    # comm may hold spaces, so fields are counted after the last ") ".
    cat /proc/[0-9]*/stat 2>/dev/null |
        awk -v pg="$1" '{ pid = $1; sub(/^.*\) /, ""); if ($3 != pg) print pid ":" $20, $12 + $13 }'
}

noise_pct() { # ticks-before ticks-after snapshot-before snapshot-after -> "steal% other%"
    awk -v a="$1" -v b="$2" '
        NR == FNR { before[$1] = $2; next }
        { d = $2 - (($1 in before) ? before[$1] : 0); if (d > 0) other += d }
        END { split(a, x, " "); split(b, y, " "); total = y[1] - x[1]
              if (total <= 0) { print "0.00 0.00"; exit }
              printf "%.2f %.2f", 100 * (y[2] - x[2]) / total, 100 * other / total }' "$3" "$4"
}

run_wrk() { # port seconds [extra wrk args...] -> wrk output on stdout
    local port=$1 secs=$2 rc=0
    shift 2
    # wrk stops by itself after -d; timeout is the backstop should it ever hang. It runs in the
    # background so that a trapped signal interrupts `wait` at once instead of after wrk ends.
    timeout --kill-after=5 "$((secs + 30))" \
        taskset -c "$WRK_CPU" wrk -t"$WRK_THREADS" -c"$CONNECTIONS" -d"${secs}s" "$@" \
        "http://127.0.0.1:$port$URL_PATH" &
    WRK_PID=$!
    wait "$WRK_PID" || rc=$?
    WRK_PID=""
    return "$rc"
}

# ---------------------------------------------------------------- main
ensure_tools
mkdir -p "$RESULTS/tmp"
RUN_DIR="$RESULTS/tmp/$(date +%Y%m%d-%H%M%S)-$$"
mkdir -p "$RUN_DIR"
# Keep only the five newest raw-output directories (gitignored).
find "$RESULTS/tmp" -mindepth 1 -maxdepth 1 -type d -printf '%T@ %p\n' | sort -rn | tail -n +6 |
    cut -d' ' -f2- | while IFS= read -r old; do rm -rf -- "$old"; done

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
        log "round $ROUND/$ROUNDS, #$((k + 1)): $name on 127.0.0.1:$port (server CPU $SERVER_CPU, wrk CPU $WRK_CPU)"
        start_server "$name"
        if ((WARMUP > 0)); then
            run_wrk "$port" "$WARMUP" >"$RUN_DIR/$name.r$ROUND.warmup.txt" 2>&1 || die "wrk warm-up against $name failed"
        fi
        load1=$(cut -d' ' -f1 /proc/loadavg)
        out="$RUN_DIR/$name.r$ROUND.wrk.txt"
        proc_snapshot "$SERVER_PID" >"$RUN_DIR/procs.before"
        ticks0=$(cpu_ticks)
        run_wrk "$port" "$DURATION" --latency >"$out" 2>&1 || { cat "$out" >&2; die "wrk against $name failed"; }
        ticks1=$(cpu_ticks)
        proc_snapshot "$SERVER_PID" >"$RUN_DIR/procs.after"
        read -r steal other <<<"$(noise_pct "$ticks0" "$ticks1" "$RUN_DIR/procs.before" "$RUN_DIR/procs.after")"
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
