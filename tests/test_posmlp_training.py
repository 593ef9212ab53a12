"""A small PosMLP-Video learns the synthetic temporal-order set through tools/train.py."""
import numpy as np
from tool_runner import run_tool, training_log, video_data_options

CONFIG = 'configs/posmlp_synthetic.py'
# the recipe's 8 frames of 32x32 (stage maps 8, 4, 2, 1), 30 epochs
EPOCHS = 30
SMALL = [f'train_cfg.max_epochs={EPOCHS}', f'train_cfg.val_interval={EPOCHS}',
         f'param_scheduler.1.T_max={EPOCHS - 1}', f'param_scheduler.1.end={EPOCHS}',
         'default_hooks.logger.interval=1']


def test_posmlp_learns_the_synthetic_set(synthetic_videos, tmp_path):
    work = str(tmp_path / 'work')
    run_tool('tools/train.py', CONFIG, '--work-dir', work, '--seed', '0', '--cfg-options',
             *video_data_options(synthetic_videos), *SMALL, env=dict(OMP_NUM_THREADS='1'))
    records = [r for r in training_log(work) if 'loss' in r]
    assert len(records) == 10 * EPOCHS  # 80 videos, batch 8
    losses = np.array([r['loss'] for r in records]).reshape(EPOCHS, 10).mean(1)
    accuracy = np.array([r['top1_acc'] for r in records]).reshape(EPOCHS, 10).mean(1)
    assert losses[-1] < 0.5 * losses[0], f'loss did not fall: {losses.round(3)}'
    # training accuracy of the last epoch (augmented clips, train mode) against 10 % chance
    assert accuracy[-1] >= 0.3, f'training accuracy per epoch: {accuracy.round(3)}'
