#!/usr/bin/env bash
# One command from a fresh clone to a trained and evaluated video model:
#   1. install the pinned environment into .venv (skipped when already there)
#   2. generate the embedded synthetic temporal-order dataset into data/synthetic
#   3. train the quickstart model with tools/train.py (mmaction2 Recognizer3D)
#   4. evaluate the best checkpoint with tools/test.py, frames in order and time-reversed
#   5. classify a held-out synthetic video and the real demo/demo.mp4, printing the top-5 labels
# Override with QUICKSTART_CONFIG, QUICKSTART_WORK_DIR, QUICKSTART_DATA.
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"
start=$(date +%s)
config=${QUICKSTART_CONFIG:-configs/quickstart_synthetic.py}
work_dir=${QUICKSTART_WORK_DIR:-work_dirs/quickstart}
data=${QUICKSTART_DATA:-data/synthetic}

bash tools/install.sh
source tools/_python.sh
export PYTHONWARNINGS=ignore

echo "[quickstart] synthetic dataset in $data"
"$PYTHON" tools/data/make_synthetic_videos.py "$data" --skip-existing
data_opts=()
if [ "$data" != data/synthetic ]; then
    for split in train val test; do
        data_opts+=("${split}_dataloader.dataset.ann_file=$data/${split}_list.txt"
                    "${split}_dataloader.dataset.data_prefix.video=$data")
    done
fi

echo "[quickstart] training $config (logs in $work_dir)"
rm -rf "$work_dir" && mkdir -p "$work_dir"
"$PYTHON" tools/train.py "$config" --work-dir "$work_dir" --seed 0 \
    ${data_opts:+--cfg-options "${data_opts[@]}"} > "$work_dir.train.log" 2>&1 || {
    tail -40 "$work_dir.train.log"; echo "[quickstart] training failed"; exit 1; }
grep -E "Epoch\(val\)" "$work_dir.train.log" | tail -3 || true
best=$(ls -t "$work_dir"/best_*.pth 2>/dev/null | head -1)
[ -n "$best" ] || best=$(cat "$work_dir/last_checkpoint")

evaluate() {
    "$PYTHON" tools/test.py "$config" "$best" --work-dir "$work_dir/test" \
        --metrics-json "$work_dir/$1.json" "${@:2}" \
        ${data_opts:+--cfg-options "${data_opts[@]}"} > "$work_dir/$1.log" 2>&1 || {
        tail -40 "$work_dir/$1.log"; echo "[quickstart] testing failed"; exit 1; }
    "$PYTHON" -c "import json,sys; print(f\"{json.load(open(sys.argv[1]))['acc/top1']:.4f}\")" \
        "$work_dir/$1.json"
}
top1=$(evaluate test_in_order)
top1_rev=$(evaluate test_time_reversed --time-reversed)

held_out=$data/$(head -1 "$data/test_list.txt" | cut -d' ' -f1)
for video in "$held_out" demo/demo.mp4; do
    "$PYTHON" tools/demo.py "$video" "$config" "$best" --label-map "$data/label_map.txt" 2>/dev/null \
        | grep -v -e "^Loads checkpoint" -e " - mmengine - WARNING - "
done

echo "[quickstart] checkpoint: $best"
echo "[quickstart] test top-1 (frames in order):     $top1"
echo "[quickstart] test top-1 (frames time-reversed): $top1_rev"
echo "[quickstart] finished in $(( $(date +%s) - start )) s"
