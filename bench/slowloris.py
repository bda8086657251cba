#!/usr/bin/env python3
"""Slow-loris against a running exporter, with a scraper from another address measuring what it still gets.

Opens PER_SOURCE connections from each of SOURCES addresses in 127.0.0.0/8 (127.0.0.2 upwards), sends a request
line and then one header byte per connection every INTERVAL seconds, reopening any connection the server
closes. Meanwhile a scraper from the next address fetches /metrics every second. Prints each scrape's latency,
how many attack connections were open and reopened, and the server's RSS (from /proc, given its pid).

usage: bench/slowloris.py PORT PID [SOURCES] [PER_SOURCE] [DURATION] [INTERVAL]
"""
import socket
import sys
import threading
import time

port, pid = int(sys.argv[1]), int(sys.argv[2])
sources = int(sys.argv[3]) if len(sys.argv) > 3 else 6
per_source = int(sys.argv[4]) if len(sys.argv) > 4 else 50
duration = float(sys.argv[5]) if len(sys.argv) > 5 else 40
interval = float(sys.argv[6]) if len(sys.argv) > 6 else 5


def rss_kib():
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS"):
                return int(line.split()[1])
    return -1


def open_slow(source):
    try:
        connection = socket.socket()
        connection.bind((source, 0))
        connection.settimeout(2)
        connection.connect(("127.0.0.1", port))
        connection.sendall(b"GET /metrics HTTP/1.1\r\nHost: exporter\r\n")
        connection.setblocking(False)
        return connection
    except OSError:
        return None


state = {"open": 0, "reopened": 0, "running": True}


def attack():
    addresses = [f"127.0.0.{2 + index}" for index in range(sources)]
    connections = [(source, open_slow(source)) for source in addresses for _ in range(per_source)]
    while state["running"]:
        for index, (source, connection) in enumerate(connections):
            alive = connection is not None
            if alive:
                try:
                    if connection.recv(1, socket.MSG_PEEK) == b"":
                        alive = False
                except BlockingIOError:
                    pass
                except OSError:
                    alive = False
            if alive:
                try:
                    connection.send(b"X")
                except OSError:
                    alive = False
            if not alive:
                if connection is not None:
                    connection.close()
                connections[index] = (source, open_slow(source))
                state["reopened"] += 1
        state["open"] = sum(1 for _, connection in connections if connection is not None)
        time.sleep(interval)
    for _, connection in connections:
        if connection is not None:
            connection.close()


def scrape(source):
    began = time.monotonic()
    try:
        connection = socket.create_connection(("127.0.0.1", port), timeout=3, source_address=(source, 0))
        connection.sendall(b"GET /metrics HTTP/1.1\r\nHost: exporter\r\nConnection: close\r\n\r\n")
        received = b""
        while chunk := connection.recv(65536):
            received += chunk
        connection.close()
        ok = received.startswith(b"HTTP/1.1 200")
    except OSError:
        ok = False
    return ok, time.monotonic() - began


print(f"rss_before_kib={rss_kib()} sources={sources} per_source={per_source} interval={interval}s")
thread = threading.Thread(target=attack)
thread.start()
scraper = f"127.0.0.{2 + sources}"
answered, latencies, peak = 0, [], 0
start = time.monotonic()
while time.monotonic() - start < duration:
    ok, seconds = scrape(scraper)
    answered += ok
    latencies.append(seconds)
    peak = max(peak, rss_kib())
    time.sleep(1)
state["running"] = False
thread.join()
latencies.sort()
print(f"scrapes={len(latencies)} answered={answered} max_seconds={latencies[-1]:.3f} "
      f"median_seconds={latencies[len(latencies) // 2]:.3f}")
print(f"attack_open_at_end={state['open']} reopened={state['reopened']} rss_peak_kib={peak} rss_after_kib={rss_kib()}")
