"""A small PosMLP-Video learns the synthetic temporal-order set through tools/train.py."""
import numpy as np
from tool_runner import run_tool, training_log, video_data_options

CONFIG = 'configs/posmlp_synthetic.py'
# 32x32 frames (stage maps 8, 4, 2, 1 with windows 4, 4, 2, 1), 16 frames, 10 epochs
SMALL = []
for split in ('train', 'val'):
    key = 'train_dataloader' if split == 'train' else 'val_dataloader'
    SMALL += [f'{key}.dataset.pipeline.3.scale=(-1,32)',
              f'{key}.dataset.pipeline.4.' + ('size=32' if split == 'train' else 'crop_size=32')]
SMALL += ['model.backbone.arch.window_sizes=[4,4,2,1]', 'train_cfg.max_epochs=10',
          'train_cfg.val_interval=10', 'param_scheduler.1.T_max=10',
          'optim_wrapper.optimizer.lr=0.004', 'default_hooks.logger.interval=1']


def test_posmlp_learns_the_synthetic_set(synthetic_videos, tmp_path):
    work = str(tmp_path / 'work')
    run_tool('tools/train.py', CONFIG, '--work-dir', work, '--seed', '0', '--cfg-options',
             *video_data_options(synthetic_videos), *SMALL, env=dict(OMP_NUM_THREADS='1'))
    records = [r for r in training_log(work) if 'loss' in r]
    assert len(records) == 100  # 80 videos, batch 8, 10 epochs
    losses = np.array([r['loss'] for r in records]).reshape(10, 10).mean(1)
    accuracy = np.array([r['top1_acc'] for r in records]).reshape(10, 10).mean(1)
    assert losses[-1] < 0.5 * losses[0], f'loss did not fall: {losses.round(3)}'
    # training accuracy of the last epoch against 10 % chance
    assert accuracy[-1] >= 0.6, f'training accuracy per epoch: {accuracy.round(3)}'
