#!/usr/bin/env bash
# Creates (or refreshes) the project-local environment .venv with the pinned OpenMMLab stack.
# Safe to re-run: a stamp file skips every step when nothing changed.
#   MMVIDEOMLP_VENV=path   environment location (default: <repo>/.venv)
#   MMCV_FULL=1            build mmcv 2.1.0 with its C++ ops (about 8 min on 2 cores) instead of mmcv-lite
#   TORCH_INDEX_URL=url    where torch 2.13.0 comes from (e.g. https://download.pytorch.org/whl/cpu or
#                          .../whl/cu126); by default pip's configured indexes and find-links
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
venv=${MMVIDEOMLP_VENV:-$repo/.venv}
cons=$repo/requirements/constraints.txt
py=${PYTHON:-python3}
stamp=$venv/.mmvideomlp-installed
want=$(cat "$cons" "$repo/requirements/runtime.txt" "$repo/requirements/tests.txt" "$repo/setup.cfg" "$repo/setup.py" | sha1sum | cut -d' ' -f1)-${MMCV_FULL:-0}

# Start-up hook: at every interpreter start in the venv, load mmvideomlp/envhooks.py by path
# (standard library only, without importing the package) and install its lazy import hooks,
# which repair torchvision, mmaction2 and mmcv-lite only when those are imported and broken.
pth_line="import importlib.util as u, os.path as p, sys; s = u.find_spec('mmvideomlp'); \
d = s and s.submodule_search_locations; f = d and p.join(list(d)[0], 'envhooks.py'); \
l = f and p.isfile(f) and u.spec_from_file_location('mmvideomlp.envhooks', f); \
m = l and u.module_from_spec(l); l and l.loader.exec_module(m); \
m and sys.modules.setdefault(l.name, m).install()"
write_pth() {  # (re)writes the .pth when missing or different; existing venvs get it on any run
    local pth
    pth=$("$venv/bin/python" -c 'import sysconfig; print(sysconfig.get_path("purelib"))') || return 1
    pth=$pth/mmvideomlp_envhooks.pth
    [ "$(cat "$pth" 2>/dev/null)" = "$pth_line" ] && return 0
    printf '%s\n' "$pth_line" > "$pth" && echo "[install] wrote $pth"
}

if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && write_pth \
        && "$venv/bin/python" -c 'import mmvideomlp' 2>/dev/null; then
    exit 0
fi
start=$(date +%s)
# pip warns about every configured index that lacks a package; keep real errors only
quiet_pip() { "$@" 2> >(grep -v "is ignored: it is neither a file nor a directory" >&2); }
echo "[install] environment: $venv"
[ -x "$venv/bin/python" ] || "$py" -m venv "$venv"
pip=(quiet_pip "$venv/bin/python" -m pip install -q --disable-pip-version-check -c "$cons")
torch_index=()
[ -n "${TORCH_INDEX_URL:-}" ] && torch_index=(--extra-index-url "$TORCH_INDEX_URL")
"${pip[@]}" "${torch_index[@]}" "torch==2.13.0" "setuptools>=77.0.3,<82" wheel
"${pip[@]}" numpy opencv-python mmengine
# mmcv and mmcv-lite both own the mmcv/ folder: keep exactly one of them
if [ "${MMCV_FULL:-0}" = 1 ]; then
    "$venv/bin/python" -m pip uninstall -q -y mmcv-lite 2>/dev/null || true
    MMCV_WITH_OPS=1 MAX_JOBS=${MAX_JOBS:-2} "${pip[@]}" --no-build-isolation mmcv==2.1.0
else
    "$venv/bin/python" -m pip uninstall -q -y mmcv 2>/dev/null || true
    "${pip[@]}" mmcv-lite==2.1.0
fi
"${pip[@]}" -r "$repo/requirements/runtime.txt"
"${pip[@]}" -r "$repo/requirements/tests.txt"
# mmaction2 declares opencv-contrib-python and unpinned numpy; its real needs are installed above.
"${pip[@]}" --no-deps mmaction2==1.2.0
"${pip[@]}" --no-deps --no-build-isolation -e "$repo"
# the deploy extra (ONNX export, onnxruntime): its own packages only, pinned by the constraints
"${pip[@]}" onnx onnxruntime onnxscript
write_pth
"$venv/bin/python" -c 'import mmvideomlp, mmaction.models, mmpretrain.models, mmseg.models, decord, onnxruntime; print("[install] ok:", mmvideomlp.__version__)'
echo "$want" > "$stamp"
echo "[install] done in $(( $(date +%s) - start )) s"
