"""tools/train.py, tools/test.py and tools/dist_train.sh on the synthetic dataset (CPU)."""
import os.path as osp

import numpy as np
from tool_runner import free_port, run_tool, training_log, video_data_options

CONFIG = 'configs/quickstart_synthetic.py'
SMALL = ['model.backbone.base_channels=8', 'model.cls_head.in_channels=64',
         'default_hooks.logger.interval=1', 'train_dataloader.batch_size=8']


def test_training_lowers_the_loss_then_resumes(synthetic_videos, tmp_path):
    work = str(tmp_path / 'work')
    options = video_data_options(synthetic_videos) + SMALL
    run_tool('tools/train.py', CONFIG, '--work-dir', work, '--seed', '0', '--cfg-options',
             *options, 'train_cfg.max_epochs=6', 'param_scheduler.1.T_max=8')
    records = [r for r in training_log(work) if 'loss' in r]
    first = np.mean([r['loss'] for r in records if r['epoch'] == 1])
    last = np.mean([r['loss'] for r in records if r['epoch'] == 6])
    assert last < first - 0.1, f'loss did not fall: epoch 1 {first:.3f}, epoch 6 {last:.3f}'

    out = run_tool('tools/train.py', CONFIG, '--work-dir', work, '--resume', '--cfg-options',
                   *options, 'train_cfg.max_epochs=8', 'param_scheduler.1.T_max=8')
    assert 'resumed epoch: 6, iter: 60' in out
    steps = [r['step'] for r in training_log(work) if 'loss' in r]
    assert steps[-1] == 80 and steps.count(61) == 1  # continued, not restarted
    assert osp.isfile(osp.join(work, 'epoch_8.pth'))

    out = run_tool('tools/test.py', CONFIG, osp.join(work, 'epoch_8.pth'), '--work-dir',
                   str(tmp_path / 'test'), '--cfg-options', *options)
    assert 'final metrics: {"acc/top1"' in out


def test_dist_train_two_processes_on_cpu(synthetic_videos, tmp_path):
    work = str(tmp_path / 'dist')
    out = run_tool('tools/dist_train.sh', CONFIG, '2', '--work-dir', work, '--cfg-options',
                   *video_data_options(synthetic_videos), *SMALL, 'train_cfg.max_epochs=1',
                   env=dict(PORT=str(free_port()), OMP_NUM_THREADS='1'))
    assert 'Distributed training: True' in out and "'backend': 'gloo'" in out
    # 80 videos over 2 ranks at batch 8: 5 iterations per rank and epoch
    assert 'Epoch(train) [1][5/5]' in out
    assert osp.isfile(osp.join(work, 'epoch_1.pth'))
