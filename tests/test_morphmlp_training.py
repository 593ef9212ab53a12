"""MorphMLP learns on the synthetic temporal-order set: tools/train.py, and frame order."""
import os.path as osp

import decord
import numpy as np
import torch
from tool_runner import run_tool, training_log, video_subset_options

CONFIG = 'configs/morphmlp_synthetic.py'


def test_synthetic_config_fits_through_tools_train(synthetic_videos, tmp_path):
    """The synthetic recipe through tools/train.py on ten videos, without the random
    label-changing augmentations (reversal, flips) so that 30 iterations can fit them."""
    from mmengine.config import Config
    pipeline = Config.fromfile(CONFIG).train_dataloader.dataset.pipeline
    switches = dict(ReverseFrameOrder='prob', LabelMappedFlip='flip_ratio')
    no_aug = [f'train_dataloader.dataset.pipeline.{i}.{switches[step.type]}=0'
              for i, step in enumerate(pipeline) if step.type in switches]
    assert len(no_aug) == 3
    # one training video per class, used for training and validation: a set to fit
    ten_videos = video_subset_options(synthetic_videos, str(tmp_path), source='train')
    options = ten_videos + no_aug + [
        'train_dataloader.batch_size=10', 'val_dataloader.batch_size=10',
        'train_cfg.max_epochs=30', 'train_cfg.val_interval=30', 'default_hooks.logger.interval=1',
        'param_scheduler.1.T_max=29', 'param_scheduler.1.end=30']
    work = str(tmp_path / 'work')
    out = run_tool('tools/train.py', CONFIG, '--work-dir', work, '--seed', '0', '--cfg-options',
                   *options)
    losses = [r['loss'] for r in training_log(work) if 'loss' in r]
    assert len(losses) == 30
    first, last = np.mean(losses[:3]), np.mean(losses[-3:])
    assert last < first - 1.0, f'loss did not fall: {first:.3f} -> {last:.3f}'
    top1 = [r['acc/top1'] for r in training_log(work) if 'acc/top1' in r][-1]
    assert top1 >= 0.6, f'top-1 {top1} on the fitted videos (chance 0.1)\n{out[-2000:]}'


def test_synthetic_recipe_transforms():
    """The symmetries of the synthetic set as augmentations, and the static-content removal."""
    from mmvideomlp.datasets.transforms import ReverseFrameOrder, SubtractTemporalMean
    reverse = ReverseFrameOrder(prob=1., label_map={6: 7, 7: 6})
    out = reverse(dict(frame_inds=np.arange(4), clip_len=4, label=6))
    assert list(out['frame_inds']) == [3, 2, 1, 0] and out['label'] == 7
    keep = ReverseFrameOrder(prob=0., label_map={6: 7})(dict(frame_inds=np.arange(4),
                                                          clip_len=4, label=6))
    assert list(keep['frame_inds']) == [0, 1, 2, 3] and keep['label'] == 6
    imgs = [np.full((2, 3, 3), v, np.uint8) for v in (10, 20, 30, 40, 0, 0, 0, 8)]
    out = SubtractTemporalMean()(dict(imgs=imgs, clip_len=4))  # two clips of 4 frames
    assert out['imgs'].dtype == np.float32
    assert [float(f[0, 0, 0]) for f in out['imgs']] == [-15, -5, 5, 15, -2, -2, -2, 6]


def test_morphmlp_tells_a_clip_from_its_reversal(synthetic_videos):
    """Ten clips and the same clips played backwards with the twin labels: only the order of
    frames separates the pairs, and a small MorphMLP fits them."""
    from mmvideomlp.models.backbones.morphmlp import MorphMLP
    from mmvideomlp.models.heads import TokenNormHead
    with open(osp.join(synthetic_videos, 'train_list.txt')) as f:
        rows = [line.split() for line in f.readlines()[:10]]
    clips = [decord.VideoReader(osp.join(synthetic_videos, p)).get_batch(list(range(16))).asnumpy()
             for p, _ in rows]
    x = (torch.from_numpy(np.stack(clips)).float()[:, :, 4:60, 4:60] - 127.5) / 58
    x = x.permute(0, 4, 1, 2, 3)  # (N, C, T, H, W)
    y = torch.tensor([int(label) for _, label in rows])
    x, y = torch.cat([x, x.flip(2)]), torch.cat([y, y ^ 1])  # reversed clips, twin labels

    torch.manual_seed(0)
    arch = dict(embed_dims=[16, 32, 64, 64], depths=[1, 1, 1, 1], chunk_lengths=[4, 4, 4, 4],
                mlp_ratio=2)
    backbone = MorphMLP(arch, num_frames=16)
    head = TokenNormHead(10, 64)
    backbone.init_weights()
    head.init_weights()
    optimizer = torch.optim.AdamW([*backbone.parameters(), *head.parameters()], lr=3e-3,
                                  weight_decay=0)
    for _ in range(60):
        loss = torch.nn.functional.cross_entropy(head(backbone(x)), y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    with torch.no_grad():
        accuracy = (head(backbone(x)).argmax(1) == y).float().mean().item()
    assert accuracy >= 0.9, f'fitted {accuracy:.2f} of 20 clips; the pairs differ only in order'
