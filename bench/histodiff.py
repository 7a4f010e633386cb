#!/usr/bin/env python3
"""Heap per connection from two `jcmd PID GC.class_histogram` outputs (stdlib only).

    histodiff.py BEFORE AFTER N [TOP]

GC.class_histogram runs a full GC first, so both list live objects only. Prints the bytes and
instances per connection that AFTER holds more than BEFORE, in all and for the TOP classes that
grew most (default 15): what each idle connection keeps alive. Last line, for scripts:
"per_connection_bytes=B".
"""
import re
import sys

ROW = re.compile(r"^\s*\d+:\s+(\d+)\s+(\d+)\s+(\S+)")


def parse(path):
    out = {}
    with open(path) as f:
        for line in f:
            m = ROW.match(line)
            if m:
                name = m.group(3)
                inst, size = out.get(name, (0, 0))
                out[name] = (inst + int(m.group(1)), size + int(m.group(2)))
    if not out:
        raise SystemExit("no histogram rows in " + path)
    return out


def main():
    before, after, n = parse(sys.argv[1]), parse(sys.argv[2]), int(sys.argv[3])
    top = int(sys.argv[4]) if len(sys.argv) > 4 else 15
    rows = []
    for name in set(before) | set(after):
        i0, b0 = before.get(name, (0, 0))
        i1, b1 = after.get(name, (0, 0))
        rows.append((b1 - b0, i1 - i0, name))
    total = sum(r[0] for r in rows)
    rows.sort(reverse=True)
    print("%10s %10s  %s" % ("B/conn", "obj/conn", "class (grew most)"))
    for bytes_, inst, name in rows[:top]:
        print("%10.1f %10.2f  %s" % (bytes_ / n, inst / n, name))
    print("%10.1f %10s  %s" % (total / n, "", "TOTAL (all classes, growth minus shrinkage)"))
    print("per_connection_bytes=%.0f" % (total / n))


if __name__ == "__main__":
    main()
