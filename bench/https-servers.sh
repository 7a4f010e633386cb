#!/usr/bin/env bash
# HTTPS, side by side in one run: the same Spring MVC app (bench/spring-app) on minihttp, Tomcat and
# Jetty with the same `server.ssl` key store (an EC P-256 certificate made here with keytool) and the
# same JVM flags. All three run at once, pinned to the same CPU; the load generators run on the other.
# Each server is warmed until its throughput plateaus, scenario by scenario, then the servers are
# measured in turn, round after round (medians with spread). Scenarios:
#   plaintext, json  HTTPS keep-alive, wrk over TLS, 64 connections: req/s, p50, p99
#   full             new TLS connections, one request each, full handshakes (no resumption):
#                    HS_CLIENTS parallel `openssl s_time -new` processes: handshakes/s
#   resumed          the same with resumed TLS 1.3 sessions: wrk -H 'Connection: close' (wrk keeps the
#                    session across its reconnects; checked in the report): handshakes/s, p99
#   slow             plaintext at 64 connections while slow TLS clients (bench/slowtls.py: slow headers,
#                    slow bodies, stalled handshakes) are held: req/s as a share of the same server's
#                    TLS keep-alive plaintext measured right before and right after (A-B-A)
# See bench/README.md for what is measured and how to read it.
#
# Options (environment variables):
#   QUICK=1                          a smoke run (~5 min): 3 s plateau runs (cap 2), 1 round of 3 s,
#                                    1 slow-client round with a tenth of the slow clients
#   SERVERS="minihttp tomcat jetty"  which servers (base order, rotated every round)
#   SCENARIOS="plaintext json full resumed slow"
#   ROUNDS=3 DURATION=10             measured rounds; seconds per measurement
#   PLATEAU_RUN=10 PLATEAU_TOL=3 PLATEAU_CAP=5   warm-up: runs of PLATEAU_RUN s until two in a row
#                                    agree within PLATEAU_TOL %, at most PLATEAU_CAP runs per scenario
#   CONNECTIONS=64                   wrk connections for plaintext, json, slow
#   HS_CLIENTS=8                     parallel clients for full (s_time processes) and resumed (wrk -c)
#   SLOW_ROUNDS=2 SLOW_WARMUP=8      slow-client rounds; seconds of plaintext with a first set of slow
#                                    clients (not recorded) before the measured set connects
#   SLOW_HEADERS=1000 SLOW_BODIES=200 SLOW_STALLED=200   slow TLS clients per set
#   WRK_THREADS=1 WRK_TIMEOUT=10     wrk -t and --timeout (s)
#   SERVER_CPU=0 WRK_CPU=1           CPUs for taskset
#   JVM_OPTS="-Xms256m -Xmx256m -XX:+UseParallelGC"   the same flags for all three
#   MINIHTTP_PORT=18443 TOMCAT_PORT=18444 JETTY_PORT=18445
#   STARTUP_TIMEOUT=180              seconds a server has to answer its first 200 (all three start on
#                                    one CPU, one after the other)
#   SKIP_BUILD=1                     reuse the jars in bench/spring-app/target/
#   PROFILE=1                        after the measured rounds, one more run per server and measured
#                                    scenario with async-profiler attached (event=cpu, 1 ms, per thread;
#                                    tools.profiler:async-profiler from Maven Central, into target/):
#                                    bench/results/https-profile.md says where each server's CPU goes
#   PROFILER_VERSION=4.2             that artifact's version
#   RESULTS_NAME=https-servers       bench/results/NAME.{csv,json,md} (QUICK=1: https-servers-quick)
#   JAVA_HOME                        JDK to use (default: `java` on PATH)
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$(pwd)
BENCH="$ROOT/bench"
RESULTS="$BENCH/results"
APP="$BENCH/spring-app"
LOCAL_REPO="$ROOT/target/bench-m2" # never ~/.m2: other work trees install their minihttp there

QUICK=${QUICK:-0}
if [[ "$QUICK" == 1 ]]; then
    : "${ROUNDS:=1}" "${DURATION:=3}" "${PLATEAU_RUN:=3}" "${PLATEAU_CAP:=2}" "${SLOW_ROUNDS:=1}"
    : "${SLOW_WARMUP:=3}" "${SLOW_HEADERS:=100}" "${SLOW_BODIES:=20}" "${SLOW_STALLED:=20}"
fi
SERVERS=${SERVERS:-"minihttp tomcat jetty"}
SCENARIOS=${SCENARIOS:-"plaintext json full resumed slow"}
ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-10}
PLATEAU_RUN=${PLATEAU_RUN:-10}
PLATEAU_TOL=${PLATEAU_TOL:-3}
PLATEAU_CAP=${PLATEAU_CAP:-5}
CONNECTIONS=${CONNECTIONS:-64}
HS_CLIENTS=${HS_CLIENTS:-8}
SLOW_ROUNDS=${SLOW_ROUNDS:-2}
SLOW_WARMUP=${SLOW_WARMUP:-8}
SLOW_HEADERS=${SLOW_HEADERS:-1000}
SLOW_BODIES=${SLOW_BODIES:-200}
SLOW_STALLED=${SLOW_STALLED:-200}
WRK_THREADS=${WRK_THREADS:-1}
WRK_TIMEOUT=${WRK_TIMEOUT:-10}
SERVER_CPU=${SERVER_CPU:-0}
WRK_CPU=${WRK_CPU:-1}
JVM_OPTS=${JVM_OPTS:-"-Xms256m -Xmx256m -XX:+UseParallelGC"}
MINIHTTP_PORT=${MINIHTTP_PORT:-18443}
TOMCAT_PORT=${TOMCAT_PORT:-18444}
JETTY_PORT=${JETTY_PORT:-18445}
STARTUP_TIMEOUT=${STARTUP_TIMEOUT:-180}
SKIP_BUILD=${SKIP_BUILD:-0}
PROFILE=${PROFILE:-0}
# a smoke run does not overwrite the real results
if [[ "$QUICK" == 1 ]]; then RESULTS_NAME=${RESULTS_NAME:-https-servers-quick}; else RESULTS_NAME=${RESULTS_NAME:-https-servers}; fi
PROFILER_VERSION=${PROFILER_VERSION:-4.2}
THREADS=200
QUEUE=1000
EXPECTED_BODY="Hello, World!"
STOREPASS=bench-https-pass
if [[ -n "${JAVA_HOME:-}" ]]; then JAVA="$JAVA_HOME/bin/java"; KEYTOOL="$JAVA_HOME/bin/keytool"; else JAVA=java; KEYTOOL=keytool; fi
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
int_in_range QUICK "$QUICK" 0 1
int_in_range ROUNDS "$ROUNDS" 1 20
int_in_range DURATION "$DURATION" 1 120
int_in_range PLATEAU_RUN "$PLATEAU_RUN" 1 60
int_in_range PLATEAU_TOL "$PLATEAU_TOL" 1 50
int_in_range PLATEAU_CAP "$PLATEAU_CAP" 2 30
int_in_range CONNECTIONS "$CONNECTIONS" 1 10000
int_in_range HS_CLIENTS "$HS_CLIENTS" 1 64
int_in_range SLOW_ROUNDS "$SLOW_ROUNDS" 1 10
int_in_range SLOW_WARMUP "$SLOW_WARMUP" 0 60
int_in_range SLOW_HEADERS "$SLOW_HEADERS" 0 5000
int_in_range SLOW_BODIES "$SLOW_BODIES" 0 5000
int_in_range SLOW_STALLED "$SLOW_STALLED" 0 5000
int_in_range WRK_THREADS "$WRK_THREADS" 1 64
int_in_range WRK_TIMEOUT "$WRK_TIMEOUT" 1 60
int_in_range STARTUP_TIMEOUT "$STARTUP_TIMEOUT" 1 900
int_in_range PROFILE "$PROFILE" 0 1
[[ "$RESULTS_NAME" =~ ^[A-Za-z0-9._-]+$ ]] || die "RESULTS_NAME=$RESULTS_NAME: letters, digits, . _ - only"
[[ "$PROFILER_VERSION" =~ ^[0-9][0-9A-Za-z.-]*$ ]] || die "PROFILER_VERSION=$PROFILER_VERSION: not a version"
for p in MINIHTTP_PORT TOMCAT_PORT JETTY_PORT; do int_in_range "$p" "${!p}" 1024 65535; done
((CONNECTIONS >= WRK_THREADS && HS_CLIENTS >= WRK_THREADS)) || die "CONNECTIONS and HS_CLIENTS must be >= WRK_THREADS"

read -r -a SERVER_LIST <<<"$SERVERS"
((${#SERVER_LIST[@]} > 0)) || die "SERVERS is empty"
for s in "${SERVER_LIST[@]}"; do
    case "$s" in minihttp | tomcat | jetty) ;; *) die "unknown server '$s' (known: minihttp tomcat jetty)" ;; esac
done
want() { [[ " ${SERVER_LIST[*]} " == *" $1 "* ]]; }
read -r -a SCENARIO_LIST <<<"$SCENARIOS"
((${#SCENARIO_LIST[@]} > 0)) || die "SCENARIOS is empty"
for s in "${SCENARIO_LIST[@]}"; do
    case "$s" in plaintext | json | full | resumed | slow) ;; *) die "unknown scenario '$s' (known: plaintext json full resumed slow)" ;; esac
done
scenario() { [[ " ${SCENARIO_LIST[*]} " == *" $1 "* ]]; }

port_of() {
    case "$1" in minihttp) echo "$MINIHTTP_PORT" ;; tomcat) echo "$TOMCAT_PORT" ;; jetty) echo "$JETTY_PORT" ;; esac
}
jar_of() { echo "$APP/target/$1/bench-app-$1.jar"; }

# ---------------------------------------------------------------- tools
PYTHON=/usr/bin/python3 # Debian's
ensure_tools() {
    local missing=()
    command -v wrk >/dev/null || missing+=(wrk)
    command -v curl >/dev/null || missing+=(curl)
    command -v openssl >/dev/null || missing+=(openssl)
    command -v taskset >/dev/null || missing+=(util-linux)
    command -v setsid >/dev/null || missing+=(util-linux)
    command -v ss >/dev/null || missing+=(iproute2)
    command -v unzip >/dev/null || missing+=(unzip)
    [[ -x "$PYTHON" ]] || missing+=(python3)
    if ((${#missing[@]} > 0)); then apt_install "${missing[@]}"; fi
    command -v "$JAVA" >/dev/null || die "no java ($JAVA); set JAVA_HOME"
    command -v "$KEYTOOL" >/dev/null || die "no keytool ($KEYTOOL); set JAVA_HOME"
    [[ "$SKIP_BUILD" == 1 ]] || command -v mvn >/dev/null || die "no mvn on PATH"
    check_cpus "$SERVER_CPU" "$WRK_CPU"
}

# ---------------------------------------------------------------- builds
build() {
    local s jar m
    if [[ "$SKIP_BUILD" == 1 ]]; then
        for s in "${SERVER_LIST[@]}"; do [[ -f "$(jar_of "$s")" ]] || die "SKIP_BUILD=1 but no $(jar_of "$s")"; done
        log "reusing the jars in bench/spring-app/target/"
        return
    fi
    # A local repository of this work tree (target/bench-m2), not ~/.m2: the app takes the starter
    # from a repository like a user's app would, and another work tree's `mvn install` into ~/.m2
    # can neither replace it in the middle of the run nor be replaced by this one.
    if want minihttp; then
        log "building minihttp (this work tree) into $LOCAL_REPO"
        mvn_logged "$RUN_DIR/build-minihttp.log" -f "$ROOT/pom.xml" -Dmaven.repo.local="$LOCAL_REPO" \
            -DskipTests -pl minihttp-spring-boot-starter -am install
    fi
    for s in "${SERVER_LIST[@]}"; do
        log "building bench/spring-app for $s"
        rm -rf "$(dirname "$(jar_of "$s")")"
        mvn_logged "$RUN_DIR/build-$s.log" -f "$APP/pom.xml" -Dmaven.repo.local="$LOCAL_REPO" -P "$s" package
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

# ---------------------------------------------------------------- certificate
make_certificate() { # -> KEYSTORE (PKCS12, alias bench), CA_PEM (the certificate, for curl)
    KEYSTORE="$RUN_DIR/tls/bench.p12"
    CA_PEM="$RUN_DIR/tls/bench.pem"
    mkdir -p "$RUN_DIR/tls"
    # EC P-256 key, ECDSA-SHA256 self-signature, valid 2 days, for localhost and 127.0.0.1.
    "$KEYTOOL" -genkeypair -alias bench -keyalg EC -groupname secp256r1 -sigalg SHA256withECDSA \
        -validity 2 -dname CN=localhost -ext san=dns:localhost,ip:127.0.0.1 -storetype PKCS12 \
        -keystore "$KEYSTORE" -storepass "$STOREPASS" -keypass "$STOREPASS" >"$RUN_DIR/tls/keytool.log" 2>&1 ||
        { cat "$RUN_DIR/tls/keytool.log" >&2; die "keytool failed"; }
    "$KEYTOOL" -exportcert -rfc -alias bench -keystore "$KEYSTORE" -storepass "$STOREPASS" >"$CA_PEM" 2>/dev/null ||
        die "keytool -exportcert failed"
}

# ---------------------------------------------------------------- servers (all three at once)
declare -A PID_OF=() STARTUP_MS_OF=()
ALL_SERVER_PIDS=()

start_server() { # name
    local name=$1 port logf t0 t1 deadline code body
    port=$(port_of "$name")
    ! curl -sk -o /dev/null --max-time 1 "https://127.0.0.1:$port/" 2>/dev/null || die "something already answers on 127.0.0.1:$port; set ${name^^}_PORT"
    ! answers "$port" || die "something already answers on 127.0.0.1:$port; set ${name^^}_PORT"
    logf="$RUN_DIR/$name.log"
    t0=$EPOCHREALTIME
    # Identical command lines: every server gets every pool property and ignores the others'.
    spawn_server "$name" "$SERVER_CPU" "$logf" "$JAVA" "${JVM_FLAGS[@]}" -jar "$(jar_of "$name")" \
        --server.port="$port" --server.ssl.enabled=true \
        --server.ssl.key-store="file:$KEYSTORE" --server.ssl.key-store-type=PKCS12 \
        --server.ssl.key-store-password="$STOREPASS" --server.ssl.key-alias=bench \
        --minihttp.threads="$THREADS" --server.tomcat.threads.max="$THREADS" \
        --server.jetty.threads.max="$THREADS" \
        --minihttp.queue-capacity="$QUEUE" --server.tomcat.accept-count="$QUEUE"
    PID_OF[$name]=$SERVER_PID
    ALL_SERVER_PIDS+=("$SERVER_PID")
    SERVER_PID="" # lib.sh's single-server bookkeeping is not used: stop_all_servers stops them
    deadline=$((SECONDS + STARTUP_TIMEOUT))
    while :; do
        kill -0 "${PID_OF[$name]}" 2>/dev/null || { tail -n 30 "$logf" >&2 || true; die "$name exited before answering (log: $logf)"; }
        code=$(curl -s --cacert "$CA_PEM" -o /dev/null -w '%{http_code}' --max-time 2 "https://127.0.0.1:$port/plaintext" 2>/dev/null) || true
        [[ "$code" != 200 ]] || break
        ((SECONDS < deadline)) || die "$name did not answer over HTTPS within ${STARTUP_TIMEOUT}s (log: $logf)"
        sleep 0.1
    done
    t1=$EPOCHREALTIME
    STARTUP_MS_OF[$name]=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.0f", (b - a) * 1000 }')
    # The certificate verifies (curl --cacert, host 127.0.0.1 in the SAN) and the endpoints answer.
    body=$(curl -sf --cacert "$CA_PEM" --max-time 5 "https://127.0.0.1:$port/plaintext") || die "$name: GET /plaintext failed"
    [[ "$body" == "$EXPECTED_BODY" ]] || die "$name: /plaintext answered '$body'"
    body=$(curl -sf --cacert "$CA_PEM" --max-time 5 "https://127.0.0.1:$port/json") || die "$name: GET /json failed"
    [[ "$body" == '{"message":"Hello, World!"}' ]] || die "$name: /json answered '$body'"
    log "  $name answered over HTTPS after ${STARTUP_MS_OF[$name]} ms (pid ${PID_OF[$name]}, port $port)"
}

stop_all_servers() {
    local name
    for name in "${!PID_OF[@]}"; do
        SERVER_PID=${PID_OF[$name]} SERVER_NAME=$name
        stop_server
    done
    PID_OF=()
}

https_cleanup() { # lib.sh's cleanup (wrk, helpers, cgroup, exit status) after stopping every server
    local rc=$?
    trap - EXIT
    stop_all_servers
    (exit "$rc")
    cleanup
}
trap https_cleanup EXIT

alive() { # name
    kill -0 "${PID_OF[$1]}" 2>/dev/null || die "$1 (pid ${PID_OF[$1]}) died; log: $RUN_DIR/$1.log"
}

established() { ss -Htn state established "( dport = :$1 )" 2>/dev/null | wc -l; }

# ---------------------------------------------------------------- what each server negotiates
declare -A TLS_OF=()
probe_tls() { # name -> TLS_OF[name] = "protocol cipher group signature alpn resumption http1.0"
    local name=$1 port out proto cipher group sig alpn resumed http10
    port=$(port_of "$name")
    out=$(echo | timeout 10 openssl s_client -connect "127.0.0.1:$port" -servername localhost \
        -alpn http/1.1 -CAfile "$CA_PEM" -verify_hostname localhost 2>&1 || true)
    printf '%s\n' "$out" >"$RUN_DIR/$name.s_client.txt"
    proto=$(sed -n 's/^New, \(TLSv[0-9.]*\), Cipher is \(.*\)$/\1/p' <<<"$out" | head -n 1)
    cipher=$(sed -n 's/^New, TLSv[0-9.]*, Cipher is \(.*\)$/\1/p' <<<"$out" | head -n 1)
    group=$(sed -n 's/^Server Temp Key: \([^,]*\).*/\1/p' <<<"$out" | head -n 1)
    sig=$(sed -n 's/^Peer signature type: //p' <<<"$out" | head -n 1)
    alpn=$(sed -n 's/^ALPN protocol: //p' <<<"$out" | head -n 1)
    grep -q 'Verify return code: 0 (ok)' <<<"$out" || die "$name: openssl s_client did not verify the certificate (see $RUN_DIR/$name.s_client.txt)"
    [[ -n "$proto" && -n "$cipher" ]] || die "$name: no TLS session from openssl s_client (see $RUN_DIR/$name.s_client.txt)"
    # Resumption: a session saved by one connection, offered by the next.
    local sess="$RUN_DIR/tls/$name.session" req
    req=$'GET /plaintext HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n'
    printf '%s' "$req" | timeout 10 openssl s_client -connect "127.0.0.1:$port" -servername localhost \
        -sess_out "$sess" -ign_eof >/dev/null 2>&1 || true
    out=$(printf '%s' "$req" | timeout 10 openssl s_client -connect "127.0.0.1:$port" -servername localhost \
        -sess_in "$sess" -ign_eof 2>&1 || true)
    if grep -q '^Reused, ' <<<"$out"; then resumed=yes; else resumed=no; fi
    # What openssl s_time -www sends: an HTTP/1.0 GET without Host; the server must answer it 200.
    out=$(printf 'GET /plaintext HTTP/1.0\r\n\r\n' | timeout 10 openssl s_client -connect "127.0.0.1:$port" -quiet -ign_eof 2>/dev/null || true)
    http10=$(head -n 1 <<<"$out" | tr -d '\r')
    [[ "$http10" == *" 200"* ]] || die "$name: 'GET /plaintext HTTP/1.0' over TLS answered '$http10' (s_time needs a 200)"
    TLS_OF[$name]="$proto|$cipher|$group|$sig|${alpn:-none}|$resumed"
    log "  $name: $proto $cipher, key exchange $group, signature $sig, ALPN ${alpn:-none}, resumption $resumed"
}

# ---------------------------------------------------------------- one measurement
# Every measurement (warm-up runs too) writes one CSV row; RATE is the number it produced: 2xx/s
# for wrk, handshakes/s for s_time.
CSV=""
RATE=""
WRK_FIELDS=""
WRK_EMPTY=""
PHASE=""
ROUND=0
ORDER=0
SEQ=0
SLOW_INFO=",,,"

url_of() { # name scenario
    local p
    case "$2" in json) p=/json ;; *) p=/plaintext ;; esac
    echo "https://127.0.0.1:$(port_of "$1")$p"
}

run_once() { # name scenario seconds -> RATE, and one CSV row
    local name=$1 sc=$2 secs=$3 out conns parsed load1
    SEQ=$((SEQ + 1))
    out="$RUN_DIR/$name.$PHASE.$sc.$SEQ"
    load1=$(cut -d' ' -f1 /proc/loadavg)
    alive "$name"
    # CPU time of the server under test and of the other (idle) servers, around the run: on a
    # shared machine a server's share of its CPU varies, its CPU time per request much less.
    local peers=() p cpu0 cpu1 peer0 peer1 w0 w1
    for p in "${ALL_SERVER_PIDS[@]}"; do [[ "$p" == "${PID_OF[$name]}" ]] || peers+=("$p"); done
    cpu0=$(proc_cpu_ticks "${PID_OF[$name]}")
    peer0=$(proc_cpu_ticks "${peers[@]}")
    w0=$EPOCHREALTIME
    noise_begin "${ALL_SERVER_PIDS[@]}" "${BG_PIDS[@]}"
    case "$sc" in
    full)
        conns=$HS_CLIENTS
        run_s_time "$name" "$secs" "$out"
        noise_end
        parsed=$S_TIME_FIELDS
        ;;
    *)
        local extra=()
        conns=$CONNECTIONS
        if [[ "$sc" == resumed ]]; then
            conns=$HS_CLIENTS
            extra=(-H 'Connection: close')
        fi
        run_wrk "$secs" "$conns" "$(url_of "$name" "$sc")" --timeout "${WRK_TIMEOUT}s" --latency "${extra[@]}" >"$out.wrk.txt" 2>&1 ||
            { cat "$out.wrk.txt" >&2; die "wrk ($sc) against $name failed"; }
        noise_end
        parsed=$("$PYTHON" "$BENCH/wrkstats.py" parse "$out.wrk.txt") || { cat "$out.wrk.txt" >&2; die "cannot parse wrk output ($out.wrk.txt)"; }
        ;;
    esac
    w1=$EPOCHREALTIME
    cpu1=$(proc_cpu_ticks "${PID_OF[$name]}")
    peer1=$(proc_cpu_ticks "${peers[@]}")
    alive "$name"
    # ok_rps is the 4th wrkstats field
    RATE=$(cut -d, -f4 <<<"$parsed")
    local cpucols
    cpucols=$(awk -v a="$cpu0" -v b="$cpu1" -v c="$peer0" -v d="$peer1" -v t0="$w0" -v t1="$w1" -v hz="$CLK_TCK" \
        'BEGIN { printf "%.3f,%.3f,%.3f", (b - a) / hz, (d - c) / hz, t1 - t0 }')
    echo "$(date -u +%Y-%m-%dT%H:%M:%SZ),$PHASE,$ROUND,$ORDER,$name,$sc,$SEQ,$secs,$conns,$load1,$STEAL,$OTHER,$SLOW_INFO,$parsed,$cpucols" >>"$CSV"
}

S_TIME_FIELDS=""
run_s_time() { # name seconds out-prefix -> S_TIME_FIELDS (the wrkstats fields: requests, duration, rate...)
    # HS_CLIENTS `openssl s_time -new` processes, each one connection at a time: connect, full
    # handshake (it never offers a session), `GET /plaintext HTTP/1.0`, read to the close. s_time
    # prints its count only in whole seconds, so the rate is the sum of their connections over the
    # wall time of the batch, measured here.
    local name=$1 secs=$2 out=$3 port j t0 t1 pids=() n=0 bad=0 c saved=("${BG_PIDS[@]}")
    port=$(port_of "$name")
    t0=$EPOCHREALTIME
    for ((j = 1; j <= HS_CLIENTS; j++)); do
        timeout --kill-after=5 "$((secs + 30))" taskset -c "$WRK_CPU" \
            openssl s_time -connect "127.0.0.1:$port" -new -www /plaintext -time "$secs" >"$out.s_time.$j.txt" 2>&1 &
        pids+=($!)
        BG_PIDS+=("$!")
    done
    for j in "${pids[@]}"; do wait "$j" || bad=$((bad + 1)); done
    t1=$EPOCHREALTIME
    BG_PIDS=("${saved[@]}")
    for ((j = 1; j <= HS_CLIENTS; j++)); do
        c=$(sed -n 's/^\([0-9]*\) connections in [0-9]* real seconds.*/\1/p' "$out.s_time.$j.txt" | head -n 1)
        [[ -n "$c" ]] || { cat "$out.s_time.$j.txt" >&2; die "no count from openssl s_time against $name ($out.s_time.$j.txt)"; }
        n=$((n + c))
        # s_time reports a failed connect or handshake as an error line and goes on
        bad=$((bad + $(grep -ci 'error' "$out.s_time.$j.txt" || true)))
    done
    # Fields as wrkstats.py's: requests,duration_s,rps,ok_rps,avg,p50,p75,p90,p99,max,non_2xx,err x4
    S_TIME_FIELDS=$(awk -v n="$n" -v a="$t0" -v b="$t1" -v bad="$bad" 'BEGIN {
        d = b - a; r = (d > 0) ? n / d : 0
        printf "%d,%.4f,%.4f,%.4f,,,,,,,0,0,%d,0,0", n, d, r, r, bad }')
}

# ---------------------------------------------------------------- warm-up to a plateau
declare -A WARM_RUNS=() WARM_SECS=() WARM_OK=()
warm_to_plateau() { # name scenario
    local name=$1 sc=$2 prev="" i ok=no t0=$SECONDS
    PHASE=warmup ROUND=0 ORDER=0
    for ((i = 1; i <= PLATEAU_CAP; i++)); do
        run_once "$name" "$sc" "$PLATEAU_RUN"
        log "    warm-up $sc $name run $i: $(printf '%.0f' "$RATE")/s"
        if [[ -n "$prev" ]] && awk -v a="$prev" -v b="$RATE" -v t="$PLATEAU_TOL" \
            'BEGIN { m = (a > b) ? a : b; exit !(m > 0 && (a > b ? a - b : b - a) <= t / 100 * m) }'; then
            ok=yes
            break
        fi
        prev=$RATE
    done
    ((i <= PLATEAU_CAP)) || i=$PLATEAU_CAP
    WARM_RUNS[$name.$sc]=$i
    WARM_SECS[$name.$sc]=$((SECONDS - t0))
    WARM_OK[$name.$sc]=$ok
    if [[ "$ok" == yes ]]; then
        log "  $name $sc: plateau after $i runs ($((SECONDS - t0)) s)"
    else
        log "  $name $sc: no plateau within $PLATEAU_CAP runs ($((SECONDS - t0)) s); measured anyway"
    fi
}

# ---------------------------------------------------------------- slow TLS clients
SLOW_LOG=""
start_slow_tls() { # name seconds label -> BG_PID; waits (bounded) until every connection was attempted
    local name=$1 secs=$2 label=$3 port deadline want
    port=$(port_of "$name")
    SLOW_LOG="$RUN_DIR/$name.slow$ROUND.$label.log"
    want=$((SLOW_HEADERS + SLOW_BODIES + SLOW_STALLED))
    bg_start "$SLOW_LOG" taskset -c "$WRK_CPU" "$PYTHON" "$BENCH/slowtls.py" "$port" "$secs" \
        "$SLOW_HEADERS" "$SLOW_BODIES" "$SLOW_STALLED" 300
    SLOW_PID=$BG_PID
    deadline=$((SECONDS + 60))
    until grep -q '^ready ' "$SLOW_LOG" 2>/dev/null; do
        kill -0 "$SLOW_PID" 2>/dev/null || { cat "$SLOW_LOG" >&2; die "slowtls.py exited early ($SLOW_LOG)"; }
        ((SECONDS < deadline)) || die "slowtls.py did not get its $want connections going within 60 s ($SLOW_LOG)"
        sleep 0.2
    done
    log "    slow TLS clients ($label): $(grep -m1 '^ready ' "$SLOW_LOG" | awk '{ printf "%d handshaked, %d stalled handshakes, %d failed", $2, $3, $4 }'); $(established "$port") connections established"
}

wait_connections_below() { # port n: bounded wait until the server's established connections drop
    local deadline=$((SECONDS + 30))
    while (($(established "$1") > $2)) && ((SECONDS < deadline)); do sleep 0.2; done
}

slow_scenario() { # name: A (plaintext), slow-client warm-up set, B (with the measured set), A' (plaintext)
    local name=$1 port c0 c1 sc0 sc1 st0 st1
    port=$(port_of "$name")
    PHASE=slow
    SLOW_INFO=",,,"
    local prof=0
    ((PROFILE && ROUND == SLOW_ROUNDS)) && prof=1 # the last slow round is profiled: before and with
    ((prof == 0)) || profiler "$name" "start,event=cpu,interval=1ms,threads"
    run_once "$name" slow-before "$DURATION"
    ((prof == 0)) || { profiler "$name" "stop,file=$RUN_DIR/$name.slow-before.collapsed,collapsed"; slow_profile_md "$name" slow-before; }
    log "    $name plaintext before: $(printf '%.0f' "$RATE") req/s"
    if ((SLOW_WARMUP > 0)); then
        # The slow clients' code paths are new to the JIT; the first set compiles them, unrecorded.
        # Lifetimes: up to 60 s of ramp-up (start_slow_tls's bound) + the load + a margin; they are
        # stopped right after their measurement anyway.
        start_slow_tls "$name" "$((60 + SLOW_WARMUP + 30))" warmup
        run_wrk "$SLOW_WARMUP" "$CONNECTIONS" "$(url_of "$name" plaintext)" --timeout "${WRK_TIMEOUT}s" \
            >"$RUN_DIR/$name.slow$ROUND.warmup.wrk.txt" 2>&1 || true
        bg_stop_all
        wait_connections_below "$port" 0
    fi
    start_slow_tls "$name" "$((60 + DURATION + 30))" measured
    sleep 1
    c0=$(established "$port")
    sc0=$(proc_cpu_ticks "$SLOW_PID")
    st0=$EPOCHREALTIME
    # wrk's own connections are counted in "established" after the run started; c0 is before it.
    ((prof == 0)) || profiler "$name" "start,event=cpu,interval=1ms,threads"
    run_once "$name" slow "$DURATION"
    local rate_b=$RATE
    ((prof == 0)) || { profiler "$name" "stop,file=$RUN_DIR/$name.slow.collapsed,collapsed"; slow_profile_md "$name" slow; }
    c1=$(established "$port")
    sc1=$(proc_cpu_ticks "$SLOW_PID")
    st1=$EPOCHREALTIME
    local cpu
    cpu=$(awk -v a="$sc0" -v b="$sc1" -v t0="$st0" -v t1="$st1" -v hz="$CLK_TCK" \
        'BEGIN { printf "%.2f", (t1 > t0) ? 100 * (b - a) / hz / (t1 - t0) : 0 }')
    # Fill in the slow columns of the row just written: connections before / after, client CPU %.
    sed -i '$ s/^\(\([^,]*,\)\{12\}\)[^,]*,[^,]*,[^,]*,[^,]*,/\1'"$c0,$c1,$cpu,$(grep -m1 '^ready ' "$SLOW_LOG" | awk '{ print $2 + $3 }'),"'/' "$CSV"
    bg_stop_all
    SLOW_INFO=",,,"
    wait_connections_below "$port" 0
    sleep 1
    run_once "$name" slow-after "$DURATION"
    log "    $name with slow TLS clients: $(printf '%.0f' "$rate_b") req/s (slow connections $c0 -> $c1, client ${cpu}% of a CPU); plaintext after: $(printf '%.0f' "$RATE") req/s"
}

# ---------------------------------------------------------------- profiles (PROFILE=1)
PROFILER_SO=""
fetch_profiler() { # async-profiler's agent from Maven Central (the ordinary client: mvn), into target/
    local dir="$ROOT/target/async-profiler-$PROFILER_VERSION" jar
    jar="$dir/async-profiler-$PROFILER_VERSION-linux-x64.jar"
    PROFILER_SO="$dir/linux-x64/libasyncProfiler.so"
    [[ -x "$JCMD" ]] || die "PROFILE=1 needs jcmd next to $JAVA ($JCMD)"
    [[ "$(uname -m)" == x86_64 ]] || die "PROFILE=1: only linux-x64 is set up"
    [[ -f "$PROFILER_SO" ]] && return 0
    log "fetching tools.profiler:async-profiler:$PROFILER_VERSION (linux-x64) into ${dir#"$ROOT"/}"
    mvn_logged "$RUN_DIR/fetch-profiler.log" -f "$ROOT/pom.xml" -N -Dmaven.repo.local="$LOCAL_REPO" dependency:copy \
        -Dartifact="tools.profiler:async-profiler:$PROFILER_VERSION:jar:linux-x64" -DoutputDirectory="$dir"
    (cd "$dir" && unzip -o -q "$jar" 'linux-x64/*') || die "cannot unpack $jar"
    [[ -f "$PROFILER_SO" ]] || die "no linux-x64/libasyncProfiler.so in $jar"
}

profiler() { # name command: start / stop the agent in a running server (jcmd JVMTI.agent_load)
    # jcmd parses key=value itself: the agent's options go in double quotes.
    timeout --kill-after=5 60 "$JCMD" "${PID_OF[$1]}" JVMTI.agent_load "$PROFILER_SO" "\"$2\"" >>"$RUN_DIR/profiler.log" 2>&1 ||
        { tail -n 5 "$RUN_DIR/profiler.log" >&2; die "async-profiler ($2) in $1 failed"; }
    grep -q 'return code: 0' <(tail -n 1 "$RUN_DIR/profiler.log") || { tail -n 5 "$RUN_DIR/profiler.log" >&2; die "async-profiler ($2) in $1 failed"; }
}

profile_all() { # one profiled run per server and measured scenario -> bench/results/https-profile.md
    local sc s f md="$RUN_DIR/https-profile.md" reqs
    {
        echo "# Where the CPU goes: async-profiler $PROFILER_VERSION, event=cpu, interval 1 ms, $DURATION s per server and scenario"
        echo
        echo "Recorded after the measured rounds of bench/https-servers.sh ($(date -u '+%Y-%m-%d %H:%M UTC'), commit $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')), one server under load at a time, the same load as its measurement. Samples are of the server's JVM only (CPU $SERVER_CPU); *per 1,000* = samples (≈ ms of CPU) per 1,000 requests (keep-alive) or handshakes. Categories come from the innermost frame that tells (bench/profsummary.py)."
        echo
    } >"$md"
    PHASE=profile ROUND=0 ORDER=0
    for sc in "${MEASURED[@]}"; do
        for s in "${SERVER_LIST[@]}"; do
            f="$RUN_DIR/$s.$sc.collapsed"
            profiler "$s" "start,event=cpu,interval=1ms,threads"
            run_once "$s" "$sc" "$DURATION"
            profiler "$s" "stop,file=$f,collapsed"
            reqs=$(tail -n 1 "$CSV" | cut -d, -f17) # requests (wrk) / connections (s_time)
            log "  profiled $s $sc: $(printf '%.0f' "$RATE")/s"
            { echo "## $sc — $s ($(printf '%.0f' "$RATE")/s while profiled)"; echo; "$PYTHON" "$BENCH/profsummary.py" "$f" "$reqs"; echo; } >>"$md"
        done
    done
    cp "$md" "$RESULTS/https-profile.md"
}

slow_profile_md() { # name scenario: append the profile of the run just made to https-profile-slow.md
    local md="$RESULTS/https-profile-slow.md" reqs
    if [[ ! -f "$RUN_DIR/.slow-profile-started" ]]; then
        touch "$RUN_DIR/.slow-profile-started"
        {
            echo "# Slow TLS clients: where the CPU goes (async-profiler $PROFILER_VERSION, event=cpu, 1 ms)"
            echo
            echo "The last slow-client round of bench/https-servers.sh ($(date -u '+%Y-%m-%d %H:%M UTC'), commit $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')), profiled: TLS keep-alive plaintext before the slow clients connect (slow-before) and with them held (slow). *per 1,000* = samples (≈ ms of CPU) per 1,000 requests."
            echo
        } >"$md"
    fi
    reqs=$(tail -n 1 "$CSV" | cut -d, -f17)
    { echo "## $2 — $1 ($(printf '%.0f' "$RATE") req/s while profiled)"; echo; "$PYTHON" "$BENCH/profsummary.py" "$RUN_DIR/$1.$2.collapsed" "$reqs" || true; echo; } >>"$md"
}

# ---------------------------------------------------------------- main
ensure_tools
new_run_dir
build
if ((PROFILE)); then fetch_profiler; fi
make_certificate
taskset -cp "$WRK_CPU" $$ >/dev/null # the script, curl, openssl and the load generators: the wrk CPU

CSV="$RUN_DIR/https-servers.csv"
WRK_FIELDS=$("$PYTHON" "$BENCH/wrkstats.py" fields)
CLK_TCK=$(getconf CLK_TCK)
echo "date,phase,round,order,server,scenario,seq,seconds,connections,load1,steal_pct,other_cpu_pct,slow_conns_start,slow_conns_end,slow_client_cpu_pct,slow_conns_opened,$WRK_FIELDS,server_cpu_s,peers_cpu_s,wall_s" >"$CSV"
UPTIME_START=$(uptime)
LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
STARTED_AT=$SECONDS
log "load before: $UPTIME_START"
n=${#SERVER_LIST[@]}

log "starting ${SERVER_LIST[*]} on CPU $SERVER_CPU, one after the other (all three stay up)"
for s in "${SERVER_LIST[@]}"; do start_server "$s"; done
for s in "${SERVER_LIST[@]}"; do probe_tls "$s"; done

MEASURED=()
for sc in plaintext json full resumed; do scenario "$sc" && MEASURED+=("$sc"); done

# Warm-up: every server, every scenario, in turn, until two runs in a row agree.
WARM_LIST=("${MEASURED[@]}")
if scenario slow && ! scenario plaintext; then WARM_LIST=(plaintext "${WARM_LIST[@]}"); fi
for sc in "${WARM_LIST[@]}"; do
    for s in "${SERVER_LIST[@]}"; do warm_to_plateau "$s" "$sc"; done
done

# Measured rounds: each scenario for every server in turn (order rotated per round).
for ((ROUND = 1; ROUND <= ROUNDS; ROUND++)); do
    PHASE=measure
    for sc in "${MEASURED[@]}"; do
        for ((k = 0; k < n; k++)); do
            name=${SERVER_LIST[$(((ROUND - 1 + k) % n))]}
            ORDER=$((k + 1))
            PHASE=measure
            run_once "$name" "$sc" "$DURATION"
            log "round $ROUND/$ROUNDS $sc #$ORDER $name: $(printf '%.0f' "$RATE")/s"
        done
    done
done

if scenario slow; then
    for ((ROUND = 1; ROUND <= SLOW_ROUNDS; ROUND++)); do
        for ((k = 0; k < n; k++)); do
            name=${SERVER_LIST[$(((ROUND - 1 + k) % n))]}
            ORDER=$((k + 1))
            log "slow-client round $ROUND/$SLOW_ROUNDS #$ORDER: $name"
            slow_scenario "$name"
        done
    done
fi
if ((PROFILE)) && ((${#MEASURED[@]} > 0)); then
    log "profiling each server once per scenario (async-profiler)"
    profile_all
fi
UPTIME_END=$(uptime)
LOAD_END=$(cut -d' ' -f1-3 /proc/loadavg)
log "load after: $UPTIME_END"
MINUTES=$(((SECONDS - STARTED_AT + 59) / 60))
stop_all_servers

# ---------------------------------------------------------------- report
boot_version=$(sed -n '/<parent>/,/<\/parent>/s:.*<version>\(.*\)</version>.*:\1:p' "$APP/pom.xml")
libversion() { { unzip -Z1 "$(jar_of "$1")" 2>/dev/null || true; } | sed -n "s:^BOOT-INF/lib/$2-\([0-9][^/]*\)\.jar$:\1:p" | head -n 1; }
versions=("Spring Boot $boot_version")
want minihttp && versions+=("minihttp (this work tree, $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?'))")
want tomcat && versions+=("Tomcat $(libversion tomcat tomcat-embed-core)")
want jetty && versions+=("Jetty $(libversion jetty jetty-server)")
versions+=("$({ wrk -v 2>&1 || true; } | head -n 1 | cut -d' ' -f1-2)" "$(openssl version)")

META="$RUN_DIR/meta.json"
{
    for s in "${SERVER_LIST[@]}"; do
        echo "tls $s ${TLS_OF[$s]}"
        echo "startup $s ${STARTUP_MS_OF[$s]}"
        for sc in "${WARM_LIST[@]}"; do echo "warm $s $sc ${WARM_RUNS[$s.$sc]} ${WARM_SECS[$s.$sc]} ${WARM_OK[$s.$sc]}"; done
    done
} >"$RUN_DIR/meta.txt"
M_DATE=$(date -u '+%Y-%m-%d %H:%M UTC') M_CPU=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1) \
    M_CPUS=$(nproc --all) M_JDK=$("$JAVA" -version 2>&1 | sed -n '2p') \
    M_VERSIONS=$(printf '%s, ' "${versions[@]}") M_SERVERS="${SERVER_LIST[*]}" M_SCENARIOS="${SCENARIO_LIST[*]}" \
    M_PORTS="$(for s in "${SERVER_LIST[@]}"; do printf '%s %s; ' "$s" "$(port_of "$s")"; done)" \
    M_UPTIME_START=$UPTIME_START M_UPTIME_END=$UPTIME_END M_LOAD_START=$LOAD_START M_LOAD_END=$LOAD_END \
    M_MINUTES=$MINUTES M_QUICK=$QUICK \
    SERVER_CPU=$SERVER_CPU WRK_CPU=$WRK_CPU JVM_OPTS=$JVM_OPTS ROUNDS=$ROUNDS DURATION=$DURATION \
    PLATEAU_RUN=$PLATEAU_RUN PLATEAU_TOL=$PLATEAU_TOL PLATEAU_CAP=$PLATEAU_CAP CONNECTIONS=$CONNECTIONS \
    HS_CLIENTS=$HS_CLIENTS SLOW_ROUNDS=$SLOW_ROUNDS SLOW_WARMUP=$SLOW_WARMUP SLOW_HEADERS=$SLOW_HEADERS \
    SLOW_BODIES=$SLOW_BODIES SLOW_STALLED=$SLOW_STALLED WRK_THREADS=$WRK_THREADS WRK_TIMEOUT=$WRK_TIMEOUT THREADS=$THREADS \
    "$PYTHON" -c '
import json, os, sys
e = os.environ
keys = ["SERVER_CPU", "WRK_CPU", "JVM_OPTS", "ROUNDS", "DURATION", "PLATEAU_RUN", "PLATEAU_TOL", "PLATEAU_CAP",
        "CONNECTIONS", "HS_CLIENTS", "SLOW_ROUNDS", "SLOW_WARMUP", "SLOW_HEADERS", "SLOW_BODIES", "SLOW_STALLED",
        "WRK_THREADS", "WRK_TIMEOUT", "THREADS"]
m = {k.lower(): e[k] for k in keys}
m.update({
    "date": e["M_DATE"], "cpu": e["M_CPU"], "cpus_online": e["M_CPUS"], "jdk": e["M_JDK"],
    "versions": e["M_VERSIONS"].rstrip(", "), "ports": e["M_PORTS"].rstrip("; "),
    "servers": e["M_SERVERS"].split(), "scenarios": e["M_SCENARIOS"].split(),
    "uptime_start": e["M_UPTIME_START"], "uptime_end": e["M_UPTIME_END"],
    "load_start": e["M_LOAD_START"], "load_end": e["M_LOAD_END"], "minutes": e["M_MINUTES"], "quick": e["M_QUICK"],
    "tls": {}, "startup_ms": {}, "warmup": {},
})
for line in open(sys.argv[2]):
    f = line.split()
    if f[0] == "tls":
        p = " ".join(f[2:]).split("|")
        m["tls"][f[1]] = dict(zip(["protocol", "cipher", "group", "signature", "alpn", "resumption"], p))
    elif f[0] == "startup":
        m["startup_ms"][f[1]] = f[2]
    elif f[0] == "warm":
        m["warmup"].setdefault(f[1], {})[f[2]] = {"runs": int(f[3]), "seconds": int(f[4]), "plateau": f[5] == "yes"}
json.dump(m, open(sys.argv[1], "w"), indent=1)
' "$META" "$RUN_DIR/meta.txt"

cp "$CSV" "$RESULTS/$RESULTS_NAME.csv"
cp "$META" "$RESULTS/$RESULTS_NAME.json"
"$PYTHON" "$BENCH/httpsreport.py" "$RESULTS/$RESULTS_NAME.csv" "$META" >"$RESULTS/$RESULTS_NAME.md"
log "wrote bench/results/$RESULTS_NAME.{csv,json,md} in $MINUTES min (raw: ${RUN_DIR#"$ROOT"/})"
echo
cat "$RESULTS/$RESULTS_NAME.md"
