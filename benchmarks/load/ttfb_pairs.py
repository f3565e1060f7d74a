#!/usr/bin/env python3
"""Time to the first byte of a streamed answer through two proxies, measured in pairs.

    ttfb_pairs.py <n> <body> <name>=<url> <name>=<url>

Each sample opens a new connection (as a client without keep-alive would), sends one POST and
stops the clock at the first byte of the answer. The two proxies take turns, sample by sample,
so drift in the machine's speed (the noise that moved whole medians by 100+ us when each proxy
was measured in its own block) falls on both alike. Prints the median of each and the median of
the paired differences (first minus second), in microseconds.
"""
import socket
import statistics
import sys
import time
from urllib.parse import urlsplit


def request_bytes(url, body):
    u = urlsplit(url)
    head = (f"POST {u.path} HTTP/1.1\r\nHost: {u.netloc}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n")
    return (u.hostname, u.port), head.encode() + body


def first_byte_us(address, payload):
    start = time.perf_counter_ns()
    with socket.create_connection(address) as s:
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        s.sendall(payload)
        if not s.recv(1):
            raise RuntimeError(f"{address}: closed before answering")
        first = time.perf_counter_ns()
        while s.recv(65536):  # read to the end so the proxy finishes before the next sample
            pass
    return (first - start) / 1000.0


def main():
    n, body = int(sys.argv[1]), sys.argv[2].encode()
    targets = [arg.split("=", 1) for arg in sys.argv[3:5]]
    prepared = [(name, *request_bytes(url, body)) for name, url in targets]
    for _, address, payload in prepared:  # warm both (pooled upstream connections, caches)
        for _ in range(5):
            first_byte_us(address, payload)
    samples = {name: [] for name, _, _ in prepared}
    for i in range(n):
        order = prepared if i % 2 == 0 else prepared[::-1]
        for name, address, payload in order:
            samples[name].append(first_byte_us(address, payload))
    (a, sa), (b, sb) = samples.items()
    diffs = [x - y for x, y in zip(sa, sb)]
    print(f"{a} {statistics.median(sa):.0f} {b} {statistics.median(sb):.0f} "
          f"paired_diff {statistics.median(diffs):.0f}")


if __name__ == "__main__":
    main()
