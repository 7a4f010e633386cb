#!/usr/bin/env python3
"""Parse `jcmd PID VM.native_memory summary` and `jcmd PID GC.heap_info` (stdlib only).

    jvmmem.py fields                        -> prints the CSV header fragment (FIELDS)
    jvmmem.py parse NMT_FILE HEAP_INFO_FILE -> prints one CSV fragment, values in KiB

Used by bench/spring-servers.sh (scenario "memory"). The NMT columns are the *committed* sizes of
the categories named below; nmt_rest_kb is the total minus all of them, so the non-heap
categories plus the rest add up to nmt_total_kb - nmt_heap_kb. live_heap_kb is the heap in use
right after `GC.run` (a full GC with the collectors the benchmark uses): the live objects.
"""
import re
import sys

# CSV column -> NMT category name as JDK 17 prints it ("Class" is class space and class-loading
# bookkeeping, "Metaspace" the non-class metaspace; older JDKs may lack the latter: then empty).
CATEGORIES = [
    ("nmt_heap_kb", "Java Heap"),
    ("nmt_class_kb", "Class"),
    ("nmt_metaspace_kb", "Metaspace"),
    ("nmt_thread_kb", "Thread"),
    ("nmt_code_kb", "Code"),
    ("nmt_gc_kb", "GC"),
    ("nmt_compiler_kb", "Compiler"),
    ("nmt_symbol_kb", "Symbol"),
    ("nmt_arena_kb", "Arena Chunk"),  # arenas: JIT compilers' and threads' scratch memory
    ("nmt_other_kb", "Other"),  # direct ByteBuffers (NIO), Unsafe.allocateMemory
]
FIELDS = ["nmt_total_kb"] + [c for c, _ in CATEGORIES] + ["nmt_rest_kb", "live_heap_kb",
                                                          "metaspace_used_kb"]

_SIZE = {"K": 1, "M": 1024, "G": 1024 * 1024}


def parse_nmt(text):
    """{category: committed KiB} plus "Total"; raise ValueError when there is no summary."""
    m = re.search(r"^Total: reserved=(\d+)KB, committed=(\d+)KB", text, re.M)
    if not m:
        raise ValueError("no 'Total:' line (is -XX:NativeMemoryTracking=summary on?)")
    out = {"Total": int(m.group(2))}
    for name, committed in re.findall(r"^-\s+(\S.*?) \(reserved=\d+KB, committed=(\d+)KB\)", text, re.M):
        out[name.strip()] = int(committed)
    return out


def parse_heap_info(text):
    """(heap used KiB, metaspace used KiB); either may be None.

    Heap used is the sum of the "used" of each generation/region line that has a "total": e.g.
    ParallelGC's PSYoungGen + ParOldGen, Serial's def new + tenured generation, G1's one
    "garbage-first heap" line (its "region" lines have no "total")."""
    used = None
    for u, unit in re.findall(r"^\s*\S.*?\btotal \d+[KMG], used (\d+)([KMG])", text, re.M):
        used = (used or 0) + int(u) * _SIZE[unit]
    m = re.search(r"^\s*Metaspace\s+used (\d+)([KMG])", text, re.M)
    meta = int(m.group(1)) * _SIZE[m.group(2)] if m else None
    return used, meta


def row(nmt_text, heap_text):
    nmt = parse_nmt(nmt_text)
    vals = {"nmt_total_kb": nmt["Total"]}
    named = 0
    for col, cat in CATEGORIES:
        v = nmt.get(cat)
        vals[col] = v
        named += v or 0
    vals["nmt_rest_kb"] = nmt["Total"] - named
    vals["live_heap_kb"], vals["metaspace_used_kb"] = parse_heap_info(heap_text)
    return ",".join("" if vals[f] is None else str(vals[f]) for f in FIELDS)


def main(argv):
    if len(argv) == 2 and argv[1] == "fields":
        print(",".join(FIELDS))
        return 0
    if len(argv) == 4 and argv[1] == "parse":
        with open(argv[2], encoding="utf-8", errors="replace") as fh:
            nmt_text = fh.read()
        with open(argv[3], encoding="utf-8", errors="replace") as fh:
            heap_text = fh.read()
        try:
            print(row(nmt_text, heap_text))
        except ValueError as e:
            print(f"jvmmem.py: {argv[2]}: {e}", file=sys.stderr)
            return 1
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
