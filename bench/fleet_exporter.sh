# Sourced by the bench scripts: builds the release exporter and starts it in bridge mode against a synthetic
# Prometheus of HOSTS hosts on PROM_PORT, serving on EXPORTER_PORT with its state store in a temporary folder,
# collecting every COLLECT_INTERVAL, queries timing out after QUERY_TIMEOUT. Returns once the first collection
# has finished; both processes and the folder go when the calling script exits. Sets ROOT, TMP, FAKE, EXPORTER.
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# The binary `make build` makes and the package ships (the Swift runtime linked statically), so the figures are
# those of what an operator runs.
make -C "$ROOT" --no-print-directory build >/dev/null
BIN="$ROOT/.build/release/footprint_exporter"
TMP="$(mktemp -d)"; FAKE=""; EXPORTER=""
trap 'kill $FAKE $EXPORTER 2>/dev/null; rm -rf "$TMP"' EXIT
python3 "$ROOT/bench/fleet_prometheus.py" "$PROM_PORT" "$HOSTS" & FAKE=$!
cat >"$TMP/config.yml" <<YAML
collect_interval: $COLLECT_INTERVAL
source: {kind: prometheus, prometheus: {url: "http://127.0.0.1:$PROM_PORT", attribution_labels: [cloud_project_name, user, machine_name], timeout: $QUERY_TIMEOUT}}
carbon_intensity: {provider: static, static_grams_per_kwh: 180}
YAML
sleep 1
"$BIN" --config.file="$TMP/config.yml" --web.listen-address="127.0.0.1:$EXPORTER_PORT" --storage.path="$TMP/state.sqlite" --log.level=warn & EXPORTER=$!
until curl -sf "127.0.0.1:$EXPORTER_PORT/-/ready" >/dev/null; do sleep 0.3; done
