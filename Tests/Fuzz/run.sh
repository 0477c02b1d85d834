#!/usr/bin/env bash
# Builds the libFuzzer targets (the graph loader, JSON and binary protobuf, with shape inference;
# the text GraphDef reader; the .npy reader; the checkpoint reader, index and data) with Swift's
# -sanitize=fuzzer,address and runs each for SECONDS (default 300)
# from the seed corpus in Tests/Fuzz/corpus. New crashes are written to Tests/Fuzz/crashes/; each
# becomes a regular test.
#
#   bash Tests/Fuzz/run.sh [SECONDS]          (TARGETS="fuzz-checkpoint" runs only the ones named)
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds=${1:-300}
mkdir -p Tests/Fuzz/crashes
for target in ${TARGETS:-fuzz-graph fuzz-pbtxt fuzz-npy fuzz-checkpoint}; do
    swift build -c release --scratch-path .build-fuzz --product "$target" \
        -Xswiftc -sanitize=fuzzer,address -Xswiftc -DFUZZING 2>&1 | grep -v "warning: Cannot export" | tail -1
    work=$(mktemp -d)
    cp "Tests/Fuzz/corpus/${target#fuzz-}/"* "$work/"
    echo "== $target for ${seconds}s"
    ".build-fuzz/release/$target" "$work" -max_total_time="$seconds" -max_len=65536 -rss_limit_mb=4096 \
        -artifact_prefix="Tests/Fuzz/crashes/$target-" 2>&1 | grep -E "^(#[0-9]+ +DONE|Done|==.*ERROR|SUMMARY|stat::)" || true
    rm -rf "$work"
done
