#!/usr/bin/env bash
# Creates benchmarks/.venv with PyTorch 2.13 (CPU), numpy, scipy, scikit-image, OpenCV (headless) and Pillow from the
# machine's local wheelhouse, for the Python peer scripts and the corruption golden generator. Never a runtime
# dependency of Robustify. Override the wheel folders with ROBUSTIFY_WHEELHOUSE (colon-separated).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="$here/.venv"
if [[ -x "$venv/bin/python" ]] &&
  "$venv/bin/python" -c 'import torch, numpy, scipy, skimage, cv2, PIL' 2>/dev/null; then
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
# Pinned so the set resolves the same everywhere; these versions install together for cp311 (OpenCV 4.14 needs
# numpy >= 2, scikit-image 0.26 scipy >= 1.11.4; OpenCV 4.x rather than 5 keeps the cv2 API the reference used).
"$venv/bin/pip" install -q --no-index "${links[@]}" 'torch==2.13.0+cpu' 'numpy==2.4.6' 'scipy==1.17.1' \
  'scikit-image==0.26.0' 'opencv-python-headless==4.14.0.94' 'pillow==12.3.0' >&2
