#!/usr/bin/env bash
# Scans minihttp's default TLS configuration with testssl.sh (Debian's package) on 127.0.0.1 and
# fails on any finding rated MEDIUM or worse, except the ones about trusting the test's own
# self-signed certificate (chain of trust, revocation info, a validity of two days), which say
# nothing about the server. Results: target/testssl/ (report.txt, findings.json).
#   bash bench/testssl.sh            # needs testssl (apt-get install testssl.sh), a JDK and Maven
set -euo pipefail
cd "$(dirname "$0")/.."

PORT=${TESTSSL_PORT:-18443}
out=target/testssl
rm -rf "$out"
mkdir -p "$out"
command -v testssl > /dev/null || { echo "testssl is not installed (apt-get install testssl.sh)" >&2; exit 1; }

mvn -B -q -ntp -pl minihttp-core test-compile dependency:build-classpath \
  -Dmdep.includeScope=test -Dmdep.outputFile="$PWD/$out/classpath.txt"
java -cp "minihttp-core/target/test-classes:minihttp-core/target/classes:$(cat "$out/classpath.txt")" \
  dev.minihttp.tls.TlsScanServer "$PORT" "$PWD/$out/server" 300 > "$out/server.log" 2>&1 &
server=$!
trap 'touch "$out/server/stop"; wait $server 2>/dev/null || true' EXIT
for _ in $(seq 1 120); do
  [ -f "$out/server/ready" ] && break
  sleep 1
done
[ -f "$out/server/ready" ] || { echo "the scan server did not start"; cat "$out/server.log"; exit 1; }

# -p protocols, -s cipher categories, -f forward secrecy, -S server defaults, -U vulnerabilities
testssl --quiet --color 0 --warnings off --ip one -p -s -f -S -U \
  --jsonfile "$out/findings.json" "127.0.0.1:$PORT" > "$out/report.txt" 2>&1 || true
grep -E "offered|not vulnerable|VULNERABLE|NOT ok" "$out/report.txt" | sed 's/^/   /' | head -60

python3 - "$out/findings.json" <<'PY'
import json, sys
# The test certificate is self-signed, short-lived and has no CRL/OCSP: findings about trusting it.
TRUST = {"cert_notAfter", "cert_chain_of_trust", "cert_crlDistributionPoints", "cert_ocspURL", "cert_revocation",
         "cert_expirationStatus", "cert_trust", "cert_caIssuers"}
findings = json.load(open(sys.argv[1]))
bad = [f for f in findings
       if f.get("severity") in ("MEDIUM", "HIGH", "CRITICAL") and f.get("id") not in TRUST]
for f in bad:
    print(f"   {f['severity']}: {f['id']}: {f['finding']}")
print(f"== testssl: {len(findings)} findings, {len(bad)} rated MEDIUM or worse beyond the test certificate's trust")
sys.exit(1 if bad else 0)
PY
