#!/usr/bin/env bash
# Fuzzes one input format (or all of them, one after the other) with libFuzzer and AddressSanitizer for SECONDS
# each (default 600), starting from the kept corpus and the recorded fixtures, then merges what was found back
# into a minimal corpus in Fuzz/corpus/TARGET/. Crashers land in Fuzz/regressions/TARGET/, which the test suite
# replays.
#
# usage: scripts/fuzz.sh [TARGET|all] [SECONDS]      (scripts/fuzz.sh SECONDS fuzzes all targets)
# targets: text-parser config prometheus-json carbon-intensity
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ALL=(text-parser config prometheus-json carbon-intensity)

TARGET="${1:-all}"
if [[ "$TARGET" =~ ^[0-9]+$ ]]; then
  SECONDS_TO_RUN="$TARGET"
  TARGET=all
else
  SECONDS_TO_RUN="${2:-600}"
fi
if [[ "$TARGET" == all ]]; then
  TARGETS=("${ALL[@]}")
elif [[ " ${ALL[*]} " == *" $TARGET "* ]]; then
  TARGETS=("$TARGET")
else
  echo "unknown fuzz target '$TARGET'; one of: ${ALL[*]} all" >&2
  exit 2
fi

OUT="$ROOT/.build-fuzz"
# The fuzz executables exist only in this manifest mode and only in their own scratch path. -enable-testing lets
# them reach the internal decoders the product calls; C code (libyaml in Yams) is instrumented for coverage too.
export FOOTPRINT_FUZZ=1
for target in "${TARGETS[@]}"; do
  swift build --package-path "$ROOT" --scratch-path "$OUT" -c release --product "fuzz-$target" \
    -Xswiftc -sanitize=fuzzer,address -Xswiftc -enable-testing -Xcc -fsanitize=fuzzer-no-link,address
done
BIN="$(swift build --package-path "$ROOT" --scratch-path "$OUT" -c release --show-bin-path)"

# Swift's own crash reporter would race libFuzzer's handler and can hang after a sanitizer report.
export SWIFT_BACKTRACE=enable=no

for target in "${TARGETS[@]}"; do
  corpus="$ROOT/Fuzz/corpus/$target"
  regressions="$ROOT/Fuzz/regressions/$target"
  work="$OUT/runs/$target"
  rm -rf "$work"
  mkdir -p "$corpus" "$regressions" "$work/new" "$work/seeds" "$work/merged"
  case "$target" in
    text-parser) max_len=65536 ;;
    config)
      max_len=4096
      # Every YAML example in the README is a seed.
      awk -v dir="$work/seeds" '/^```ya?ml$/ { n++; file = sprintf("%s/readme-%02d.yml", dir, n); next }
        /^```$/ { file = "" } file != "" { print > file }' "$ROOT/README.md"
      ;;
    prometheus-json)
      max_len=16384
      cp "$ROOT"/Tests/Fixtures/prometheus-api/*.json "$work/seeds/"
      ;;
    carbon-intensity)
      max_len=16384
      cp "$ROOT"/Tests/Fixtures/carbon-intensity-uk/*.json "$work/seeds/"
      ;;
  esac
  dictionary=()
  [[ -f "$ROOT/Fuzz/dictionaries/$target.dict" ]] && dictionary=(-dict="$ROOT/Fuzz/dictionaries/$target.dict")
  echo "== $target: fuzzing for $SECONDS_TO_RUN s"
  status=0
  (cd "$work" && "$BIN/fuzz-$target" -max_total_time="$SECONDS_TO_RUN" -max_len="$max_len" -timeout=10 "${dictionary[@]}" \
    -artifact_prefix="$regressions/" "$work/new" "$corpus" "$work/seeds" 2>&1 | tee "$work/log" | tail -n 8) || status=$?
  "$BIN/fuzz-$target" -merge=1 -max_len="$max_len" "$work/merged" "$corpus" "$work/new" "$work/seeds" \
    >"$work/merge.log" 2>&1
  rm -rf "$corpus" && mv "$work/merged" "$corpus"
  echo "$target: $(grep -Eo 'Done [0-9]+ runs in [0-9]+ second' "$work/log" | tail -n 1 || true)," \
    "corpus $(find "$corpus" -type f | wc -l) files, $(cat "$corpus"/* | wc -c) bytes," \
    "regressions $(find "$regressions" -type f | wc -l) files"
  if [[ $status -ne 0 ]]; then
    echo "$target: the fuzzer stopped on a failure; the input is in Fuzz/regressions/$target/" >&2
    exit "$status"
  fi
done
