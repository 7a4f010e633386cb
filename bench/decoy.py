#!/usr/bin/env python3
"""A decoy HTTP server for the slow-client control of bench/spring-servers.sh (stdlib only).

    decoy.py PORT

It holds any number of connections on 127.0.0.1:PORT, reads whatever arrives, answers
`200 ok` to every complete request head without a body, and never finishes a request that
announces a body (it reads and drops the bytes). Aimed at it, slowhttptest behaves as it does
against minihttp: its availability probe gets answers (so its busy loop is on, see
bench/README.md), its slow headers and bodies stay connected. The server under test then gets
none of the slow connections, and what is left of the slow clients' cost on its throughput is
the load generator's: the CPU, caches and kernel work it uses on the same machine.

It runs on the wrk CPU with the rest of the load generators and stops on SIGTERM.
"""
import selectors
import signal
import socket
import sys

MAX_BUFFERED = 64 * 1024
RESPONSE = b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nok"


def has_body(head):
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        name = name.strip().lower()
        if name == b"transfer-encoding" or (name == b"content-length" and value.strip() not in (b"", b"0")):
            return True
    return False


def serve(port):
    sel = selectors.DefaultSelector()
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", port))
    listener.listen(4096)
    listener.setblocking(False)
    sel.register(listener, selectors.EVENT_READ)
    pending = {}  # socket -> bytes of an unfinished head; None once a body started (drop the rest)

    def close(conn):
        sel.unregister(conn)
        pending.pop(conn, None)
        conn.close()

    while True:
        for key, _ in sel.select():
            if key.fileobj is listener:
                try:
                    conn, _ = listener.accept()
                except (BlockingIOError, InterruptedError):
                    continue
                conn.setblocking(False)
                sel.register(conn, selectors.EVENT_READ)
                pending[conn] = b""
                continue
            conn = key.fileobj
            try:
                data = conn.recv(65536)
            except (BlockingIOError, InterruptedError):
                continue
            except OSError:
                close(conn)
                continue
            if not data:
                close(conn)
                continue
            buf = pending[conn]
            if buf is None:
                continue  # a body that never ends: drop it
            buf += data
            while b"\r\n\r\n" in buf:
                head, _, buf = buf.partition(b"\r\n\r\n")
                if has_body(head):
                    buf = None
                    break
                try:
                    conn.sendall(RESPONSE)
                except OSError:
                    buf = None
                    break
            if buf is not None and len(buf) > MAX_BUFFERED:
                buf = buf[-4:]  # a head that never ends: keep only what may hold its end
            pending[conn] = buf


def main(argv):
    if len(argv) != 2 or not argv[1].isdigit():
        print(__doc__, file=sys.stderr)
        return 2
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    serve(int(argv[1]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
