"""A stock mmaction2 config runs in the project's environment without importing mmvideomlp.

mmaction2's own ``tools/train.py`` (shipped in the wheel) trains a tiny ResNet3d + I3DHead
recognizer written in mmaction's config conventions, then resumes it: the Runner's
``collect_env`` imports torchvision, and the resumed checkpoint is read by mmengine's
loader with torch's default ``weights_only=True``. The environment repairs come from the
``.pth`` file that tools/install.sh writes (mmvideomlp/envhooks.py).
"""
import json
import os
import os.path as osp
import subprocess
import sys

import pytest

CONFIG = """
_base_ = ['mmaction::_base_/default_runtime.py']
model = dict(
    type='Recognizer3D',
    backbone=dict(type='ResNet3d', depth=18, base_channels=8, pretrained=None,
                  pretrained2d=False, norm_cfg=dict(type='BN3d', requires_grad=True)),
    cls_head=dict(type='I3DHead', num_classes=10, in_channels=64, spatial_type='avg',
                  average_clips='prob'),
    data_preprocessor=dict(type='ActionDataPreprocessor', mean=[114.75, 114.75, 114.75],
                           std=[57.375, 57.375, 57.375], format_shape='NCTHW'))
pipeline = [
    dict(type='DecordInit'),
    dict(type='SampleFrames', clip_len=4, frame_interval=2, num_clips=1, test_mode=True),
    dict(type='DecordDecode'),
    dict(type='Resize', scale=(32, 32), keep_ratio=False),
    dict(type='FormatShape', input_format='NCTHW'),
    dict(type='PackActionInputs')]
train_dataloader = dict(
    batch_size=5, num_workers=0, sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(type='VideoDataset', ann_file=f'{DATA}/train_list.txt',
                 data_prefix=dict(video=DATA), pipeline=pipeline))
val_dataloader = dict(
    batch_size=5, num_workers=0, sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(type='VideoDataset', ann_file=f'{DATA}/val_list.txt',
                 data_prefix=dict(video=DATA), pipeline=pipeline, test_mode=True))
val_evaluator = dict(type='AccMetric')
train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=MAX_EPOCHS, val_interval=1)
val_cfg = dict(type='ValLoop')
optim_wrapper = dict(optimizer=dict(type='SGD', lr=0.01, momentum=0.9))
param_scheduler = [dict(type='MultiStepLR', by_epoch=True, milestones=[1], gamma=0.1)]
default_hooks = dict(checkpoint=dict(interval=1, save_best='auto'), logger=dict(interval=1))
"""

# run mmaction's train.py as ``python tools/train.py`` would, then report what was imported
DRIVER = """
import runpy, sys
import mmaction
script = mmaction.__path__[0] + '/.mim/tools/train.py'
sys.argv = [script] + sys.argv[1:]
runpy.run_path(script, run_name='__main__')
mods = {m.split('.')[0] for m in sys.modules if m.startswith(('mmvideomlp', 'torchvision'))
        and m != 'mmvideomlp.envhooks'}  # the start-up hooks (.pth) are not the package
print('IMPORTED', sorted(mods), 'mmvideomlp.envhooks' in sys.modules)
"""


# every checkpoint of the run, through mmengine's loader (torch's default weights_only=True)
LOAD_ALL = """
import glob, sys
from mmengine.runner.checkpoint import _load_checkpoint
for path in sorted(glob.glob(sys.argv[1] + '/*.pth')):
    ckpt = _load_checkpoint(path, map_location='cpu')
    info = ckpt['message_hub']['runtime_info']
    print(path.rsplit('/', 1)[1], ckpt['meta']['epoch'], type(info.get('best_score')).__name__)
print('IMPORTED', sorted(m for m in sys.modules if m.startswith('mmvideomlp')))
"""


def _python(*args):
    env = {k: v for k, v in os.environ.items() if k != 'TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD'}
    env['PYTHONWARNINGS'] = 'ignore'
    proc = subprocess.run([sys.executable, '-c', *args], env=env, capture_output=True, text=True,
                          timeout=300)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out[-6000:]
    return out


def _train(cfg_file, work_dir, *extra):
    return _python(DRIVER, cfg_file, '--work-dir', work_dir, *extra)


def _config(tmp_path, data, max_epochs):
    text = f'DATA = {data!r}\nMAX_EPOCHS = {max_epochs}\n' + CONFIG
    path = tmp_path / f'tiny_i3d_{max_epochs}.py'
    path.write_text(text)
    return str(path)


@pytest.fixture(scope='module')
def tiny_videos(tmp_path_factory):
    from mmvideomlp.datasets import SyntheticVideoSpec, make_synthetic_videos
    root = str(tmp_path_factory.mktemp('tiny'))
    spec = SyntheticVideoSpec(videos_per_class=dict(train=1, val=1), num_frames=8,
                              height=32, width=32)
    make_synthetic_videos(root, spec, seed=0, progress=False)
    return root


def test_stock_recognizer_trains_and_resumes_without_mmvideomlp(tiny_videos, tmp_path):
    work = str(tmp_path / 'work')
    out = _train(_config(tmp_path, tiny_videos, 1), work)
    # collect_env imported torchvision; the package itself is never imported
    assert "IMPORTED ['torchvision'] True" in out
    assert 'TorchVision: 0.28' in out
    assert osp.isfile(osp.join(work, 'epoch_1.pth'))

    out = _train(_config(tmp_path, tiny_videos, 2), work, '--resume')
    assert 'resumed epoch: 1, iter: 2' in out
    assert "IMPORTED ['torchvision'] True" in out
    logs = [json.loads(line) for log in sorted(os.listdir(work)) if log[:2].isdigit()
            for line in open(osp.join(work, log, 'vis_data', 'scalars.json'))]
    steps = [r['step'] for r in logs if 'loss' in r]
    assert steps == [1, 2, 3, 4], steps  # epoch 2 continued from the checkpoint
    assert osp.isfile(osp.join(work, 'epoch_2.pth'))

    out = _python(LOAD_ALL, work)
    # the best accuracy in the message hub is a numpy scalar
    assert 'best_acc_top1_epoch_' in out
    assert 'epoch_1.pth 1 float64' in out and 'epoch_2.pth 2 float64' in out
    assert "IMPORTED ['mmvideomlp.envhooks']" in out
