#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder image (Ubuntu).
# It installs the kit from /autograder/source with CPU-only PyTorch, and the sandbox's tools.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq python3 python3-venv python3-pip bubblewrap libseccomp2 >/dev/null
cd /autograder/source
python3 -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q torch torchvision --index-url https://download.pytorch.org/whl/cpu
.venv/bin/python -m pip install -q -e .
.venv/bin/autograder doctor || true
