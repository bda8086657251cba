#!/usr/bin/env bash
# Checks every file in examples/: exporter configurations with `footprint_exporter check-config`, the web
# configuration with --web.config.file (against a throwaway key and certificate, since it names TLS files),
# and prometheus.yml with `promtool check config` (which also reads its rule files and file_sd files).
#   scripts/check-examples.sh [BINARY]   default: .build/release/footprint_exporter, else .build/debug/
set -euo pipefail
cd "$(dirname "$0")/.."
binary=${1:-}
if [ -z "$binary" ]; then
  for candidate in .build/release/footprint_exporter .build/debug/footprint_exporter; do
    [ -x "$candidate" ] && { binary=$candidate; break; }
  done
fi
[ -n "$binary" ] && [ -x "$binary" ] || { echo "examples: no footprint_exporter binary; run swift build" >&2; exit 1; }
command -v promtool >/dev/null || { echo "examples: promtool is missing (Debian package prometheus)" >&2; exit 1; }
command -v openssl >/dev/null || { echo "examples: openssl is missing" >&2; exit 1; }

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

# The check must be able to fail: a configuration with an unknown key is refused.
printf 'collect_interval: 60s\nno_such_key: 1\n' > "$scratch/broken.yml"
if "$binary" check-config "$scratch/broken.yml" >/dev/null 2>&1; then
  echo "examples: check-config accepted a configuration with an unknown key" >&2
  exit 1
fi

checked=0
for file in examples/*.yml; do
  case "$(basename "$file")" in
    prometheus.yml | web-config.yml) continue ;;
  esac
  if ! output=$("$binary" check-config "$file" 2>&1 >/dev/null); then
    echo "examples: $file: $output" >&2
    exit 1
  fi
  echo "examples: $file passes check-config"
  checked=$((checked + 1))
done

# The web configuration names tls/server.crt and tls/server.key next to it, as its comment describes.
cp examples/web-config.yml "$scratch/web-config.yml"
mkdir -p "$scratch/tls"
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=localhost \
  -keyout "$scratch/tls/server.key" -out "$scratch/tls/server.crt" 2>/dev/null
if ! output=$("$binary" check-config --web.config.file "$scratch/web-config.yml" 2>&1 >/dev/null); then
  echo "examples: examples/web-config.yml: $output" >&2
  exit 1
fi
echo "examples: examples/web-config.yml passes check-config --web.config.file"

promtool check config examples/prometheus.yml >/dev/null
echo "examples: examples/prometheus.yml passes promtool check config"
echo "examples: $((checked + 2)) files checked"
