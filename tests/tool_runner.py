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


def video_data_options(root, workers=0, lists=None):
    """--cfg-options pointing a video config's three dataloaders at a synthetic folder
    (annotation lists from ``lists`` when given)."""
    options = []
    for split in ('train', 'val', 'test'):
        key = f'{split}_dataloader'
        options += [f'{key}.dataset.data_root={root}',
                    f'{key}.dataset.ann_file={lists or root}/{split}_list.txt',
                    f'{key}.dataset.data_prefix.video={root}',
                    f'{key}.num_workers={workers}',
                    f'{key}.persistent_workers=False']
    return options


def video_subset_options(root, lists, count=10, source=None):
    """:func:`video_data_options` on the first ``count`` videos of each split of ``root``,
    or of split ``source`` for all three (a set to fit and check the fit on); the lists
    are written to the folder ``lists``."""
    for split in ('train', 'val', 'test'):
        with open(osp.join(root, f'{source or split}_list.txt')) as f:
            rows = f.readlines()[:count]
        with open(osp.join(lists, f'{split}_list.txt'), 'w') as f:
            f.writelines(rows)
    return video_data_options(root, lists=lists)


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
