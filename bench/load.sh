#!/usr/bin/env bash
# Load test of /metrics: a release exporter tracking HOSTS hosts (synthetic Prometheus) under wrk for
# DURATION with CONNECTIONS connections. Prints wrk's latency distribution, errors, RSS before and after,
# and whether collections kept their period during the load. ROUNDS runs of wrk back to back (default 2) tell a
# one-off warm-up (connection threads, allocator arenas) from growth: RSS after the last round should equal the first.
# usage: bench/load.sh [HOSTS] [DURATION] [CONNECTIONS] [ROUNDS]      (needs Debian's wrk)
set -euo pipefail
HOSTS="${1:-1000}"; DURATION="${2:-60s}"; CONNECTIONS="${3:-64}"; ROUNDS="${4:-2}"
PROM_PORT=19491; EXPORTER_PORT=19492
COLLECT_INTERVAL=5s; QUERY_TIMEOUT=30s
command -v wrk >/dev/null || "$(dirname "${BASH_SOURCE[0]}")/../scripts/install-deps.sh" wrk
source "$(dirname "${BASH_SOURCE[0]}")/fleet_exporter.sh"
sleep 6
rss() { awk '/VmRSS/{print $2" kB"}' "/proc/$EXPORTER/status"; }
last() { curl -s "127.0.0.1:$EXPORTER_PORT/metrics" | awk '/^footprint_last_collection_timestamp_seconds /{print $2}'; }
echo "hosts=$HOSTS metrics_bytes=$(curl -s "127.0.0.1:$EXPORTER_PORT/metrics" | wc -c) rss_before=$(rss)"
before=$(last); start=$(date +%s.%N)
for round in $(seq "$ROUNDS"); do
  echo "== round $round"
  wrk -t2 -c"$CONNECTIONS" -d"$DURATION" --latency -H 'Accept-Encoding: gzip' "http://127.0.0.1:$EXPORTER_PORT/metrics" | sed -n '1,20p'
  echo "rss_after_round_$round=$(rss) vmhwm=$(awk '/VmHWM/{print $2" kB"}' /proc/$EXPORTER/status)"
done
after=$(last); end=$(date +%s.%N)
python3 - "$before" "$after" "$start" "$end" <<'PY'
import sys
before, after, start, end = map(float, sys.argv[1:])
print(f"last collection advanced {after - before:.1f} s over {end - start:.1f} s of load (collect_interval 5 s)")
PY
