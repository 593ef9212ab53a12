"""Run the project's command-line tools in subprocesses, as a user would."""
import glob
import json
import os
import os.path as osp
import socket
import subprocess
import sys

REPO = osp.dirname(osp.dirname(osp.abspath(__file__)))


def run_tool(*args, timeout=600, env=None, check=True):
    """Run ``python <args>`` (or a ``.sh`` script with bash) from the repository root."""
    cmd = ['bash', *args] if args[0].endswith('.sh') else [sys.executable, *args]
    full_env = dict(os.environ, PYTHONWARNINGS='ignore', PYTHON=sys.executable, **(env or {}))
    proc = subprocess.run(cmd, cwd=REPO, env=full_env, capture_output=True, text=True,
                          timeout=timeout)
    output = proc.stdout + proc.stderr
    if check and proc.returncode != 0:
        raise AssertionError(f'{" ".join(cmd)} failed ({proc.returncode}):\n{output[-6000:]}')
    return output


def video_data_options(root, workers=0):
    """--cfg-options pointing a video config's three dataloaders at a synthetic folder."""
    options = []
    for split in ('train', 'val', 'test'):
        key = f'{split}_dataloader'
        options += [f'{key}.dataset.ann_file={root}/{split}_list.txt',
                    f'{key}.dataset.data_prefix.video={root}',
                    f'{key}.num_workers={workers}',
                    f'{key}.persistent_workers=False']
    return options


def training_log(work_dir):
    """Per-iteration training records (``loss``, ``epoch``, ``step``...) of the latest run."""
    files = sorted(glob.glob(osp.join(work_dir, '*', 'vis_data', 'scalars.json')))
    assert files, f'no training log under {work_dir}'
    records = []
    for path in files:
        with open(path) as f:
            records += [json.loads(line) for line in f if line.strip()]
    return records


def free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]
