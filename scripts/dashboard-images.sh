#!/usr/bin/env bash
# Redraws docs/dashboard-*.png, all five dashboards, from a day of history in a real Prometheus:
#  1. a day of node_exporter series for six workspaces (scripts/dashboard-history.py nodes) and the site's
#     intensity file, backfilled with promtool tsdb create-blocks-from openmetrics;
#  2. the exporter's own `report --format openmetrics` over that day (energy, emissions and busy counters, one
#     point a minute), labelled as the scrape job would label them, and the host gauges derived from the same
#     data (dashboard-history.py gauges), backfilled too; then the recording rules over the day
#     (create-blocks-from rules);
#  3. the exporter running for a few minutes in bridge mode against that Prometheus, scraped as a second
#     instance, for the health dashboard (build, sources, collections);
#  4. scripts/render-dashboard.py draws each dashboard at its panels' gridPos from the same PromQL.
# usage: scripts/dashboard-images.sh      (make dashboard-images; needs prometheus, promtool, python3-matplotlib)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
WORK="$(mktemp -d)"
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT
# Debian's python3-matplotlib belongs to the system Python, which another python3 on the PATH may hide.
PYTHON=
for candidate in python3 /usr/bin/python3; do
  "$candidate" -c 'import matplotlib' 2>/dev/null && { PYTHON=$candidate; break; }
done
[ -n "$PYTHON" ] || { echo "dashboard-images: needs python3-matplotlib" >&2; exit 1; }
BIN="$ROOT/.build/release/footprint_exporter"
[ -x "$BIN" ] || (cd "$ROOT" && make build >/dev/null)

PROM=19489
EXP=19488
BACKFILLED='job="footprint_exporter",instance="footprint-exporter:9877"'
END=$(( $(date +%s) / 60 * 60 ))
START=$(( END - 86400 ))
cd "$WORK"

start_prometheus() {
  prometheus --config.file=prometheus.yml --storage.tsdb.path=data --web.listen-address=127.0.0.1:$PROM \
    --storage.tsdb.retention.time=30d --log.level=warn >>prometheus.log 2>&1 &
  PROMETHEUS_PID=$!
  PIDS+=("$PROMETHEUS_PID")
  for _ in $(seq 1 100); do
    curl -fsS "http://127.0.0.1:$PROM/-/ready" >/dev/null 2>&1 && return 0
    sleep 0.2
  done
  echo "dashboard-images: Prometheus did not start" >&2
  exit 1
}
stop_prometheus() { kill "$PROMETHEUS_PID"; wait "$PROMETHEUS_PID" 2>/dev/null || true; }

cat >prometheus.yml <<YAML
global: {scrape_interval: 15s, evaluation_interval: 1m}
rule_files: ["$ROOT/alerts/footprint_exporter.rules.yml", "$ROOT/alerts/footprint_exporter.alerts.yml"]
scrape_configs:
  - job_name: footprint_exporter
    static_configs: [{targets: ["127.0.0.1:$EXP"]}]
YAML
cat >footprint.yml <<YAML
collect_interval: 60s
source:
  kind: prometheus
  prometheus: {url: "http://127.0.0.1:$PROM", selector: '{job="node"}', attribution_labels: [cloud_project_name, user, machine_name]}
carbon_intensity: {provider: file, file: {path: intensity.csv}}
power:
  default: {cpu_watts_per_core: 12, cpu_idle_watts_per_core: 4, ram_watts: 6, other_watts: 25, pue: 1.3}
  profiles:
    - {name: gpu, match: {machine_name: "Hermes (GPU)"}, other_watts: 120}
YAML

echo "dashboard-images: a day of node history" >&2
python3 "$ROOT/scripts/dashboard-history.py" nodes "$END" 24 node.om intensity.csv
promtool tsdb create-blocks-from openmetrics node.om data >/dev/null
start_prometheus

echo "dashboard-images: the exporter's report over the day" >&2
"$BIN" report --config.file=footprint.yml --from "$START" --to "$END" --step 1m --format openmetrics --output report.om
sed -E "s/^(footprint_[a-z_]+)\\{/\\1{$BACKFILLED,/" report.om > report-labelled.om
python3 "$ROOT/scripts/dashboard-history.py" gauges node.om report.om intensity.csv "$BACKFILLED" gauges.om
stop_prometheus
promtool tsdb create-blocks-from openmetrics report-labelled.om data >/dev/null
promtool tsdb create-blocks-from openmetrics gauges.om data >/dev/null
start_prometheus
echo "dashboard-images: recording rules over the day" >&2
promtool tsdb create-blocks-from rules --start="$START" --end="$END" --eval-interval=10m \
  --url="http://127.0.0.1:$PROM" --output-dir=rules-data "$ROOT/alerts/footprint_exporter.rules.yml" >/dev/null
stop_prometheus
cp -r rules-data/* data/
start_prometheus

echo "dashboard-images: the exporter live for 3 minutes (health dashboard)" >&2
"$BIN" --config.file=footprint.yml --web.listen-address=127.0.0.1:$EXP --storage.path=state.sqlite \
  --log.level=warn >exporter.log 2>&1 &
PIDS+=($!)
sleep 180
NOW=$(date +%s)
# The backfilled instance publishes the same equivalency factors and forecast as the live one: take them from
# the live /metrics, as samples over the day (factors) and over its last minutes (forecast).
curl -fsS "http://127.0.0.1:$EXP/metrics" > live.prom
"$PYTHON" - "$START" "$END" "$BACKFILLED" live.prom extra.om <<'PY'
import sys
start, end, extra, source, target = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5]
families = {"footprint_equivalency_grams_per_unit": range(start, end + 1, 600),
            "footprint_equivalency_joules_per_unit": range(start, end + 1, 600),
            "footprint_grid_carbon_intensity_forecast_min_grams_per_kilowatt_hour": range(end - 240, end + 1, 60),
            "footprint_grid_carbon_intensity_forecast_min_start_timestamp_seconds": range(end - 240, end + 1, 60),
            "footprint_grid_carbon_intensity_forecast_mean_grams_per_kilowatt_hour": range(end - 240, end + 1, 60)}
with open(target, "w") as out:
    for name, times in families.items():
        lines = [line for line in open(source) if line.startswith(name + "{")]
        out.write(f"# TYPE {name} gauge\n")
        for line in lines:
            series, value = line.rstrip("\n").rsplit(" ", 1)
            labels = series[len(name) + 1:]
            for t in times:
                out.write(f"{name}{{{extra},{labels} {value} {t}\n")
    out.write("# EOF\n")
PY
stop_prometheus
promtool tsdb create-blocks-from openmetrics extra.om data >/dev/null
start_prometheus

mkdir -p "$ROOT/docs"
render() { # view, end, range, variables...
  local view=$1 end=$2 range=$3
  shift 3
  "$PYTHON" "$ROOT/scripts/render-dashboard.py" "http://127.0.0.1:$PROM" \
    "$ROOT/grafana/dashboards/footprint_exporter-$view.json" "$ROOT/docs/dashboard-$view.png" \
    --end "$end" --range "$range" --scrape-interval 60 "$@"
}
for view in overview project host; do
  render "$view" "$END" 86400 --var job=footprint_exporter --var instance=footprint-exporter:9877 \
    --note "backfilled from the exporter's report"
done
# The user dashboard as alice would open it (her login matches the user label).
render user "$END" 86400 --var job=footprint_exporter --var instance=footprint-exporter:9877 --var user=alice \
  --note "backfilled from the exporter's report"
render health "$NOW" 600 --var job=footprint_exporter --var "instance=127.0.0.1:$EXP" \
  --note "the exporter running for 3 minutes"
