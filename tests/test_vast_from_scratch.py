"""VAST trained from scratch tells a motion from its time reversal on clips it never saw.

The recipe of ``configs/vast_synthetic.py`` (its backbone options and initialisation, the
temporal mean subtracted, time reversal as a label-changing augmentation) on a small
subset of two time-reversal pairs rendered in memory (left/right and up/down of the shapes
set, converging/diverging and orbiting of the dynamics set): held-out clips in order are classified well
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

# two time-reversal pairs of each motion set: moving left/right, up/down; converging/diverging,
# falling/rising
PAIRS = dict(shapes=(0, 1, 2, 3), dynamics=(0, 1, 4, 5))
# the dynamics set (varied speeds, noise, drifting distractors) wants more clips and steps
CLIPS, STEPS = dict(shapes=64, dynamics=192), dict(shapes=500, dynamics=600)
ARCHS = dict(shapes=dict(embed_dims=16, depths=(1, 1), mlp_ratio=2.),
             dynamics=dict(embed_dims=32, depths=(1, 1), mlp_ratio=2.))


def render(count, split, spec):
    """``count`` clips (every other frame) with the temporal mean subtracted, and labels
    (0-3, a class and its twin side by side)."""
    clips, labels = [], []
    classes = PAIRS[spec.motion_set]
    for i in range(count):
        frames = render_video(classes[i % 4], np.random.default_rng([7, split, i]), spec)[::2]
        clips.append(frames)
        labels.append(i % 4)
    x = torch.from_numpy(np.stack(clips)).float()
    x = (x - x.mean(1, keepdim=True)) / 30  # SubtractTemporalMean, std 30
    return x.permute(0, 4, 1, 2, 3).contiguous(), torch.tensor(labels)


def build(repo_root, **backbone_options):
    """The synthetic config's backbone (init included), by default at a smaller width and
    depth."""
    options = Config.fromfile(osp.join(repo_root, 'configs', 'vast_synthetic.py')).model.backbone
    options = dict(options, arch=dict(embed_dims=16, depths=(1, 1), mlp_ratio=2.))
    options.pop('type')
    options.update(backbone_options)
    backbone = VAST(**options)
    head = TokenNormHead(4, backbone.embed_dims[-1], norm_cfg=None)
    backbone.init_weights()
    head.init_weights()
    return backbone, head


def train(backbone, head, x, y, steps=500, lr=3e-3, batch=16):
    twin = torch.tensor([1, 0, 3, 2])
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
    """Top-1, and how often the label scores above its twin (chance 0.5 for both)."""
    with torch.no_grad():
        scores = head(backbone(x))
    twin = y ^ 1
    rows = torch.arange(len(y))
    return ((scores.argmax(1) == y).float().mean().item(),
            (scores[rows, y] > scores[rows, twin]).float().mean().item())


@pytest.mark.parametrize('motion_set,seed', [('shapes', 0), ('shapes', 1), ('dynamics', 0)])
def test_vast_learns_the_order_of_frames_from_scratch(repo_root, motion_set, seed, one_thread):
    """About 25 s per run on one core. With the ImageNet-style initialisation (truncated
    normal 0.02, zero affine, frame-wise 4x4 patches) the same run stays at chance both ways
    on shapes (0.25 / 0.25 and 0.30 / 0.30 for these seeds)."""
    spec = SyntheticVideoSpec(num_frames=16, height=32, width=32, motion_set=motion_set)
    x, y = render(CLIPS[motion_set], 0, spec)
    held_out, truth = render(40, 1, spec)
    torch.manual_seed(seed)
    backbone, head = build(repo_root, arch=ARCHS[motion_set])
    train(backbone, head, x, y, steps=STEPS[motion_set])
    in_order, pair_in_order = accuracy(backbone, head, held_out, truth)
    reversed_, pair_reversed = accuracy(backbone, head, held_out.flip(2), truth)
    print(f'held-out top-1 in order {in_order:.2f}, reversed {reversed_:.2f}; within a pair '
          f'{pair_in_order:.2f}, reversed {pair_reversed:.2f}')
    assert in_order >= 0.6, f'top-1 {in_order:.2f} on held-out clips in order (chance 0.25)'
    assert pair_in_order >= 0.85, f'{pair_in_order:.2f} within a pair in order (chance 0.5)'
    # the twin label, not the original one, for a clip played backwards
    assert reversed_ <= 0.15, f'top-1 {reversed_:.2f} on held-out clips played backwards'
    assert pair_reversed <= 0.15, f'{pair_reversed:.2f} within a pair, clips played backwards'


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
