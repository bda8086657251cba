#!/usr/bin/env bash
# Memory of a release exporter tracking a fleet: starts a synthetic Prometheus with HOSTS hosts, runs the
# exporter in bridge mode against it, scrapes /metrics SCRAPES times and prints resident and peak memory.
# usage: bench/rss.sh [HOSTS] [SCRAPES]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
HOSTS="${1:-10000}"; SCRAPES="${2:-20}"
PROM_PORT=19391; EXPORTER_PORT=19392
BIN="$(cd "$ROOT" && swift build -c release --product footprint_exporter --show-bin-path)/footprint_exporter"
(cd "$ROOT" && swift build -c release --product footprint_exporter >/dev/null)
TMP="$(mktemp -d)"; trap 'kill $FAKE $EXPORTER 2>/dev/null; rm -rf "$TMP"' EXIT
python3 "$ROOT/bench/fleet_prometheus.py" "$PROM_PORT" "$HOSTS" & FAKE=$!
cat >"$TMP/config.yml" <<YAML
collect_interval: 10s
source: {kind: prometheus, prometheus: {url: "http://127.0.0.1:$PROM_PORT", attribution_labels: [cloud_project_name, user, machine_name], timeout: 60s}}
carbon_intensity: {provider: static, static_grams_per_kwh: 180}
YAML
sleep 1
"$BIN" --config.file="$TMP/config.yml" --web.listen-address="127.0.0.1:$EXPORTER_PORT" --storage.path="$TMP/state.sqlite" --log.level=warn & EXPORTER=$!
until curl -sf "127.0.0.1:$EXPORTER_PORT/-/ready" >/dev/null; do sleep 0.5; done
sleep 12   # a second collection, so every host has integrated an interval
for _ in $(seq "$SCRAPES"); do curl -s -o /dev/null -H 'Accept-Encoding: gzip' "127.0.0.1:$EXPORTER_PORT/metrics"; done
hosts=$(curl -s "127.0.0.1:$EXPORTER_PORT/metrics" | awk '/^footprint_hosts /{print $2}')
bytes=$(curl -s "127.0.0.1:$EXPORTER_PORT/metrics" | wc -c)
ms=$(curl -s -o /dev/null -w '%{time_total}' "127.0.0.1:$EXPORTER_PORT/metrics")
echo "hosts=$hosts metrics_bytes=$bytes scrape_seconds=$ms $(grep -E 'VmRSS|VmHWM' /proc/$EXPORTER/status | tr -s ' \t' ' ' | tr '\n' ' ')"
