#!/usr/bin/env bash
# Installs every build, test and benchmark dependency of fraudkit from Debian 12 packages.
# Idempotent: packages already present are skipped by apt. Works as root; uses sudo otherwise.
set -euo pipefail

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null 2>&1 || { echo "setup.sh: run as root or install sudo" >&2; exit 1; }
  SUDO="sudo"
fi

# Build toolchain and C++ libraries (see README "Dependencies" for why each one is here).
BUILD_PKGS=(
  build-essential cmake pkg-config
  libeigen3-dev nlohmann-json3-dev libcli11-dev libfast-float-dev zlib1g-dev
  libgtest-dev libgmock-dev libbenchmark-dev
)
# The oracle for parity tests and the peer for benchmarks: Debian's scikit-learn stack.
PEER_PKGS=(
  python3 python3-numpy python3-scipy python3-pandas
  python3-sklearn python3-imblearn python3-xgboost
)

missing=()
for p in "${BUILD_PKGS[@]}" "${PEER_PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "setup.sh: all packages present"
  exit 0
fi

echo "setup.sh: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
