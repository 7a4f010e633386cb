#!/usr/bin/env bash
# Fuzzes the HTTP/1.1 codec, the TLS ClientHello reader, the HTTP/2 frame reader and HPACK with Jazzer: each
# @FuzzTest target for FUZZ_SECONDS, one after the other (Jazzer fuzzes one test per JVM), at the
# lowest CPU priority. Prints executions and findings per target. A finding (crash) is saved by
# Jazzer as a file in the target's inputs directory, under
# minihttp-core/src/test/resources/dev/minihttp/<package>/<Class>Inputs/<method>/, so from then
# on it runs as a regression input in every `mvn test`: fix the bug, keep the file.
#
#   FUZZ_SECONDS=900 bench/fuzz.sh                        # 15 min per target
#   FUZZ_TARGETS="ChunkedDecoderFuzzTest#decode" bench/fuzz.sh
#
# The growing corpus (interesting inputs, not findings) stays in minihttp-core/.cifuzz-corpus/,
# which git ignores; later runs start from it. Logs go to minihttp-core/target/fuzz/.
set -euo pipefail
cd "$(dirname "$0")/.."

FUZZ_SECONDS=${FUZZ_SECONDS:-300}
FUZZ_TARGETS=${FUZZ_TARGETS:-"RequestHeadParserFuzzTest#parse ChunkedDecoderFuzzTest#decode ClientHelloFuzzTest#read FrameReaderFuzzTest#read HpackDecoderFuzzTest#decode HpackRoundTripFuzzTest#roundTrip"}
# distinct findings (by stack) to collect before a target stops early
FUZZ_KEEP_GOING=${FUZZ_KEEP_GOING:-10}
# a small heap makes "bounded memory" a finding (OutOfMemoryError) instead of a slow swap
FUZZ_HEAP=${FUZZ_HEAP:-512m}
# seconds one input may take before it counts as a hang (a finding). A JUnit @Timeout would
# bound the whole fuzzing run instead, so libFuzzer's own flag is passed, the way Jazzer's
# command line passes its arguments to a JUnit fuzz test (jazzer.internal.arg.N, N=0 is argv[0]).
# It is wall-clock time: at nice 19 on a busy machine the fuzzer can be starved for half a minute
# (a 10 s limit once reported a 4 KB input that decodes in milliseconds), hence the margin. A
# real hang in a parser fed a few KB is not slow, it is endless.
FUZZ_INPUT_TIMEOUT=${FUZZ_INPUT_TIMEOUT:-120}
# libFuzzer's default of 4096 bytes could never pass the default 8 KiB head limit
FUZZ_MAX_LEN=${FUZZ_MAX_LEN:-12000}
MVN_OFFLINE=${MVN_OFFLINE:--o}

inputs_root=minihttp-core/src/test/resources/dev/minihttp/http
logs=minihttp-core/target/fuzz
mkdir -p "$logs"

echo "== compiling"
mvn -B -q $MVN_OFFLINE -pl minihttp-core test-compile

summary=()
for target in $FUZZ_TARGETS; do
  class=${target%%#*}
  method=${target##*#}
  # Jazzer keeps a target's inputs beside its test class: the codec's under http/, the TLS layer's under tls/,
  # the HTTP/2 frame codec's under http2/, HPACK's under http2/hpack/.
  case "$class" in
    ClientHello*) package=tls ;;
    FrameReader*) package=http2 ;;
    Hpack*) package=http2/hpack ;;
    *) package=http ;;
  esac
  inputs="${inputs_root%/http}/$package/${class}Inputs/$method"
  mkdir -p "$inputs"
  log="$logs/$class-$method.log"
  before=$(find "$inputs" -maxdepth 1 -type f | sort)
  echo "== fuzzing $class#$method for ${FUZZ_SECONDS}s (log: $log)"
  start=$(date +%s)
  status=0
  # JAZZER_FUZZ turns regression mode into fuzzing; JAZZER_MAX_DURATION overrides the
  # annotation's maxDuration (Jazzer options read JAZZER_<NAME> / -Djazzer.<name>).
  JAZZER_FUZZ=1 JAZZER_MAX_DURATION="${FUZZ_SECONDS}s" JAZZER_KEEP_GOING="$FUZZ_KEEP_GOING" \
    nice -n 19 mvn -B $MVN_OFFLINE -pl minihttp-core surefire:test \
      -Dtest="$target" -Dsurefire.failIfNoSpecifiedTests=false \
      -DargLine="-Xmx$FUZZ_HEAP -XX:+EnableDynamicAgentLoading" \
      -Djazzer.internal.arg.0=fuzz -Djazzer.internal.arg.1=-timeout="$FUZZ_INPUT_TIMEOUT" \
      -Djazzer.internal.arg.2=-max_len="$FUZZ_MAX_LEN" \
      >"$log" 2>&1 || status=$?
  elapsed=$(( $(date +%s) - start ))
  # libFuzzer ends with "Done N runs in S second(s)"; after a finding its last status line
  # ("#N ...") is the best count there is
  runs=$(grep -aoE 'Done [0-9]+ runs' "$log" | tail -1 | grep -oE '[0-9]+' || true)
  if [ -z "$runs" ]; then
    runs=$(grep -aoE '^#[0-9]+' "$log" | tail -1 | tr -d '#' || true)
  fi
  after=$(find "$inputs" -maxdepth 1 -type f | sort)
  new=$(comm -13 <(echo "$before") <(echo "$after") | sed '/^$/d' || true)
  findings=$(echo -n "$new" | grep -c . || true)
  corpus=$(find "minihttp-core/.cifuzz-corpus/dev.minihttp.${package//\//.}.$class/$method" -type f 2>/dev/null | wc -l || true)
  echo "   executions: ${runs:-?}  seconds: $elapsed  corpus: $corpus  new findings: $findings  (mvn exit $status)"
  if [ -n "$new" ]; then
    echo "$new" | sed 's/^/   finding: /'
    grep -aE '^== Java Exception|^Caused by|^\s+at dev\.minihttp' "$log" | head -20 | sed 's/^/   /'
  fi
  summary+=("$class#$method|${runs:-?}|$elapsed|$findings")
done

echo
echo "| target | executions | seconds | new findings |"
echo "|---|---:|---:|---:|"
for row in "${summary[@]}"; do
  IFS='|' read -r target runs secs findings <<<"$row"
  echo "| \`$target\` | $runs | $secs | $findings |"
done
