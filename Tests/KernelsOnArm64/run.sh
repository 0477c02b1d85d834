#!/usr/bin/env bash
# Builds check_kernels.c with the C kernels for arm64 and runs it under qemu, which is how the NEON
# kernels are checked without an arm64 machine; with no argument it also runs the x86-64 build.
# Needs Debian's gcc-aarch64-linux-gnu, libc6-dev-arm64-cross and qemu-user (not the test suite).
set -euo pipefail
cd "$(dirname "$0")"
kernels=../../Sources/TensorGraphKernels
out=$(mktemp -d)
aarch64-linux-gnu-gcc -O2 -I"$kernels/include" check_kernels.c "$kernels"/*.c -lm -o "$out/check-arm64"
qemu-aarch64 -L /usr/aarch64-linux-gnu "$out/check-arm64"
if [[ "${1:-}" != "--arm64-only" ]]; then
    cc -O2 -I"$kernels/include" check_kernels.c "$kernels"/*.c -lm -o "$out/check-x86_64"
    "$out/check-x86_64"
fi
rm -rf "$out"
