#!/usr/bin/env python3
"""Opens N keep-alive connections, sends one GET on each, reads the response, then holds them idle.

    idleclients.py HOST PORT PATH N

Prints "ready N" once every connection got its response, then waits until stdin closes (or a
SIGTERM) and closes them. Stdlib only; used by bench/idle-footprint.sh.
"""
import signal
import socket
import sys


def read_response(sock):
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(4096)
        if not chunk:
            raise IOError("closed before the response head")
        data += chunk
    head, _, rest = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = lines[0].split(" ")[1]
    fields = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        fields[name.strip().lower()] = value.strip()
    if "content-length" in fields:
        want = int(fields["content-length"])
        while len(rest) < want:
            chunk = sock.recv(4096)
            if not chunk:
                raise IOError("closed in the body")
            rest += chunk
    elif "chunked" in fields.get("transfer-encoding", ""):
        while not rest.endswith(b"0\r\n\r\n"):
            chunk = sock.recv(4096)
            if not chunk:
                raise IOError("closed in the chunked body")
            rest += chunk
    if fields.get("connection", "").lower() == "close":
        raise IOError("the server closes the connection after the response")
    return status


def main():
    host, port, path, n = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    request = ("GET %s HTTP/1.1\r\nHost: %s:%d\r\nUser-Agent: idleclients\r\nAccept: */*\r\n\r\n"
               % (path, host, port)).encode("ascii")
    conns = []
    for i in range(n):
        s = socket.create_connection((host, port), timeout=30)
        s.sendall(request)
        status = read_response(s)
        if status != "200":
            raise SystemExit("connection %d: status %s" % (i, status))
        conns.append(s)
    print("ready %d" % len(conns), flush=True)
    sys.stdin.read()
    for s in conns:
        s.close()


if __name__ == "__main__":
    main()
