#!/usr/bin/env bash
# Fuzzes the exposition text parser with libFuzzer for SECONDS (default 600), starting from the kept corpus,
# then merges what it found back into a minimal corpus. Crashers land in Fuzz/regressions/text-parser/,
# which the test suite replays.
# usage: scripts/fuzz.sh [SECONDS]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SECONDS_TO_RUN="${1:-600}"
OUT="$ROOT/.build-fuzz"
mkdir -p "$OUT" "$OUT/new-corpus"
swiftc -O -sanitize=fuzzer,address -parse-as-library -module-name PromText \
  "$ROOT/Fuzz/TextParserFuzz.swift" "$ROOT"/Sources/PromText/*.swift -o "$OUT/text-parser-fuzzer"
cd "$OUT"
./text-parser-fuzzer -max_total_time="$SECONDS_TO_RUN" -max_len=65536 -timeout=10 \
  -artifact_prefix="$ROOT/Fuzz/regressions/text-parser/" "$OUT/new-corpus" "$ROOT/Fuzz/corpus/text-parser" 2>&1 | tail -n 25
mkdir -p "$OUT/merged"
./text-parser-fuzzer -merge=1 "$OUT/merged" "$ROOT/Fuzz/corpus/text-parser" "$OUT/new-corpus" 2>&1 | tail -n 2
rm -rf "$ROOT/Fuzz/corpus/text-parser" && mv "$OUT/merged" "$ROOT/Fuzz/corpus/text-parser"
echo "corpus: $(ls "$ROOT/Fuzz/corpus/text-parser" | wc -l) files"
