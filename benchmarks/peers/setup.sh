#!/usr/bin/env bash
# Creates benchmarks/.venv with PyTorch 2.13 (CPU) and numpy from the machine's local wheelhouse, for the Python
# peer scripts. Never a runtime dependency of Robustify. Override the wheel folders with ROBUSTIFY_WHEELHOUSE
# (colon-separated).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="$here/.venv"
if [[ -x "$venv/bin/python" ]] && "$venv/bin/python" -c 'import torch, numpy' 2>/dev/null; then
  exit 0
fi
IFS=: read -r -a dirs <<< "${ROBUSTIFY_WHEELHOUSE:-/opt/wheels:/opt/pypi/files:/opt/pypi-more/files}"
links=()
for d in "${dirs[@]}"; do [[ -d "$d" ]] && links+=(--find-links "$d"); done
if ((${#links[@]} == 0)); then
  echo "peers/setup.sh: no wheelhouse found (set ROBUSTIFY_WHEELHOUSE)" >&2
  exit 1
fi
python3 -m venv "$venv"
"$venv/bin/pip" install -q --no-index "${links[@]}" 'torch==2.13.0+cpu' numpy >&2
