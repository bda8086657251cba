#!/usr/bin/env bash
# Release benchmarks of footprint_exporter side by side with the peer baselines (Go's expfmt and
# client_golang, Python's prometheus_client), in one run of the shared peer script.
#
# The peer script and its fixtures live in ../shared/bench beside this repository; they are copied to a
# scratch folder because the script builds and generates files next to itself.
# env: RUNS, TARGET, PIN as for the peer script; PEERS=dir to use another copy of the peer bench.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PEERS="${PEERS:-$ROOT/../shared/bench}"
[ -f "$PEERS/run-peers.sh" ] || { echo "peer benchmarks not found at $PEERS (set PEERS=...)" >&2; exit 1; }
WORK="$ROOT/.build/peer-bench"
rm -rf "$WORK" && mkdir -p "$WORK" && cp -R "$PEERS/." "$WORK/" && chmod -R u+w "$WORK"
[ -f "$WORK/fixtures/many_hosts.prom" ] || python3 "$WORK/gen_fixtures.py" >&2
BIN="$(cd "$ROOT" && swift build -c release --product footprint-bench --show-bin-path)/footprint-bench"
[ -x "$BIN" ] || { echo "build footprint-bench first: swift build -c release --product footprint-bench" >&2; exit 1; }
EXTRA_TOOLS="$BIN" RUNS="${RUNS:-5}" TARGET="${TARGET:-1}" bash "$WORK/run-peers.sh" \
  "$WORK/fixtures/node_exporter.prom" "$WORK/fixtures/node_exporter_64cpu.prom" "$WORK/fixtures/many_hosts.prom"
