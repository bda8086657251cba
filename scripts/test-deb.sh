#!/usr/bin/env bash
# Builds the Debian package and checks it: its fields and contents (dpkg-deb -I/-f/-c), the unit's hardening,
# the packaged binary (--version, --help, check-config of the packaged configuration, a short serve on a
# loopback port answering /metrics), systemd-analyze verify of the unit where systemd is installed, and
# `make install` into a staging folder.
#   scripts/test-deb.sh [BINARY]   default: the release build if present, else the debug build
set -euo pipefail
cd "$(dirname "$0")/.."

binary=${1:-}
if [ -z "$binary" ]; then
  # A release build takes minutes; reuse whichever build exists rather than making one for the test.
  for candidate in .build/release/footprint_exporter .build/debug/footprint_exporter; do
    [ -x "$candidate" ] && { binary=$candidate; break; }
  done
fi
[ -n "$binary" ] || { echo "deb test: no footprint_exporter binary; run swift build" >&2; exit 1; }
echo "deb test: packaging $binary"

scratch=$(mktemp -d)
server_pid=
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
  rm -rf "$scratch"
}
trap cleanup EXIT
fail() { echo "deb test: $*" >&2; exit 1; }

# gzip rather than make deb's xz: the same package, built in a fraction of the time.
BINARY=$binary OUTPUT=$scratch DEB_COMPRESSION=gzip scripts/package.sh deb
version=$("$binary" --version | awk '{ print $2 }')
arch=$(dpkg --print-architecture)
deb="$scratch/footprint-exporter_${version}_${arch}.deb"
[ -f "$deb" ] || fail "no $deb"

# Fields.
[ "$(dpkg-deb -f "$deb" Package)" = footprint-exporter ] || fail "Package field"
[ "$(dpkg-deb -f "$deb" Version)" = "$version" ] || fail "Version field"
[ "$(dpkg-deb -f "$deb" Architecture)" = "$arch" ] || fail "Architecture field"
depends=$(dpkg-deb -f "$deb" Depends)
grep -q libcurl <<< "$depends" || fail "Depends lacks libcurl: $depends"
# grep reads captured text: with pipefail, grep -q leaving a pipe early would fail the producer.
conffiles=$(dpkg-deb -I "$deb" conffiles)

# Contents.
contents=$(dpkg-deb -c "$deb" | awk '{ print $NF }')
for path in ./usr/bin/footprint_exporter ./etc/footprint_exporter/footprint_exporter.yml \
  ./etc/default/footprint_exporter ./lib/systemd/system/footprint_exporter.service \
  ./usr/share/man/man1/footprint_exporter.1.gz ./usr/share/bash-completion/completions/footprint_exporter \
  ./usr/share/zsh/vendor-completions/_footprint_exporter \
  ./usr/share/fish/vendor_completions.d/footprint_exporter.fish \
  ./usr/share/footprint_exporter/alerts/footprint_exporter.rules.yml \
  ./usr/share/footprint_exporter/grafana/dashboards/footprint_exporter-overview.json \
  ./usr/share/footprint_exporter/examples/prometheus.yml; do
  grep -qxF "$path" <<< "$contents" || fail "$path is missing from the package"
done
dpkg-deb -c "$deb" | awk '$2 != "root/root" { bad = 1 } END { exit bad }' || fail "files not owned by root"
grep -qx /etc/footprint_exporter/footprint_exporter.yml <<< "$conffiles" || fail "config not a conffile"
grep -qx /etc/default/footprint_exporter <<< "$conffiles" || fail "default file not a conffile"

root="$scratch/root"
dpkg-deb -x "$deb" "$root"

# The unit's hardening, line by line.
unit="$root/lib/systemd/system/footprint_exporter.service"
for line in DynamicUser=yes StateDirectory=footprint_exporter ProtectSystem=strict NoNewPrivileges=yes \
  ProtectHome=yes PrivateTmp=yes CapabilityBoundingSet= Restart=on-failure \
  'ExecReload=/bin/kill -HUP $MAINPID' 'ExecStart=/usr/bin/footprint_exporter $ARGS' \
  'EnvironmentFile=-/etc/default/footprint_exporter'; do
  grep -qxF "$line" "$unit" || fail "the unit lacks '$line'"
done
# The state file named in the default file lies in the unit's state directory.
grep -q '^ARGS=.*--storage.path=/var/lib/footprint_exporter/' "$root/etc/default/footprint_exporter" ||
  fail "the default file's --storage.path is not in /var/lib/footprint_exporter"
grep -q -- '--config.file=/etc/footprint_exporter/footprint_exporter.yml' "$root/etc/default/footprint_exporter" ||
  fail "the default file does not name the packaged configuration"

if command -v systemd-analyze >/dev/null; then
  # verify resolves ExecStart on the running system, so it is pointed at the unpacked binary; the man page
  # (Documentation=) is checked below from the package itself.
  sed "s|^ExecStart=/usr/bin/|ExecStart=$root/usr/bin/|" "$unit" > "$scratch/footprint_exporter.service"
  if ! output=$(SYSTEMD_LOG_LEVEL=warning systemd-analyze verify --man=no "$scratch/footprint_exporter.service" 2>&1); then
    fail "systemd-analyze verify: $output"
  fi
  # Messages about other units on this machine are not ours; ours must be silent.
  if grep -F footprint_exporter.service <<< "$output"; then fail "systemd-analyze verify warned"; fi
  echo "deb test: systemd-analyze verify passed"
else
  echo "deb test: notice: systemd-analyze is not installed; the unit was not verified"
fi

# The man page and completions are not empty and name the serving flags.
manual=$(zcat "$root/usr/share/man/man1/footprint_exporter.1.gz")
grep -q 'web.listen-address' <<< "$manual" ||
  fail "the man page lacks --web.listen-address"
grep -q 'footprint_exporter' "$root/usr/share/bash-completion/completions/footprint_exporter" ||
  fail "bash completion is empty"

# The packaged binary runs.
packaged="$root/usr/bin/footprint_exporter"
[ "$("$packaged" --version | awk '{ print $1, $2 }')" = "footprint_exporter $version" ] || fail "--version"
"$packaged" check-config "$root/etc/footprint_exporter/footprint_exporter.yml" >/dev/null ||
  fail "the packaged configuration fails check-config"
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$packaged" --config.file="$root/etc/footprint_exporter/footprint_exporter.yml" \
  --web.listen-address="127.0.0.1:$port" --storage.path="$scratch/state/" \
  > "$scratch/serve.log" 2>&1 &
server_pid=$!
ready=
for _ in $(seq 1 100); do
  if curl -fsS "http://127.0.0.1:$port/-/ready" >/dev/null 2>&1; then ready=1; break; fi
  kill -0 "$server_pid" 2>/dev/null || break
  sleep 0.2
done
[ -n "$ready" ] || fail "the packaged binary did not become ready: $(tail -5 "$scratch/serve.log")"
metrics=$(curl -fsS "http://127.0.0.1:$port/metrics")
grep -q '^footprint_exporter_build_info{' <<< "$metrics" || fail "/metrics lacks footprint_exporter_build_info"
# Power needs two readings (a minute apart by default); the counters exist from the first.
grep -q '^footprint_host_energy_joules_total{' <<< "$metrics" || fail "/metrics lacks footprint_host_energy_joules_total"
kill "$server_pid"
wait "$server_pid" 2>/dev/null || true
server_pid=
[ -s "$scratch/state/footprint_exporter.sqlite" ] || fail "no state file in the --storage.path directory"
echo "deb test: the packaged binary served /metrics on 127.0.0.1:$port"

# make install with a prefix and a staging folder.
make -s install BINARY="$binary" PREFIX=/opt/footprint DESTDIR="$scratch/stage" >/dev/null
for path in bin/footprint_exporter share/man/man1/footprint_exporter.1.gz lib/systemd/system/footprint_exporter.service \
  etc/default/footprint_exporter etc/footprint_exporter/footprint_exporter.yml; do
  [ -e "$scratch/stage/opt/footprint/$path" ] || fail "make install did not install $path"
done
grep -qxF 'ExecStart=/opt/footprint/bin/footprint_exporter $ARGS' \
  "$scratch/stage/opt/footprint/lib/systemd/system/footprint_exporter.service" || fail "installed unit's ExecStart"
echo "deb test: $(basename "$deb") and make install passed"
