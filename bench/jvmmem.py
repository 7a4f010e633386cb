#!/usr/bin/env python3
"""Parse `jcmd PID VM.native_memory summary` and `jcmd PID GC.heap_info` (stdlib only).

    jvmmem.py fields                        -> prints the CSV header fragment (FIELDS)
    jvmmem.py parse NMT_FILE HEAP_INFO_FILE [SMAPS_FILE]
                                            -> prints one CSV fragment, values in KiB

Used by bench/spring-servers.sh (scenario "memory"). The NMT columns are the *committed* sizes of
the categories named below; nmt_rest_kb is the total minus all of them, so the non-heap
categories plus the rest add up to nmt_total_kb - nmt_heap_kb. live_heap_kb is the heap in use
right after `GC.run` (a full GC with the collectors the benchmark uses): the live objects.

With a copy of /proc/PID/smaps (taken before jcmd attaches), the RSS is split three ways:
rss_heap_kb, the resident pages of the Java heap (its address range from GC.heap_info);
rss_anon_kb, every other anonymous mapping (metaspace, JIT code, thread stacks, malloc: the
native memory); rss_file_kb, file-backed mappings (libjvm.so and the other libraries, the CDS
archive, anything mmapped), the same for every server that runs on the same JDK.
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
                                                          "metaspace_used_kb", "rss_heap_kb",
                                                          "rss_anon_kb", "rss_file_kb"]

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


def heap_range(text):
    """(start, end) addresses of the Java heap from GC.heap_info: the lowest start and the highest
    end over the lines with a "total" (ParallelGC: PSYoungGen + ParOldGen; G1: one line)."""
    spans = [(int(a, 16), int(b, 16)) for a, b in
             re.findall(r"\btotal \d+[KMG], used \d+[KMG] \[(0x[0-9a-f]+),.*?(0x[0-9a-f]+)\)", text)]
    if not spans:
        raise ValueError("no heap address range in GC.heap_info")
    return min(a for a, _ in spans), max(b for _, b in spans)


def rss_split(smaps_text, heap):
    """(heap KiB, other anonymous KiB, file-backed KiB) of the resident set, from smaps."""
    lo, hi = heap
    split = {"heap": 0, "anon": 0, "file": 0}
    kind = None
    for line in smaps_text.splitlines():
        m = re.match(r"^([0-9a-f]+)-([0-9a-f]+) \S+ \S+ \S+ (\d+)", line)
        if m:
            start, inode = int(m.group(1), 16), m.group(3)
            kind = "heap" if lo <= start < hi else ("file" if inode != "0" else "anon")
        elif line.startswith("Rss:") and kind:
            split[kind] += int(line.split()[1])
    return split["heap"], split["anon"], split["file"]


def row(nmt_text, heap_text, smaps_text=None):
    nmt = parse_nmt(nmt_text)
    vals = {"nmt_total_kb": nmt["Total"]}
    named = 0
    for col, cat in CATEGORIES:
        v = nmt.get(cat)
        vals[col] = v
        named += v or 0
    vals["nmt_rest_kb"] = nmt["Total"] - named
    vals["live_heap_kb"], vals["metaspace_used_kb"] = parse_heap_info(heap_text)
    vals["rss_heap_kb"] = vals["rss_anon_kb"] = vals["rss_file_kb"] = None
    if smaps_text is not None:
        vals["rss_heap_kb"], vals["rss_anon_kb"], vals["rss_file_kb"] = rss_split(smaps_text, heap_range(heap_text))
    return ",".join("" if vals[f] is None else str(vals[f]) for f in FIELDS)


def main(argv):
    if len(argv) == 2 and argv[1] == "fields":
        print(",".join(FIELDS))
        return 0
    if len(argv) in (4, 5) and argv[1] == "parse":
        with open(argv[2], encoding="utf-8", errors="replace") as fh:
            nmt_text = fh.read()
        with open(argv[3], encoding="utf-8", errors="replace") as fh:
            heap_text = fh.read()
        smaps_text = None
        if len(argv) == 5:
            with open(argv[4], encoding="utf-8", errors="replace") as fh:
                smaps_text = fh.read()
        try:
            print(row(nmt_text, heap_text, smaps_text))
        except ValueError as e:
            print(f"jvmmem.py: {argv[2]}: {e}", file=sys.stderr)
            return 1
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
