#!/usr/bin/env bash
# Creates (or refreshes) the project-local environment .venv with the pinned OpenMMLab stack.
# Safe to re-run: a stamp file skips every step when nothing changed.
#   MMVIDEOMLP_VENV=path   environment location (default: <repo>/.venv)
#   MMCV_FULL=1            build mmcv 2.1.0 with its C++ ops (about 8 min on 2 cores) instead of mmcv-lite
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
venv=${MMVIDEOMLP_VENV:-$repo/.venv}
cons=$repo/requirements/constraints.txt
py=${PYTHON:-python3}
stamp=$venv/.mmvideomlp-installed
want=$(cat "$cons" "$repo/requirements/runtime.txt" "$repo/setup.cfg" "$repo/setup.py" | sha1sum | cut -d' ' -f1)-${MMCV_FULL:-0}

if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && "$venv/bin/python" -c 'import mmvideomlp' 2>/dev/null; then
    exit 0
fi
start=$(date +%s)
echo "[install] environment: $venv"
[ -x "$venv/bin/python" ] || "$py" -m venv "$venv"
pip=("$venv/bin/python" -m pip install -q --disable-pip-version-check -c "$cons")
"${pip[@]}" "torch==2.13.0" "setuptools>=77.0.3,<82" wheel
"${pip[@]}" numpy opencv-python mmengine
if [ "${MMCV_FULL:-0}" = 1 ]; then
    MMCV_WITH_OPS=1 MAX_JOBS=${MAX_JOBS:-2} "${pip[@]}" --no-build-isolation mmcv==2.1.0
else
    "${pip[@]}" mmcv-lite==2.1.0
fi
"${pip[@]}" -r "$repo/requirements/runtime.txt"
# mmaction2 declares opencv-contrib-python and unpinned numpy; its real needs are installed above.
"${pip[@]}" --no-deps mmaction2==1.2.0
"${pip[@]}" --no-deps --no-build-isolation -e "$repo"
"$venv/bin/python" -m mmvideomlp.utils.site_patches
"$venv/bin/python" -c 'import mmvideomlp, mmaction.models, mmpretrain.models, mmseg.models, decord; print("[install] ok:", mmvideomlp.__version__)'
echo "$want" > "$stamp"
echo "[install] done in $(( $(date +%s) - start )) s"
