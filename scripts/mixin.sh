#!/usr/bin/env bash
# Generates alerts/*.yml and grafana/dashboards/*.json from mixin/ (jsonnet), or checks that the committed
# files equal a fresh generation byte for byte.
#   scripts/mixin.sh generate   write the files in place
#   scripts/mixin.sh check      generate into a temporary folder and compare; exit 1 on any difference
set -euo pipefail
cd "$(dirname "$0")/.."
command -v jsonnet >/dev/null || { echo "mixin: jsonnet is missing (Debian package jsonnet)" >&2; exit 1; }

generate() { # $1: folder for the rule files, $2: folder for the dashboards
  mkdir -p "$1" "$2"
  jsonnet -S -m "$1" mixin/rules.jsonnet >/dev/null
  jsonnet -S -m "$2" mixin/dashboards.jsonnet >/dev/null
}

case "${1:-}" in
  generate)
    generate alerts grafana/dashboards
    ;;
  check)
    scratch=$(mktemp -d)
    trap 'rm -rf "$scratch"' EXIT
    generate "$scratch/alerts" "$scratch/dashboards"
    status=0
    for file in "$scratch"/alerts/*; do
      cmp -s "$file" "alerts/$(basename "$file")" || { echo "mixin: alerts/$(basename "$file") differs" >&2; status=1; }
    done
    # Every dashboard in the folder must come from the mixin, and each must be unchanged.
    diff <(cd "$scratch/dashboards" && ls) <(cd grafana/dashboards && ls) >&2 || status=1
    for file in "$scratch"/dashboards/*; do
      cmp -s "$file" "grafana/dashboards/$(basename "$file")" ||
        { echo "mixin: grafana/dashboards/$(basename "$file") differs" >&2; status=1; }
    done
    if [ "$status" -ne 0 ]; then
      echo "mixin: the generated files are out of date; run 'make mixin' and commit the result" >&2
      exit 1
    fi
    # jsonnetfmt ships with jsonnet; the sources stay in its layout.
    jsonnetfmt --test mixin/*.jsonnet mixin/*.libsonnet mixin/*/*.libsonnet ||
      { echo "mixin: run jsonnetfmt -i on the files above" >&2; exit 1; }
    echo "mixin: alerts/ and grafana/dashboards/ match mixin/"
    ;;
  *)
    echo "usage: $0 generate|check" >&2
    exit 2
    ;;
esac
