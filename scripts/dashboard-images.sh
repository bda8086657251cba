#!/usr/bin/env bash
# Regenerates docs/dashboard-*.png: runs real node_exporters, Prometheus (with the rules in alerts/) and the
# exporter on loopback for DURATION seconds, then draws the dashboards' panels from Prometheus' answers.
# usage: scripts/dashboard-images.sh [DURATION]      (make dashboard-images)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DURATION="${1:-180}"
WORK="$(mktemp -d)"
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT
python3 -c 'import matplotlib' 2>/dev/null || python3 -m pip install --quiet matplotlib
(cd "$ROOT" && swift build -c release --product footprint_exporter >/dev/null)
BIN="$(cd "$ROOT" && swift build -c release --product footprint_exporter --show-bin-path)/footprint_exporter"

N1=19411; N2=19412; N3=19413; PROM=19419; EXP=19418
for port in $N1 $N2 $N3; do
  prometheus-node-exporter --web.listen-address=127.0.0.1:$port --collector.disable-defaults \
    --collector.cpu --collector.meminfo --collector.stat >/dev/null 2>&1 & PIDS+=($!)
done
cat >"$WORK/prometheus.yml" <<YAML
global: {scrape_interval: 5s, evaluation_interval: 5s}
rule_files: ["$ROOT/alerts/footprint_exporter.rules.yml", "$ROOT/alerts/footprint_exporter.alerts.yml"]
scrape_configs:
  - job_name: node
    static_configs:
      - {targets: ["127.0.0.1:$N1"], labels: {cloud_project_name: isis, user: jane.doe, machine_name: "Artemis (Matlab)"}}
      - {targets: ["127.0.0.1:$N2"], labels: {cloud_project_name: astro, user: alice, machine_name: "Ceres (GPU)"}}
      - {targets: ["127.0.0.1:$N3"], labels: {cloud_project_name: astro, user: bob, machine_name: "Artemis (Matlab)"}}
  - job_name: footprint_exporter
    static_configs: [{targets: ["127.0.0.1:$EXP"]}]
YAML
prometheus --config.file="$WORK/prometheus.yml" --storage.tsdb.path="$WORK/data" \
  --web.listen-address=127.0.0.1:$PROM --log.level=warn & PIDS+=($!)
cat >"$WORK/footprint.yml" <<YAML
collect_interval: 5s
source:
  kind: prometheus
  prometheus: {url: "http://127.0.0.1:$PROM", attribution_labels: [cloud_project_name, user, machine_name]}
carbon_intensity: {providers: [file, static], file: {path: intensity.csv}, static_grams_per_kwh: 180}
power:
  default: {cpu_watts_per_core: 12, cpu_idle_watts_per_core: 4, ram_watts: 6, other_watts: 25, pue: 1.3}
  profiles:
    - {name: gpu, match: {machine_name: "Ceres (GPU)"}, other_watts: 120}
YAML
# A site intensity file for the next day, so the forecast panels have something to show: a dip at +6 h.
python3 - "$WORK/intensity.csv" <<'PY'
import sys, time
start = int(time.time() // 1800 * 1800)
rows = [f"{start + i * 1800},{95 if 12 <= i <= 14 else 190 + (i * 7) % 40}" for i in range(60)]
open(sys.argv[1], "w").write("start,grams_per_kwh\n" + "\n".join(rows) + "\n")
PY
"$BIN" --config.file="$WORK/footprint.yml" --web.listen-address=127.0.0.1:$EXP --storage.path="$WORK/state.sqlite" --log.level=warn & PIDS+=($!)
echo "collecting for $DURATION s ..." >&2
# Some CPU work so that busy energy is not zero.
timeout "$((DURATION / 3))" sh -c 'while :; do :; done' &
sleep "$DURATION"
mkdir -p "$ROOT/docs"
for view in overview user host; do
  python3 "$ROOT/scripts/render-dashboard.py" "http://127.0.0.1:$PROM" \
    "$ROOT/grafana/dashboards/footprint_exporter-$view.json" "$ROOT/docs/dashboard-$view.png" --range-seconds "$DURATION" --scrape-interval 5
done
