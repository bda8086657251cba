#!/usr/bin/env bash
# Sharding a bridge over a large fleet: a synthetic Prometheus of HOSTS hosts whose targets carry their shard of
# SHARDS (as a hashmod relabel rule sets it), then one release exporter at a time: unsharded, replica 0 hashing
# the host label itself, and replica 0 selecting shard_label. For each, after its second collection: hosts
# served, the collection's duration, the /metrics size, resident and peak memory.
# usage: bench/shards.sh [HOSTS] [SHARDS]
set -euo pipefail
HOSTS="${1:-100000}"; SHARDS="${2:-4}"
PROM_PORT=19393; EXPORTER_PORT=19394
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# The binary `make build` makes and the package ships, as in fleet_exporter.sh.
make -C "$ROOT" --no-print-directory build >/dev/null
BIN="$ROOT/.build/release/footprint_exporter"
TMP="$(mktemp -d)"; FAKE=""; EXPORTER=""
trap 'kill $FAKE $EXPORTER 2>/dev/null; rm -rf "$TMP"' EXIT
python3 "$ROOT/bench/fleet_prometheus.py" "$PROM_PORT" "$HOSTS" "$SHARDS" & FAKE=$!
sleep 2

metric() { curl -s "127.0.0.1:$EXPORTER_PORT/metrics" | awk -v name="$1" 'index($0, name) == 1 {print $2; exit}'; }

run() { # NAME SHARD_YAML SHARD_LABEL_YAML
  cat >"$TMP/config.yml" <<YAML
collect_interval: 60s
source:
  kind: prometheus
  prometheus: {url: "http://127.0.0.1:$PROM_PORT", attribution_labels: [cloud_project_name, user, machine_name], timeout: 120s$3}
carbon_intensity: {provider: static, static_grams_per_kwh: 180}
power: {measured: {enabled: false}}
$2
YAML
  rm -f "$TMP/state.sqlite"*
  "$BIN" --config.file="$TMP/config.yml" --web.listen-address="127.0.0.1:$EXPORTER_PORT" --storage.path="$TMP/state.sqlite" \
    --log.level=warn & EXPORTER=$!
  until curl -sf "127.0.0.1:$EXPORTER_PORT/-/ready" >/dev/null; do sleep 0.5; done
  first=$(metric footprint_last_collection_timestamp_seconds)
  until [ "$(metric footprint_last_collection_timestamp_seconds)" != "$first" ]; do sleep 1; done
  hosts=$(metric 'footprint_hosts ')
  seconds=$(metric 'footprint_source_duration_seconds{source="prometheus"}')
  bytes=$(curl -s "127.0.0.1:$EXPORTER_PORT/metrics" | wc -c)
  memory=$(grep -E 'VmRSS|VmHWM' "/proc/$EXPORTER/status" | tr -s ' \t' ' ' | tr '\n' ' ')
  echo "$1: hosts=$hosts collection_seconds=$seconds metrics_bytes=$bytes $memory"
  kill "$EXPORTER"; wait "$EXPORTER" 2>/dev/null || true; EXPORTER=""
}

run "unsharded" "" ""
run "replica 0 of $SHARDS, hashing the host label" "shard: {count: $SHARDS, index: 0}" ""
run "replica 0 of $SHARDS, shard_label" "shard: {count: $SHARDS, index: 0}" ", shard_label: footprint_shard"
