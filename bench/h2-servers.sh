#!/usr/bin/env bash
# HTTP/2, side by side in one run: the same Spring MVC app (bench/spring-app) on minihttp, Tomcat and
# Jetty with server.http2.enabled=true and the same JVM flags, measured with h2load (Debian's
# nghttp2-client). Per mode, all servers run at once, pinned to the same CPU; h2load and the attacker
# run on the other. Modes:
#   h2c   plain listener, HTTP/2 with prior knowledge (h2load's default on http://)
#   h2    TLS listener, HTTP/2 chosen by ALPN (an EC P-256 key store made here with keytool, as
#         bench/https-servers.sh makes it)
# Scenarios, in each mode:
#   plaintext, json   GET /plaintext or /json, with 1 and with 100 concurrent streams per connection
#                     (h2load -m; STREAMS, with CONNS_M1 / CONNS_M100 connections): req/s, p50, p99
#   rapid-reset       normal traffic (h2load, plaintext, RR_CONNECTIONS x RR_STREAMS) measured alone,
#                     then beside bench/rapidreset.py (streams opened and reset at once,
#                     CVE-2023-44487; capped at RR_CPU_PCT % of the load CPU), then alone again
#                     (A-B-A): the normal traffic's req/s with the attacker as a share of without
# A server whose HTTP/2 handshake fails in a mode (curl does not get HTTP/2 with a 200) is skipped
# for that mode with a line saying so; the run goes on with the others. Each server is warmed
# (WARMUP seconds of h2load over the scenarios of the mode) before the measured rounds, which take
# turns (order rotated per round). Results: bench/results/$RESULTS_NAME.{csv,json,md}.
#
# Options (environment variables):
#   QUICK=1                          smoke run (~6 min): WARMUP=6, ROUNDS=1, DURATION=3
#   SERVERS="minihttp tomcat jetty"  which servers (base order, rotated every round)
#   MODES="h2c h2"                   SCENARIOS="plaintext json rapid-reset"   STREAMS="1 100"
#   ROUNDS=3 DURATION=10 WARMUP=60   measured rounds; seconds per measurement; warm-up per server
#   CONNS_M1=64 CONNS_M100=4         h2load connections at -m 1 and at -m 100 (64 and 400 streams
#                                    in flight); another -m value uses CONNS_M1
#   RR_CONNECTIONS=16 RR_STREAMS=10  the normal traffic of rapid-reset
#   RR_ATTACK_CONNECTIONS=4 RR_BATCH=100 RR_CPU_PCT=50   the attacker: connections, open+reset
#                                    pairs per write, CPU quota in % of one CPU (cgroup, lib.sh)
#   H2LOAD_THREADS=1                 h2load -t
#   THREADS=200 QUEUE=1000           pool and queue of every server
#   SERVER_CPU=0 WRK_CPU=1           CPUs for taskset (WRK_CPU: h2load, the attacker, this script)
#   JVM_OPTS="-Xmx512m -XX:+UseG1GC"
#   MINIHTTP_PORT=18471 TOMCAT_PORT=18472 JETTY_PORT=18473
#   STARTUP_TIMEOUT=180 SKIP_BUILD=1 MVN_OFFLINE=-o RESULTS_NAME=h2-servers JAVA_HOME
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$(pwd)
BENCH="$ROOT/bench"
RESULTS="$BENCH/results"
APP="$BENCH/spring-app"

QUICK=${QUICK:-0}
if [[ "$QUICK" == 1 ]]; then : "${WARMUP:=6}" "${ROUNDS:=1}" "${DURATION:=3}"; fi
SERVERS=${SERVERS:-"minihttp tomcat jetty"}
MODES=${MODES:-"h2c h2"}
SCENARIOS=${SCENARIOS:-"plaintext json rapid-reset"}
STREAMS=${STREAMS:-"1 100"}
ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-10}
WARMUP=${WARMUP:-60}
CONNS_M1=${CONNS_M1:-64}
CONNS_M100=${CONNS_M100:-4}
RR_CONNECTIONS=${RR_CONNECTIONS:-16}
RR_STREAMS=${RR_STREAMS:-10}
RR_ATTACK_CONNECTIONS=${RR_ATTACK_CONNECTIONS:-4}
RR_BATCH=${RR_BATCH:-100}
RR_CPU_PCT=${RR_CPU_PCT:-50}
H2LOAD_THREADS=${H2LOAD_THREADS:-1}
THREADS=${THREADS:-200}
QUEUE=${QUEUE:-1000}
SERVER_CPU=${SERVER_CPU:-0}
WRK_CPU=${WRK_CPU:-1}
JVM_OPTS=${JVM_OPTS:-"-Xmx512m -XX:+UseG1GC"}
MINIHTTP_PORT=${MINIHTTP_PORT:-18471}
TOMCAT_PORT=${TOMCAT_PORT:-18472}
JETTY_PORT=${JETTY_PORT:-18473}
STARTUP_TIMEOUT=${STARTUP_TIMEOUT:-180}
SKIP_BUILD=${SKIP_BUILD:-0}
MVN_OFFLINE=${MVN_OFFLINE:-}
if [[ "$QUICK" == 1 ]]; then RESULTS_NAME=${RESULTS_NAME:-h2-servers-quick}; else RESULTS_NAME=${RESULTS_NAME:-h2-servers}; fi
EXPECTED_BODY="Hello, World!"
STOREPASS=bench-h2-pass
WRK_THREADS=1 # lib.sh's run_wrk is not used; set for completeness
if [[ -n "${JAVA_HOME:-}" ]]; then JAVA="$JAVA_HOME/bin/java"; KEYTOOL="$JAVA_HOME/bin/keytool"; else JAVA=java; KEYTOOL=keytool; fi
read -r -a JVM_FLAGS <<<"$JVM_OPTS"

# shellcheck source=lib.sh
source "$BENCH/lib.sh"

# ---------------------------------------------------------------- options, bounded
int_in_range QUICK "$QUICK" 0 1
int_in_range ROUNDS "$ROUNDS" 1 20
int_in_range DURATION "$DURATION" 1 120
int_in_range WARMUP "$WARMUP" 0 600
int_in_range CONNS_M1 "$CONNS_M1" 1 1000
int_in_range CONNS_M100 "$CONNS_M100" 1 1000
int_in_range RR_CONNECTIONS "$RR_CONNECTIONS" 1 1000
int_in_range RR_STREAMS "$RR_STREAMS" 1 1000
int_in_range RR_ATTACK_CONNECTIONS "$RR_ATTACK_CONNECTIONS" 1 256
int_in_range RR_BATCH "$RR_BATCH" 1 10000
int_in_range RR_CPU_PCT "$RR_CPU_PCT" 0 100
int_in_range H2LOAD_THREADS "$H2LOAD_THREADS" 1 64
int_in_range THREADS "$THREADS" 1 2000
int_in_range QUEUE "$QUEUE" 0 100000
int_in_range STARTUP_TIMEOUT "$STARTUP_TIMEOUT" 1 900
for p in MINIHTTP_PORT TOMCAT_PORT JETTY_PORT; do int_in_range "$p" "${!p}" 1024 65535; done
[[ "$RESULTS_NAME" =~ ^[A-Za-z0-9._-]+$ ]] || die "RESULTS_NAME=$RESULTS_NAME: letters, digits, . _ - only"
[[ -z "$MVN_OFFLINE" || "$MVN_OFFLINE" == -o ]] || die "MVN_OFFLINE: empty or -o"

read -r -a SERVER_LIST <<<"$SERVERS"
read -r -a MODE_LIST <<<"$MODES"
read -r -a SCENARIO_LIST <<<"$SCENARIOS"
read -r -a STREAM_LIST <<<"$STREAMS"
((${#SERVER_LIST[@]} > 0 && ${#MODE_LIST[@]} > 0 && ${#SCENARIO_LIST[@]} > 0)) || die "SERVERS, MODES and SCENARIOS must not be empty"
for s in "${SERVER_LIST[@]}"; do case "$s" in minihttp | tomcat | jetty) ;; *) die "unknown server '$s'" ;; esac; done
for m in "${MODE_LIST[@]}"; do case "$m" in h2c | h2) ;; *) die "unknown mode '$m' (h2c h2)" ;; esac; done
for s in "${SCENARIO_LIST[@]}"; do case "$s" in plaintext | json | rapid-reset) ;; *) die "unknown scenario '$s'" ;; esac; done
for m in "${STREAM_LIST[@]}"; do int_in_range STREAMS "$m" 1 1000; done
want() { [[ " ${SERVER_LIST[*]} " == *" $1 "* ]]; }
scenario() { [[ " ${SCENARIO_LIST[*]} " == *" $1 "* ]]; }

port_of() { case "$1" in minihttp) echo "$MINIHTTP_PORT" ;; tomcat) echo "$TOMCAT_PORT" ;; jetty) echo "$JETTY_PORT" ;; esac; }
jar_of() { echo "$APP/target/$1/bench-app-$1.jar"; }
conns_for() { if (($1 == 100)); then echo "$CONNS_M100"; else echo "$CONNS_M1"; fi; }
url_of() { # name mode path
    local scheme=http
    [[ "$2" == h2 ]] && scheme=https
    echo "$scheme://127.0.0.1:$(port_of "$1")$3"
}

# ---------------------------------------------------------------- tools
PYTHON=/usr/bin/python3
ensure_tools() {
    local missing=()
    command -v h2load >/dev/null || missing+=(nghttp2-client)
    command -v curl >/dev/null || missing+=(curl)
    command -v taskset >/dev/null || missing+=(util-linux)
    command -v ss >/dev/null || missing+=(iproute2)
    command -v unzip >/dev/null || missing+=(unzip)
    [[ -x "$PYTHON" ]] || missing+=(python3)
    if ((${#missing[@]} > 0)); then apt_install "${missing[@]}"; fi
    curl -V | grep -qw HTTP2 || die "this curl has no HTTP/2 (curl -V lists no HTTP2)"
    command -v "$JAVA" >/dev/null || die "no java ($JAVA); set JAVA_HOME"
    command -v "$KEYTOOL" >/dev/null || die "no keytool ($KEYTOOL); set JAVA_HOME"
    [[ "$SKIP_BUILD" == 1 ]] || command -v mvn >/dev/null || die "no mvn on PATH"
    check_cpus "$SERVER_CPU" "$WRK_CPU"
}

# ---------------------------------------------------------------- builds
build() {
    local s jar m reactor
    if [[ "$SKIP_BUILD" == 1 ]]; then
        for s in "${SERVER_LIST[@]}"; do [[ -f "$(jar_of "$s")" ]] || die "SKIP_BUILD=1 but no $(jar_of "$s")"; done
        log "reusing the jars in bench/spring-app/target/"
        return
    fi
    for s in "${SERVER_LIST[@]}"; do
        log "building bench/spring-app for $s"
        rm -rf "$(dirname "$(jar_of "$s")")"
        if [[ "$s" == minihttp ]]; then
            # minihttp from this work tree without installing it anywhere: a throwaway aggregator
            # puts core, starter and the app in one reactor, so `package` hands the app the jars
            # just built (no ~/.m2, no install).
            reactor="$ROOT/target/h2-bench-reactor"
            mkdir -p "$reactor"
            cat >"$reactor/pom.xml" <<'EOF'
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>dev.minihttp.bench</groupId>
  <artifactId>h2-bench-reactor</artifactId>
  <version>0</version>
  <packaging>pom</packaging>
  <modules>
    <module>../../minihttp-core</module>
    <module>../../minihttp-spring-boot-starter</module>
    <module>../../bench/spring-app</module>
  </modules>
</project>
EOF
            mvn_logged "$RUN_DIR/build-minihttp.log" $MVN_OFFLINE -f "$reactor/pom.xml" -P minihttp -DskipTests package
        else
            mvn_logged "$RUN_DIR/build-$s.log" $MVN_OFFLINE -f "$APP/pom.xml" -P "$s" package
        fi
        jar=$(jar_of "$s")
        [[ -f "$jar" ]] || die "no $jar after the build"
    done
    if want minihttp; then
        for m in minihttp-core minihttp-spring-boot-starter; do
            cmp -s <(unzip -p "$(jar_of minihttp)" "BOOT-INF/lib/$m-0.1.0-SNAPSHOT.jar") \
                "$ROOT/$m/target/$m-0.1.0-SNAPSHOT.jar" ||
                die "bench-app-minihttp.jar holds a $m that is not this work tree's; rerun"
        done
    fi
}

make_certificate() { # -> KEYSTORE (PKCS12, alias bench), as bench/https-servers.sh makes it
    KEYSTORE="$RUN_DIR/tls/bench.p12"
    mkdir -p "$RUN_DIR/tls"
    "$KEYTOOL" -genkeypair -alias bench -keyalg EC -groupname secp256r1 -sigalg SHA256withECDSA \
        -validity 2 -dname CN=localhost -ext san=dns:localhost,ip:127.0.0.1 -storetype PKCS12 \
        -keystore "$KEYSTORE" -storepass "$STOREPASS" -keypass "$STOREPASS" >"$RUN_DIR/tls/keytool.log" 2>&1 ||
        { cat "$RUN_DIR/tls/keytool.log" >&2; die "keytool failed"; }
}

# ---------------------------------------------------------------- servers (all of a mode at once)
declare -A PID_OF=()
ALL_SERVER_PIDS=()
ACTIVE=() # the servers of the current mode that speak HTTP/2
SKIPS=()  # "mode server reason" of the servers skipped

h2_probe() { # name mode -> 0 when curl gets HTTP/2 and a 200 with the expected body
    local url out
    url=$(url_of "$1" "$2" /plaintext)
    if [[ "$2" == h2 ]]; then
        out=$(curl -sk --http2 --max-time 5 -w '\n%{http_version} %{http_code}' "$url" 2>/dev/null) || true
    else
        out=$(curl -s --http2-prior-knowledge --max-time 5 -w '\n%{http_version} %{http_code}' "$url" 2>/dev/null) || true
    fi
    PROBE="$(tail -n 1 <<<"$out")"
    [[ "$PROBE" == "2 200" && "$(head -n 1 <<<"$out")" == "$EXPECTED_BODY" ]]
}

start_server() { # name mode -> adds to ACTIVE, or to SKIPS with the reason
    local name=$1 mode=$2 port logf deadline code tls=()
    port=$(port_of "$name")
    ! curl -sk -o /dev/null --max-time 1 "https://127.0.0.1:$port/" 2>/dev/null || die "something already answers on 127.0.0.1:$port; set ${name^^}_PORT"
    ! answers "$port" || die "something already answers on 127.0.0.1:$port; set ${name^^}_PORT"
    logf="$RUN_DIR/$name.$mode.log"
    if [[ "$mode" == h2 ]]; then
        tls=(--server.ssl.enabled=true --server.ssl.key-store="file:$KEYSTORE" --server.ssl.key-store-type=PKCS12
            --server.ssl.key-store-password="$STOREPASS" --server.ssl.key-alias=bench)
    fi
    # Identical command lines: every server gets every pool property and ignores the others'.
    spawn_server "$name" "$SERVER_CPU" "$logf" "$JAVA" "${JVM_FLAGS[@]}" -jar "$(jar_of "$name")" \
        --server.port="$port" --server.http2.enabled=true "${tls[@]}" \
        --minihttp.threads="$THREADS" --server.tomcat.threads.max="$THREADS" \
        --server.jetty.threads.max="$THREADS" \
        --minihttp.queue-capacity="$QUEUE" --server.tomcat.accept-count="$QUEUE"
    PID_OF[$name]=$SERVER_PID
    ALL_SERVER_PIDS+=("$SERVER_PID")
    SERVER_PID=""
    deadline=$((SECONDS + STARTUP_TIMEOUT))
    while :; do
        if ! kill -0 "${PID_OF[$name]}" 2>/dev/null; then
            SKIPS+=("$mode $name exited at startup with server.http2.enabled=true (log: ${logf#"$ROOT"/})")
            log "SKIP $name in $mode: it exited at startup (log: $logf)"
            unset "PID_OF[$name]"
            return 0
        fi
        # Any HTTP answer means it is up (HTTP/1.1 over the same port, TLS or not).
        code=$(curl -sk -o /dev/null -w '%{http_code}' --max-time 2 "$(url_of "$name" "$mode" /plaintext)" 2>/dev/null) || true
        [[ "$code" != 200 ]] || break
        ((SECONDS < deadline)) || die "$name did not answer within ${STARTUP_TIMEOUT}s (log: $logf)"
        sleep 0.2
    done
    if h2_probe "$name" "$mode"; then
        ACTIVE+=("$name")
        log "  $name up in $mode (pid ${PID_OF[$name]}, port $port): HTTP/2 handshake ok"
    else
        SKIPS+=("$mode $name: no HTTP/2 handshake (curl got '${PROBE:-nothing}' for HTTP version and status; HTTP/1.1 answers 200)")
        log "SKIP $name in $mode: its HTTP/2 handshake fails (curl: '${PROBE:-nothing}'); measuring the others"
        SERVER_PID=${PID_OF[$name]} SERVER_NAME=$name
        stop_server
        unset "PID_OF[$name]"
    fi
}

stop_all_servers() {
    local name
    for name in "${!PID_OF[@]}"; do
        SERVER_PID=${PID_OF[$name]} SERVER_NAME=$name
        stop_server
    done
    PID_OF=()
    ALL_SERVER_PIDS=()
}

h2_cleanup() {
    local rc=$?
    trap - EXIT
    stop_all_servers
    (exit "$rc")
    cleanup
}
trap h2_cleanup EXIT

alive() { kill -0 "${PID_OF[$1]}" 2>/dev/null || die "$1 (pid ${PID_OF[$1]}) died; log: $RUN_DIR/$1.$MODE.log"; }

# ---------------------------------------------------------------- one measurement
CSV=""
RATE=""
PHASE=""
ROUND=0
ORDER=0
SEQ=0

# h2load runs a number of requests (-n), not a duration (-D): h2load 1.52 over TLS sometimes never
# returns once a -D run's time is up (seen with 64 connections on a loaded machine), and a killed
# h2load prints no numbers. The count is the last rate measured for the same server and load
# times the seconds wanted (RATE_EST), so a run takes about that long; the first guess is small.
# A run that ends in less than half the seconds asked (the estimate was low: the machine got
# quieter, or the JIT got further) is run again, at most twice, sized from its own rate; the short
# rows stay in the CSV with phase "short" (the report leaves them out).
declare -A RATE_EST=()
RUN_WALL=""
run_h2load() { # name path streams conns seconds -> RATE, one CSV row (scenario = $SCENARIO)
    local try phase=$PHASE n=""
    for ((try = 1; try <= 3; try++)); do
        run_h2load_once "$@" "$n"
        if ((try == 3)) || [[ "$phase" == warmup ]] || awk -v w="$RUN_WALL" -v s="$5" -v r="$RATE" 'BEGIN { exit !(w >= s / 2 || r <= 0) }'; then
            break
        fi
        sed -i '$ s/^\([^,]*\),'"$phase"',/\1,short,/' "$CSV"
        n=$(awk -v r="$RATE" -v s="$5" 'BEGIN { printf "%d", r * s }')
        log "    short run ($RUN_WALL s of $5) for $1: again with $n requests"
    done
}

run_h2load_once() { # name path streams conns seconds [requests]
    local name=$1 path=$2 m=$3 c=$4 secs=$5 out load1 cpu0 cpu1 w0 w1 rc=0 stats key n
    key="$name.$MODE.$path.$m.$c"
    n=$(awk -v r="${RATE_EST[$key]:-100}" -v s="$secs" -v c="$c" -v m="$m" -v given="${6:-}" \
        'BEGIN { n = (given != "") ? given : int(r * s); lo = 2 * c * m; if (n < lo) n = lo; if (n < 200) n = 200; if (n > 20000000) n = 20000000; print n }')
    SEQ=$((SEQ + 1))
    out="$RUN_DIR/$name.$MODE.$PHASE.$SCENARIO.m$m.$SEQ"
    load1=$(cut -d' ' -f1 /proc/loadavg)
    alive "$name"
    cpu0=$(proc_cpu_ticks "${PID_OF[$name]}")
    w0=$EPOCHREALTIME
    noise_begin "${ALL_SERVER_PIDS[@]}" "${BG_PIDS[@]}"
    # h2load stops by itself after -D; timeout is the backstop. In the background so a trapped
    # signal interrupts `wait` at once.
    timeout --kill-after=5 "$((3 * secs + 60))" taskset -c "$WRK_CPU" h2load -t "$H2LOAD_THREADS" -c "$c" -m "$m" \
        -n "$n" --log-file="$out.log" "$(url_of "$name" "$MODE" "$path")" >"$out.txt" 2>&1 &
    WRK_PID=$!
    wait "$WRK_PID" || rc=$?
    WRK_PID=""
    noise_end
    w1=$EPOCHREALTIME
    RUN_WALL=$(awk -v a="$w0" -v b="$w1" 'BEGIN { printf "%.3f", b - a }')
    cpu1=$(proc_cpu_ticks "${PID_OF[$name]}")
    ((rc == 0)) || log "    h2load exited with $rc for $name ($out.txt)"
    stats=$("$PYTHON" "$BENCH/h2report.py" stats "$out.txt" "$out.log")
    gzip -f "$out.log" # latencies kept, small
    RATE=$(cut -d, -f2 <<<"$stats")
    # the next run of this kind: from this one's rate (unless this one was cut short or made nothing)
    if ((rc == 0)) && [[ "$SCENARIO" != rapid-reset-attacked ]] && awk -v r="$RATE" 'BEGIN { exit !(r > 0) }'; then RATE_EST[$key]=$RATE; fi
    echo "$(date -u +%FT%TZ),$PHASE,$ROUND,$ORDER,$MODE,$name,$SCENARIO,$m,$c,$secs,$load1,$STEAL,$OTHER,$stats,$(awk -v a="$cpu0" -v b="$cpu1" -v hz="$CLK_TCK" 'BEGIN { printf "%.3f", (b - a) / hz }'),$(awk -v a="$w0" -v b="$w1" 'BEGIN { printf "%.3f", b - a }'),,,," >>"$CSV"
}

warm() { # name: WARMUP seconds spread over the mode's scenarios
    local name=$1 n=0 each m
    for sc in plaintext json; do scenario "$sc" && n=$((n + ${#STREAM_LIST[@]})); done
    scenario rapid-reset && n=$((n + 1))
    ((n > 0 && WARMUP > 0)) || return 0
    each=$(((WARMUP + n - 1) / n))
    PHASE=warmup
    local t0 left
    for sc in plaintext json; do
        scenario "$sc" || continue
        for m in "${STREAM_LIST[@]}"; do
            SCENARIO=$sc
            t0=$SECONDS
            # short runs first (they size the next ones), until this load had its share of the time
            for ((i = 0; i < 20; i++)); do
                left=$((each - (SECONDS - t0)))
                ((left > 0)) || break
                run_h2load "$name" "/$sc" "$m" "$(conns_for "$m")" "$(((left + 1) / 2 > 1 ? (left + 1) / 2 : 1))"
            done
        done
    done
    if scenario rapid-reset; then # the attacker's code paths too, unrecorded
        SCENARIO=rapid-reset-attacked
        attack_run "$name" "$each"
    fi
    log "  warmed $name in $MODE (${WARMUP} s)"
}

attack_run() { # name seconds: normal traffic with the attacker beside it
    local name=$1 secs=$2 alog pid tls=""
    [[ "$MODE" == h2 ]] && tls=tls
    alog="$RUN_DIR/$name.$MODE.attacker.$((SEQ + 1)).log"
    # The attacker starts a moment before h2load and is stopped (SIGTERM: it prints its summary
    # and exits) when h2load is done; its own time limit is only the backstop.
    bg_start "$alog" exec_capped taskset -c "$WRK_CPU" "$PYTHON" "$BENCH/rapidreset.py" "$(port_of "$name")" \
        "$((3 * secs + 70))" "$RR_ATTACK_CONNECTIONS" "$RR_BATCH" $tls
    pid=$BG_PID
    sleep 0.5
    cpu_cap_holds "$pid" || log "    WARNING: the attacker is not in the CPU cap's cgroup"
    run_h2load "$name" /plaintext "$RR_STREAMS" "$RR_CONNECTIONS" "$secs"
    bg_stop_all
    local summary
    summary=$(grep -m1 '^done ' "$alog" || echo "done (no summary: $(tail -n 1 "$alog" 2>/dev/null))")
    # the attacker's numbers go into the last row's attack columns
    local streams conns goaways codes asecs
    asecs=$(sed -n 's/.* seconds=\([0-9.]*\).*/\1/p' <<<"$summary")
    streams=$(sed -n 's/.* streams=\([0-9]*\).*/\1/p' <<<"$summary")
    [[ -z "$streams" || -z "$asecs" ]] || streams=$(awk -v n="$streams" -v t="$asecs" 'BEGIN { printf "%.0f", (t > 0 ? n / t : 0) }')
    conns=$(sed -n 's/.* connections=\([0-9]*\).*/\1/p' <<<"$summary")
    goaways=$(sed -n 's/.* goaways=\([0-9]*\).*/\1/p' <<<"$summary")
    codes=$(sed -n 's/.* codes=\([^ ]*\).*/\1/p' <<<"$summary" | tr ',' ' ')
    sed -i '$ s/,,,,$/,'"${streams:-},${conns:-},${goaways:-},${codes:-}"'/' "$CSV"
    log "    attacker on $name: $summary"
    sleep 2 # what the attack left behind is measured by the run after it
}

rapid_reset() { # name: A (alone), B (with the attacker), A' (alone)
    local name=$1
    SCENARIO=rapid-reset-before
    run_h2load "$name" /plaintext "$RR_STREAMS" "$RR_CONNECTIONS" "$DURATION"
    local before=$RATE
    SCENARIO=rapid-reset-attacked
    attack_run "$name" "$DURATION"
    local during=$RATE
    SCENARIO=rapid-reset-after
    run_h2load "$name" /plaintext "$RR_STREAMS" "$RR_CONNECTIONS" "$DURATION"
    log "round $ROUND/$ROUNDS $MODE rapid-reset #$ORDER $name: $(printf '%.0f' "$before") -> $(printf '%.0f' "$during") (attacked) -> $(printf '%.0f' "$RATE") req/s"
}

# ---------------------------------------------------------------- main
ensure_tools
new_run_dir
build
make_certificate
taskset -cp "$WRK_CPU" $$ >/dev/null
CLK_TCK=$(getconf CLK_TCK)
if scenario rapid-reset; then
    cpu_cap_create "$RR_CPU_PCT" "minihttp-h2bench-$$"
    log "attacker CPU cap: $CAP_METHOD"
fi

CSV="$RUN_DIR/$RESULTS_NAME.csv"
echo "date,phase,round,order,mode,server,scenario,streams,connections,seconds,load1,steal_pct,other_cpu_pct,$("$PYTHON" "$BENCH/h2report.py" fields),server_cpu_s,wall_s,attack_streams_per_s,attack_connections,attack_goaways,attack_goaway_codes" >"$CSV"
UPTIME_START=$(uptime)
STARTED_AT=$SECONDS
log "load before: $UPTIME_START"

for MODE in "${MODE_LIST[@]}"; do
    log "== mode $MODE: starting ${SERVER_LIST[*]} on CPU $SERVER_CPU"
    ACTIVE=()
    for s in "${SERVER_LIST[@]}"; do start_server "$s" "$MODE"; done
    if ((${#ACTIVE[@]} == 0)); then
        log "no server speaks HTTP/2 in $MODE; next mode"
        continue
    fi
    for s in "${ACTIVE[@]}"; do warm "$s"; done
    n=${#ACTIVE[@]}
    for ((ROUND = 1; ROUND <= ROUNDS; ROUND++)); do
        PHASE=measure
        for sc in plaintext json; do
            scenario "$sc" || continue
            for m in "${STREAM_LIST[@]}"; do
                for ((k = 0; k < n; k++)); do
                    name=${ACTIVE[$(((ROUND - 1 + k) % n))]}
                    ORDER=$((k + 1)) SCENARIO=$sc
                    run_h2load "$name" "/$sc" "$m" "$(conns_for "$m")" "$DURATION"
                    log "round $ROUND/$ROUNDS $MODE $sc -m $m #$ORDER $name: $(printf '%.0f' "$RATE") req/s"
                done
            done
        done
        if scenario rapid-reset; then
            for ((k = 0; k < n; k++)); do
                name=${ACTIVE[$(((ROUND - 1 + k) % n))]}
                ORDER=$((k + 1))
                rapid_reset "$name"
            done
        fi
    done
    log "stopping the $MODE servers"
    for s in "${ACTIVE[@]}"; do
        t0=$SECONDS
        SERVER_PID=${PID_OF[$s]} SERVER_NAME=$s
        stop_server
        unset "PID_OF[$s]"
        log "  $s stopped in $((SECONDS - t0)) s"
    done
    ALL_SERVER_PIDS=()
done
UPTIME_END=$(uptime)
MINUTES=$(((SECONDS - STARTED_AT + 59) / 60))
log "load after: $UPTIME_END"

# ---------------------------------------------------------------- report
boot_version=$(sed -n '/<parent>/,/<\/parent>/s:.*<version>\(.*\)</version>.*:\1:p' "$APP/pom.xml")
libversion() { { unzip -Z1 "$(jar_of "$1")" 2>/dev/null || true; } | sed -n "s:^BOOT-INF/lib/$2-\([0-9][^/]*\)\.jar$:\1:p" | head -n 1; }
versions=("Spring Boot $boot_version")
want minihttp && versions+=("minihttp (this work tree, $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?'))")
want tomcat && versions+=("Tomcat $(libversion tomcat tomcat-embed-core)")
want jetty && versions+=("Jetty $(libversion jetty jetty-server)")
versions+=("$(h2load --version 2>&1 | head -n 1)")
printf '%s\n' "${SKIPS[@]}" >"$RUN_DIR/skips.txt"
M_DATE=$(date -u '+%Y-%m-%d %H:%M UTC') M_CPU=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1) \
    M_CPUS=$(nproc --all) M_JDK=$("$JAVA" -version 2>&1 | sed -n '2p') M_VERSIONS=$(printf '%s, ' "${versions[@]}") \
    M_UPTIME_START=$UPTIME_START M_UPTIME_END=$UPTIME_END M_MINUTES=$MINUTES M_QUICK=$QUICK M_CAP="${CAP_METHOD:-}" \
    SERVERS=$SERVERS MODES=$MODES SCENARIOS=$SCENARIOS STREAMS=$STREAMS ROUNDS=$ROUNDS DURATION=$DURATION WARMUP=$WARMUP \
    CONNS_M1=$CONNS_M1 CONNS_M100=$CONNS_M100 RR_CONNECTIONS=$RR_CONNECTIONS RR_STREAMS=$RR_STREAMS \
    RR_ATTACK_CONNECTIONS=$RR_ATTACK_CONNECTIONS RR_BATCH=$RR_BATCH RR_CPU_PCT=$RR_CPU_PCT H2LOAD_THREADS=$H2LOAD_THREADS \
    THREADS=$THREADS QUEUE=$QUEUE SERVER_CPU=$SERVER_CPU WRK_CPU=$WRK_CPU JVM_OPTS=$JVM_OPTS \
    "$PYTHON" -c '
import json, os, sys
e = os.environ
keys = ["SERVERS", "MODES", "SCENARIOS", "STREAMS", "ROUNDS", "DURATION", "WARMUP", "CONNS_M1", "CONNS_M100",
        "RR_CONNECTIONS", "RR_STREAMS", "RR_ATTACK_CONNECTIONS", "RR_BATCH", "RR_CPU_PCT", "H2LOAD_THREADS",
        "THREADS", "QUEUE", "SERVER_CPU", "WRK_CPU", "JVM_OPTS"]
m = {k.lower(): e[k] for k in keys}
m.update({"date": e["M_DATE"], "cpu": e["M_CPU"], "cpus_online": e["M_CPUS"], "jdk": e["M_JDK"],
          "versions": e["M_VERSIONS"].rstrip(", "), "uptime_start": e["M_UPTIME_START"],
          "uptime_end": e["M_UPTIME_END"], "minutes": e["M_MINUTES"], "quick": e["M_QUICK"],
          "attacker_cap": e["M_CAP"], "skips": [l.strip() for l in open(sys.argv[2]) if l.strip()]})
json.dump(m, open(sys.argv[1], "w"), indent=1)
' "$RUN_DIR/meta.json" "$RUN_DIR/skips.txt"
cp "$CSV" "$RESULTS/$RESULTS_NAME.csv"
cp "$RUN_DIR/meta.json" "$RESULTS/$RESULTS_NAME.json"
"$PYTHON" "$BENCH/h2report.py" report "$RESULTS/$RESULTS_NAME.csv" "$RUN_DIR/meta.json" >"$RESULTS/$RESULTS_NAME.md"
log "wrote bench/results/$RESULTS_NAME.{csv,json,md} in $MINUTES min (raw: ${RUN_DIR#"$ROOT"/})"
echo
cat "$RESULTS/$RESULTS_NAME.md"
