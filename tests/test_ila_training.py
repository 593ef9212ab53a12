"""A short training of the tiny synthetic ILA (text head over the class names) that learns."""
import os.path as osp

import torch
from mmengine.config import Config
from mmengine.runner import Runner

REPO = osp.dirname(osp.dirname(osp.abspath(__file__)))


def test_tiny_ila_learns_synthetic_temporal_order(synthetic_videos, tmp_path, one_thread):
    cfg = Config.fromfile(osp.join(REPO, 'configs', 'ila_synthetic.py'))
    epochs = 16
    cfg.work_dir = str(tmp_path)
    cfg.randomness = dict(seed=0, deterministic=False)
    cfg.model.cls_head.class_names = osp.join(synthetic_videos, 'label_map.txt')
    cfg.model.cls_head.mit_frames = 8
    for split, loader in (('train', 'train_dataloader'), ('val', 'val_dataloader'),
                          ('train', 'test_dataloader')):  # test = accuracy on the training set
        dl = cfg[loader]
        dl.num_workers, dl.persistent_workers = 0, False
        dl.dataset.ann_file = osp.join(synthetic_videos, f'{split}_list.txt')
        dl.dataset.data_prefix = dict(video=synthetic_videos)
        dl.dataset.data_root = synthetic_videos
        dl.dataset.pipeline[1].update(clip_len=8, frame_interval=2)  # 8 ordered frames
    cfg.train_cfg.update(max_epochs=epochs, val_interval=epochs)
    cfg.param_scheduler[1].update(T_max=epochs, end=epochs)
    cfg.default_hooks.logger.interval = 10
    cfg.default_hooks.checkpoint = dict(type='CheckpointHook', interval=epochs, save_best=None)
    cfg.visualizer.vis_backends = [dict(type='LocalVisBackend')]

    runner = Runner.from_cfg(cfg)
    runner.train()
    scalars = runner.message_hub.log_scalars
    losses = scalars['train/loss_cls'].data[0]
    assert 'train/loss_align' in scalars
    first, last = losses[:10].mean(), losses[-10:].mean()
    assert last < first - 0.3, (first, last)
    metrics = runner.test()
    assert metrics['acc/top1'] >= 0.3, metrics  # chance is 0.1
    torch.testing.assert_close(torch.tensor(runner.model.backbone.jitter_scale), torch.tensor(0.2))
    assert any(type(hook).__name__ == 'ILAJitterHook' for hook in runner.hooks)
