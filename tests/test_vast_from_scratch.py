"""VAST trained from scratch tells a motion from its time reversal on clips it never saw.

The recipe of ``configs/vast_synthetic.py`` (its backbone options and initialisation, the
temporal mean subtracted, time reversal as a label-changing augmentation) on a small
left/right/up/down subset rendered in memory: held-out clips in order are classified well
above chance (0.25), and the same clips played backwards get the twin label, so the
original one almost never.
"""
import math
import os.path as osp

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from mmengine.config import Config

from mmvideomlp.datasets import SyntheticVideoSpec, render_video
from mmvideomlp.models.backbones.vast import VAST
from mmvideomlp.models.heads import TokenNormHead

CLASSES = (0, 1, 2, 3)  # moving left, right, up, down: two time-reversal pairs


def render(count, split, spec):
    """``count`` clips (every other frame) with the temporal mean subtracted, and labels."""
    clips, labels = [], []
    for i in range(count):
        label = CLASSES[i % len(CLASSES)]
        frames = render_video(label, np.random.default_rng([7, split, i]), spec)[::2]
        clips.append(frames)
        labels.append(CLASSES.index(label))
    x = torch.from_numpy(np.stack(clips)).float()
    x = (x - x.mean(1, keepdim=True)) / 30  # SubtractTemporalMean, std 30
    return x.permute(0, 4, 1, 2, 3).contiguous(), torch.tensor(labels)


def build(repo_root, **backbone_options):
    """The synthetic config's backbone (init included) at a smaller width and depth."""
    options = Config.fromfile(osp.join(repo_root, 'configs', 'vast_synthetic.py')).model.backbone
    options = dict(options, arch=dict(embed_dims=16, depths=(1, 1), mlp_ratio=2.))
    options.pop('type')
    options.update(backbone_options)
    backbone = VAST(**options)
    head = TokenNormHead(len(CLASSES), backbone.embed_dims[-1], norm_cfg=None)
    backbone.init_weights()
    head.init_weights()
    return backbone, head


def train(backbone, head, x, y, steps=500, lr=3e-3, batch=16):
    twin = torch.tensor([CLASSES.index(c ^ 1) for c in CLASSES])
    params = [*backbone.parameters(), *head.parameters()]
    optimizer = torch.optim.AdamW(params, lr=lr, weight_decay=0.)
    for step in range(steps):
        idx = torch.randint(0, len(x), (batch, ))
        clips, labels = x[idx], y[idx]
        flip = torch.rand(batch) < 0.5  # time reversal: the twin class
        clips = torch.where(flip[:, None, None, None, None], clips.flip(2), clips)
        labels = torch.where(flip, twin[labels], labels)
        warmup = min(1., (step + 1) / 10)
        for group in optimizer.param_groups:
            group['lr'] = lr * warmup * 0.5 * (1 + math.cos(math.pi * step / steps))
        loss = F.cross_entropy(head(backbone(clips)), labels)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()


def accuracy(backbone, head, x, y):
    with torch.no_grad():
        return (head(backbone(x)).argmax(1) == y).float().mean().item()


@pytest.mark.parametrize('seed', [0, 1])
def test_vast_learns_the_order_of_frames_from_scratch(repo_root, seed, one_thread):
    """About 25 s per seed on one core. With the ImageNet-style initialisation (truncated
    normal 0.02, zero affine, frame-wise patches) the same run stays at chance both ways
    (0.25 / 0.25 and 0.30 / 0.30 for these seeds)."""
    spec = SyntheticVideoSpec(num_frames=16, height=32, width=32)
    x, y = render(64, 0, spec)
    held_out, truth = render(40, 1, spec)
    torch.manual_seed(seed)
    backbone, head = build(repo_root)
    train(backbone, head, x, y)
    in_order = accuracy(backbone, head, held_out, truth)
    reversed_ = accuracy(backbone, head, held_out.flip(2), truth)
    print(f'held-out top-1 in order {in_order:.2f}, reversed {reversed_:.2f}')
    assert in_order >= 0.7, f'top-1 {in_order:.2f} on held-out clips in order (chance 0.25)'
    # the twin label, not the original one, for a clip played backwards
    assert reversed_ <= 0.15, f'top-1 {reversed_:.2f} on held-out clips played backwards'


def test_affine_init_std_starts_near_the_identity():
    from mmvideomlp.models.layers.affine_shift import build_affine
    affine = build_affine('token', 64, init_std=0.1)
    affine.init_weights()
    assert abs(affine.proj.weight.std().item() - 0.1) < 0.01  # truncated at 2 std
    assert affine.proj.bias.abs().max() == 0
    zero = build_affine('token', 64)
    zero.init_weights()
    assert zero.proj.weight.abs().max() == 0
    with pytest.raises(ValueError, match='affine_init_std must be a number >= 0, got -1'):
        build_affine('token', 64, init_std=-1)


def test_temporal_patch_embedding_loads_image_weights():
    """AST weights in a VAST with 3x4x4 patches (centre inflation) and no temporal shift give
    the AST features of every frame; the patch kernel must be odd to keep the frames."""
    from mmvideomlp.models.backbones.vast import AffineShiftTransformer
    from mmvideomlp.models.layers.stem import ConvDownsample
    arch = dict(embed_dims=16, depths=(1, 1), mlp_ratio=2.)
    torch.manual_seed(0)
    ast = AffineShiftTransformer(arch, affine_init_std=0.1)
    ast.init_weights()
    vast = VAST(arch, patch_temporal_size=3, temporal_shift_ratio=0.)
    report = vast.load_checkpoint(dict(state_dict=ast.state_dict()))
    assert report.complete
    assert tuple(vast.patch_embed.proj.weight.shape[2:]) == (3, 4, 4)
    video = torch.randn(2, 3, 5, 32, 32)
    with torch.no_grad():
        frames = torch.stack([ast(video[:, :, t])[0] for t in range(5)], dim=2)
        torch.testing.assert_close(vast(video), frames, rtol=1e-4, atol=1e-4)
    with pytest.raises(ValueError, match='temporal_kernel must be an odd int >= 1'):
        ConvDownsample(3, 8, kernel_size=4, stride=4, temporal_kernel=2)
