#!/usr/bin/env python3
"""Where a server's CPU goes, from an async-profiler collapsed-stack file (stdlib only).

    profsummary.py FILE.collapsed [REQUESTS]

The file is async-profiler's `collapsed` output recorded with `threads` (the first frame of each
stack is the thread name). Prints the share of samples per thread group, per category of the
innermost frame that tells (leaf first: kernel, EC arithmetic, AES-GCM, the rest of JSSE, the
server's own code, Spring, GC, JIT...), and inclusive shares of a few frames that matter for TLS
(the handshake, the delegated tasks, wrap, unwrap). With REQUESTS (requests or handshakes served
while it recorded), also samples per 1,000 of them.
"""
import collections
import re
import sys

THREAD_GROUPS = [
    ("minihttp I/O thread (minihttp-io-N)", re.compile(r"minihttp-io")),
    ("minihttp workers (minihttp-worker-N)", re.compile(r"minihttp-worker")),
    ("Tomcat poller + acceptor", re.compile(r"nio-.*-(Poller|Acceptor)")),
    ("Tomcat workers (exec)", re.compile(r"nio-.*-exec")),
    ("Jetty threads", re.compile(r"qtp|jetty", re.I)),
    ("GC", re.compile(r"GC Thread|ParGC|GC task|VM Thread", re.I)),
    ("JIT compiler", re.compile(r"C2 CompilerThread|C1 CompilerThread|Compiler", re.I)),
]

# Leaf-first: the first frame (from the leaf) that matches one of these decides the category.
CATEGORIES = [
    ("EC / X25519 arithmetic (handshake key exchange, signature)", re.compile(
        r"sun/security/(ec|util/math)|sun\.security\.(ec|util\.math)|ECOperations|IntegerPolynomial|XECOperations|ECDSA")),
    ("AES-GCM / digests (record crypto, transcript hashes)", re.compile(
        r"com/sun/crypto/provider|com\.sun\.crypto\.provider|sun/security/provider/(SHA|Digest)|sun\.security\.provider\.(SHA|Digest)|GHASH|AESCrypt|GaloisCounterMode")),
    ("JSSE handshake and record layer (sun.security.ssl)", re.compile(r"sun/security/ssl|sun\.security\.ssl")),
    ("other JDK security / certificates", re.compile(r"sun/security|sun\.security|java/security|java\.security|javax/crypto|javax\.crypto")),
    ("minihttp", re.compile(r"dev/minihttp|dev\.minihttp")),
    ("Tomcat", re.compile(r"org/apache/(tomcat|coyote|catalina)|org\.apache\.(tomcat|coyote|catalina)")),
    ("Jetty", re.compile(r"org/eclipse/jetty|org\.eclipse\.jetty")),
    ("Spring / Jackson / servlet", re.compile(r"org/springframework|org\.springframework|jackson|jakarta")),
    ("NIO / sockets (JDK)", re.compile(r"sun/nio|sun\.nio|java/nio|java\.nio")),
]

INCLUSIVE = [
    ("SSLEngine.wrap", re.compile(r"SSLEngineImpl\.wrap|SSLEngineImpl\.writeRecord")),
    ("SSLEngine.unwrap", re.compile(r"SSLEngineImpl\.unwrap|SSLEngineImpl\.readRecord")),
    ("delegated tasks (SSLEngine.getDelegatedTask().run)", re.compile(r"SSLEngineImpl\$DelegatedTask|DelegatedAction")),
    ("handshake consumers/producers (sun.security.ssl.*Handshake*, ClientHello, Finished, CertificateVerify)",
     re.compile(r"ClientHello|ServerHello|Finished\$|CertificateVerify|CertificateMessage|KeyShare|HandshakeContext|NewSessionTicket")),
    ("kernel (any)", re.compile(r"_\[k\]")),
    ("GC / VM", re.compile(r"GC Thread|VM Thread")),
]


def main(argv):
    if len(argv) not in (2, 3):
        print(__doc__, file=sys.stderr)
        return 2
    per_thread = collections.Counter()
    per_cat = collections.Counter()
    incl = collections.Counter()
    total = 0
    with open(argv[1], encoding="utf-8", errors="replace") as fh:
        for line in fh:
            line = line.rstrip("\n")
            if not line:
                continue
            stack, _, n = line.rpartition(" ")
            try:
                n = int(n)
            except ValueError:
                continue
            frames = stack.split(";")
            thread = frames[0].strip("[]")
            total += n
            group = next((g for g, rx in THREAD_GROUPS if rx.search(thread)), "other threads")
            per_thread[group] += n
            cat = None
            if frames[-1].endswith("_[k]"):
                cat = "kernel (leaf in the kernel: syscalls, TCP, scheduling)"
            else:
                for f in reversed(frames[1:]):
                    cat = next((c for c, rx in CATEGORIES if rx.search(f)), None)
                    if cat:
                        break
            if cat is None:
                cat = "GC / JIT / VM" if group in ("GC", "JIT compiler") else "other (JVM, JDK lang)"
            per_cat[cat] += n
            for name, rx in INCLUSIVE:
                if any(rx.search(f) for f in frames):
                    incl[name] += n
    if not total:
        print("no samples")
        return 1
    reqs = float(argv[2]) if len(argv) == 3 else None

    def line(name, n):
        extra = f" | {1000 * n / reqs:.1f}" if reqs else ""
        return f"| {name} | {n} | {100 * n / total:.1f} %{extra} |"

    hdr = " | per 1,000 |" if reqs else " |"
    sep = "---:|" if reqs else ""
    print(f"{total} samples" + (f", {reqs:.0f} requests/handshakes" if reqs else ""))
    print()
    print("| thread group | samples | share" + hdr)
    print("|---|---:|---:|" + sep)
    for g, n in per_thread.most_common():
        print(line(g, n))
    print()
    print("| innermost category | samples | share" + hdr)
    print("|---|---:|---:|" + sep)
    for c, n in per_cat.most_common():
        print(line(c, n))
    print()
    print("| inclusive (stacks containing) | samples | share" + hdr)
    print("|---|---:|---:|" + sep)
    for name, _ in INCLUSIVE:
        print(line(name, incl[name]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
