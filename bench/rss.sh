#!/usr/bin/env bash
# Memory of a release exporter tracking a fleet: starts a synthetic Prometheus with HOSTS hosts, runs the
# exporter in bridge mode against it, scrapes /metrics SCRAPES times and prints resident and peak memory.
# usage: bench/rss.sh [HOSTS] [SCRAPES]
set -euo pipefail
HOSTS="${1:-10000}"; SCRAPES="${2:-20}"
PROM_PORT=19391; EXPORTER_PORT=19392
COLLECT_INTERVAL=10s; QUERY_TIMEOUT=60s
source "$(dirname "${BASH_SOURCE[0]}")/fleet_exporter.sh"
sleep 12   # a second collection, so every host has integrated an interval
for _ in $(seq "$SCRAPES"); do curl -s -o /dev/null -H 'Accept-Encoding: gzip' "127.0.0.1:$EXPORTER_PORT/metrics"; done
hosts=$(curl -s "127.0.0.1:$EXPORTER_PORT/metrics" | awk '/^footprint_hosts /{print $2}')
bytes=$(curl -s "127.0.0.1:$EXPORTER_PORT/metrics" | wc -c)
ms=$(curl -s -o /dev/null -w '%{time_total}' "127.0.0.1:$EXPORTER_PORT/metrics")
echo "hosts=$hosts metrics_bytes=$bytes scrape_seconds=$ms $(grep -E 'VmRSS|VmHWM' /proc/$EXPORTER/status | tr -s ' \t' ' ' | tr '\n' ' ')"
