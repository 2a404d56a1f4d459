#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder's image (Ubuntu).
# Written by `autograder gradescope-bundle` for: @EXERCISES@
# It installs the sandbox's tools (bubblewrap, libseccomp), then the kit from /autograder/source in a
# virtualenv with CPU-only PyTorch and the extras these exercises' checks import: @EXTRAS_NOTE@.
# AUTOGRADER_ROOT, AUTOGRADER_BASE_PYTHON and AUTOGRADER_SKIP_APT exist for the kit's own test of this script.
set -euo pipefail
ROOT="${AUTOGRADER_ROOT:-/autograder}"
BASE_PYTHON="${AUTOGRADER_BASE_PYTHON:-python3}"
export DEBIAN_FRONTEND=noninteractive
if [ -z "${AUTOGRADER_SKIP_APT:-}" ]; then
  apt-get update -qq
  apt-get install -y -qq python3 python3-venv python3-pip bubblewrap libseccomp2 >/dev/null
fi
cd "$ROOT/source"
"$BASE_PYTHON" -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q @TORCH@ --index-url https://download.pytorch.org/whl/cpu
.venv/bin/python -m pip install -q -e '.@EXTRAS@'
.venv/bin/python -m autograder doctor || true
cat <<'SETTINGS'
@SETTINGS@
SETTINGS
