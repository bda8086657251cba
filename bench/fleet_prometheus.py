#!/usr/bin/env python3
"""A stand-in for a Prometheus server's /api/v1/query that knows a synthetic fleet of hosts.

Answers the instant queries footprint_exporter's bridge source asks with HOSTS hosts whose CPU counters
advance with wall-clock time, so a real exporter can be run against a fleet larger than this machine can
host. Used by bench/rss.sh; not a test fake (the tests use the real Prometheus).

With SHARDS, every target carries the label footprint_shard (Prometheus' hashmod of its address modulo SHARDS,
as a relabel rule would set it) and a query selecting footprint_shard="I" is answered for those hosts only.

usage: fleet_prometheus.py PORT [HOSTS [SHARDS]]
"""
import hashlib
import json
import re
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

PORT = int(sys.argv[1])
HOSTS = int(sys.argv[2]) if len(sys.argv) > 2 else 10_000
SHARDS = int(sys.argv[3]) if len(sys.argv) > 3 else 0
START = time.time()


def hashmod(text, modulus):
    # Prometheus' hashmod: the last 8 bytes of the MD5 digest, big-endian, modulo the modulus.
    return int.from_bytes(hashlib.md5(text.encode()).digest()[8:], "big") % modulus


SHARD_OF = [hashmod(f"ws-{i:05d}.example.net:9100", SHARDS) for i in range(HOSTS)] if SHARDS else []


def host(i):
    return f"ws-{i:05d}.example.net:9100"


def labels(i):
    result = {"instance": host(i), "job": "node", "cloud_project_name": f"project-{i % 40}", "user": f"user.{i % 700}",
              "machine_name": f"type-{i % 6}"}
    if SHARDS:
        result["footprint_shard"] = str(SHARD_OF[i])
    return result


def vector(samples, t):
    return {"status": "success", "data": {"resultType": "vector",
            "result": [{"metric": m, "value": [t, repr(v) if isinstance(v, float) else str(v)]} for m, v in samples]}}


def answer(query, t):
    elapsed = t - START
    cores = lambda i: 2 << (i % 4)
    shard = re.search(r'footprint_shard="([0-9]+)"', query)
    hosts = [i for i in range(HOSTS) if SHARD_OF[i] == int(shard.group(1))] if shard and SHARDS else range(HOSTS)
    if query.startswith("up"):
        return vector([(dict(labels(i), __name__="up"), 1) for i in hosts], t)
    if query.startswith("count"):
        return vector([({"instance": host(i)}, cores(i)) for i in hosts], t)
    if query.startswith("sum by (instance) (node_cpu_seconds_total"):
        idle_only = 'mode="idle"' in query
        out = []
        for i in hosts:
            total = cores(i) * (100_000 + elapsed)
            out.append(({"instance": host(i)}, float(total * (1 - (i % 100) / 100) if idle_only else total)))
        return vector(out, t)
    if "Active" in query:
        return vector([({"instance": host(i)}, float((i % 90) / 100)) for i in hosts], t)
    if "boot_time" in query:
        return vector([({"instance": host(i)}, 1794000000) for i in hosts], t)
    if query.startswith("max by (instance) (timestamp(node_cpu_seconds_total"):
        # Scrapes every second: the latest sample is at the last whole second.
        return vector([({"instance": host(i)}, float(int(t))) for i in hosts], t)
    # Anything else (the measured-power families: RAPL, IPMI, DCGM) is a metric this fleet does not export, which
    # Prometheus answers with an empty vector.
    return vector([], t)


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        url = urlparse(self.path)
        q = parse_qs(url.query)
        t = float(q.get("time", [time.time()])[0])
        # Counters follow the query time, like a Prometheus whose targets were scraped at that moment.
        body = json.dumps(answer(q.get("query", [""])[0], t)).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


ThreadingHTTPServer(("127.0.0.1", PORT), Handler).serve_forever()
