#!/usr/bin/env bash
# The arm64 proof of the 'arm' backend: its unit tests and the ONNX node tests of its operators, run by the official
# arm64 Node binary — under qemu-aarch64-static on other hosts (set up by arm64-env.sh), natively on an arm64 host.
# Relaxed SIMD is enabled (--experimental-wasm-relaxed-simd through scripts/relaxed-simd.mjs, Node 20), so the
# SDOT-style dot-product kernels run and are checked; the unit tests also run the plain SIMD kernels. Builds this package and its dependencies first (turbo
# caches); tests and the conformance runner then run from TypeScript source through tsx.
set -euo pipefail

PACKAGE="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ROOT="$(cd "$PACKAGE/../.." && pwd)"
cd "$ROOT"

if [ "$(uname -m)" = "aarch64" ]; then
  NODE_ARM64=(node)
else
  read -r -a NODE_ARM64 <<<"$(bash "$PACKAGE/scripts/arm64-env.sh")"
  # tsx compiles TypeScript with esbuild's native binary; an arm64 Node would look for the arm64 one, so point it
  # at the host's (qemu-user runs an x86-64 child process natively).
  ESBUILD_BINARY_PATH="$(cd "$PACKAGE" && node -e "
    const { createRequire } = require('module');
    const tsx = createRequire(require.resolve('tsx/package.json'));
    const esbuild = createRequire(tsx.resolve('esbuild/package.json'));
    console.log(esbuild.resolve('@esbuild/' + process.platform + '-' + process.arch + '/bin/esbuild'));
  ")"
  export ESBUILD_BINARY_PATH
fi
FLAGS=(--import "$PACKAGE/scripts/relaxed-simd.mjs")

echo "== building (host)"
pnpm exec turbo run build --filter=@onnx-ts/backend-arm... --output-logs=errors-only

echo "== arm64 Node"
"${NODE_ARM64[@]}" "${FLAGS[@]}" -e "console.log('process.arch: ' + process.arch + ', Node ' + process.version + ', ' + require('os').cpus().length + ' cpus')"

echo "== backend-arm unit tests on arm64"
(cd "$PACKAGE" && ARM_EXPECT_ARCH=arm64 ARM_EXPECT_RELAXED=1 "${NODE_ARM64[@]}" "${FLAGS[@]}" --conditions=source --import tsx "$ROOT/node_modules/uvu/bin.js" test '\.test\.ts$')

echo "== ONNX node tests of the backend's operators on arm64"
"${NODE_ARM64[@]}" "${FLAGS[@]}" --conditions=source --import tsx packages/cli/src/index.ts conformance --backend arm --check --workers 1 \
  --filter '^test_(qlinear|matmulinteger|convinteger|dynamicquantize|quantizelinear|dequantizelinear)'
