#!/usr/bin/env python3
"""Slow TLS clients for the slow-client scenario of bench/https-servers.sh (stdlib only).

    slowtls.py PORT SECONDS HEADERS BODIES STALLED [RATE]

Opens, at RATE new connections a second (default 300), to 127.0.0.1:PORT:
- HEADERS connections that complete a TLS handshake, then send `GET /plaintext HTTP/1.1`, Host
  and one more header line every 5 s, never ending the head (slowhttptest -H over TLS);
- BODIES connections that complete a TLS handshake, send `POST /echo` with Content-Length 1 MiB,
  then 600 bytes of body every second (slowhttptest -B over TLS: above minihttp's minimum body
  rate of 240 B/s, so every server keeps them);
- STALLED connections that send the first half of a TLS ClientHello and then nothing: a stalled
  handshake (it costs the server a connection slot and whatever it allocates before the
  handshake completes).
Nothing is reopened when the server closes it: the script measures while they are held, and
reads how many are still open from `ss` before and after.

It prints `ready HANDSHAKED STALLED FAILED` once every connection was attempted (the script waits
for this line), then `closed N` lines now and then, and stops by itself after SECONDS (or on
SIGTERM). Certificates are not verified: the load generator is not what is tested.
"""
import asyncio
import signal
import ssl
import sys
import time

HEADER_INTERVAL = 5.0
BODY_INTERVAL = 1.0
BODY_CHUNK = 600
BODY_LENGTH = 1 << 20

state = {"handshaked": 0, "stalled": 0, "failed": 0, "closed": 0}


def client_hello_prefix():
    """The first half of a real ClientHello (made by this Python's OpenSSL) for a stalled handshake."""
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    inc, out = ssl.MemoryBIO(), ssl.MemoryBIO()
    obj = ctx.wrap_bio(inc, out, server_hostname="localhost")
    try:
        obj.do_handshake()
    except ssl.SSLWantReadError:
        pass
    hello = out.read()
    return hello[: max(5, len(hello) // 2)]


async def hold(writer, reader, chunks, interval, deadline):
    """Sends one chunk every interval until the deadline or until the server closes."""
    try:
        for chunk in chunks:
            if time.monotonic() >= deadline:
                return
            writer.write(chunk)
            await writer.drain()
            try:
                data = await asyncio.wait_for(reader.read(4096), timeout=interval)
                if not data:
                    return  # closed by the server
            except asyncio.TimeoutError:
                pass
    except (ConnectionError, OSError, ssl.SSLError):
        return
    finally:
        state["closed"] += 1
        try:
            writer.close()
        except Exception:
            pass


def header_chunks(port):
    yield f"GET /plaintext HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n".encode()
    i = 0
    while True:
        i += 1
        yield f"X-Slow-{i}: {i}\r\n".encode()


def body_chunks(port):
    yield (f"POST /echo HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/octet-stream\r\n"
           f"Content-Length: {BODY_LENGTH}\r\n\r\n").encode()
    while True:
        yield b"x" * BODY_CHUNK


async def tls_client(port, ctx, kind, deadline):
    try:
        reader, writer = await asyncio.wait_for(
            asyncio.open_connection("127.0.0.1", port, ssl=ctx, server_hostname="localhost"), timeout=30)
    except (OSError, ssl.SSLError, asyncio.TimeoutError):
        state["failed"] += 1
        return
    state["handshaked"] += 1
    if kind == "header":
        await hold(writer, reader, header_chunks(port), HEADER_INTERVAL, deadline)
    else:
        await hold(writer, reader, body_chunks(port), BODY_INTERVAL, deadline)


async def stalled_client(port, prefix, deadline):
    try:
        reader, writer = await asyncio.wait_for(asyncio.open_connection("127.0.0.1", port), timeout=30)
    except (OSError, asyncio.TimeoutError):
        state["failed"] += 1
        return
    state["stalled"] += 1
    try:
        writer.write(prefix)
        await writer.drain()
        remaining = deadline - time.monotonic()
        if remaining > 0:
            try:
                await asyncio.wait_for(reader.read(4096), timeout=remaining)  # returns when closed
            except asyncio.TimeoutError:
                pass
    except (ConnectionError, OSError):
        pass
    finally:
        state["closed"] += 1
        writer.close()


async def main(port, seconds, headers, bodies, stalled, rate):
    deadline = time.monotonic() + seconds
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    prefix = client_hello_prefix()
    # Interleave the kinds in proportion, so that each is spread over the ramp-up.
    counts = {"header": headers, "body": bodies, "stalled": stalled}
    done = {k: 0 for k in counts}
    order = []
    for _ in range(headers + bodies + stalled):
        kind = max(counts, key=lambda k: (counts[k] - done[k]) / counts[k] if counts[k] else -1)
        done[kind] += 1
        order.append(kind)
    tasks = []
    for kind in order:
        if kind == "stalled":
            tasks.append(asyncio.create_task(stalled_client(port, prefix, deadline)))
        else:
            tasks.append(asyncio.create_task(tls_client(port, ctx, kind, deadline)))
        await asyncio.sleep(1.0 / rate)
        if time.monotonic() >= deadline:
            break
    # Wait until every connection attempt is settled (handshaked, stalled or failed), bounded.
    while state["handshaked"] + state["stalled"] + state["failed"] < len(tasks) and time.monotonic() < deadline:
        await asyncio.sleep(0.1)
    print(f"ready {state['handshaked']} {state['stalled']} {state['failed']}", flush=True)
    last = -1
    while time.monotonic() < deadline:
        if state["closed"] != last:
            last = state["closed"]
            print(f"closed {last}", flush=True)
        await asyncio.sleep(1)
    for t in tasks:
        t.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)


if __name__ == "__main__":
    if len(sys.argv) not in (6, 7) or not all(a.isdigit() for a in sys.argv[1:]):
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    args = [int(a) for a in sys.argv[1:]]
    if len(args) == 5:
        args.append(300)
    asyncio.run(main(*args))
