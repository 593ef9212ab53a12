"""Each family, trained from scratch, tells a motion from its time reversal on clips it never
saw.

The backbone options and initialisation of the family's ``configs/<family>_synthetic.py`` at a
smaller width, on a subset of two time-reversal pairs rendered in memory (left/right and
up/down of the shapes set, converging/diverging and falling/rising of the dynamics set), 8
frames (every other of 16) of 32x32 with the temporal mean subtracted, time reversal as a
label-changing augmentation: held-out clips in order are classified well above chance (0.25),
and the same clips played backwards get the twin label, so the original one almost never.
"""
import math
import os.path as osp

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from mmaction.registry import MODELS
from mmengine.config import Config
from mmengine.registry import init_default_scope

from mmvideomlp.datasets import SyntheticVideoSpec, render_video
from mmvideomlp.models.heads import TokenNormHead

# two time-reversal pairs of each motion set: moving left/right, up/down; converging/diverging,
# falling/rising
PAIRS = dict(shapes=(0, 1, 2, 3), dynamics=(0, 1, 4, 5))
# the dynamics set (varied speeds, noise, drifting distractors) wants more clips and steps
CLIPS, STEPS = dict(shapes=64, dynamics=192), dict(shapes=500, dynamics=600)
# backbone options besides the arch: the clips' 8 frames where the config is built for 16
OPTIONS = dict(posmlp=dict(num_frames=8))
SMALL_ARCHS = dict(
    vast=dict(shapes=dict(embed_dims=16, depths=(1, 1), mlp_ratio=2.),
              dynamics=dict(embed_dims=32, depths=(1, 1), mlp_ratio=2.)),
    posmlp=dict(shapes=dict(embed_dims=[16, 32], depths=[1, 1], window_sizes=[8, 4],
                            groups=[4, 8], mlp_ratios=2, block_types='parallel'),
                dynamics=dict(embed_dims=[32, 64], depths=[1, 1], window_sizes=[8, 4],
                              groups=[4, 8], mlp_ratios=2, block_types='parallel')),
)


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


def build(repo_root, family, arch):
    """The family's synthetic-config backbone (its initialisation included) with ``arch``,
    and a 4-class head."""
    init_default_scope('mmaction')
    config = osp.join(repo_root, 'configs', f'{family}_synthetic.py')
    options = dict(Config.fromfile(config).model.backbone, arch=arch, **OPTIONS.get(family, {}))
    backbone = MODELS.build(options)
    backbone.init_weights()
    head = TokenNormHead(4, backbone.embed_dims[-1], norm_cfg=None)
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
    backbone.eval()
    with torch.no_grad():
        scores = head(backbone(x))
    twin = y ^ 1
    rows = torch.arange(len(y))
    return ((scores.argmax(1) == y).float().mean().item(),
            (scores[rows, y] > scores[rows, twin]).float().mean().item())


CASES = [('vast', 'shapes', 0), ('vast', 'shapes', 1), ('vast', 'dynamics', 0),
         ('posmlp', 'shapes', 0), ('posmlp', 'dynamics', 0)]


@pytest.mark.parametrize('family,motion_set,seed', CASES)
def test_learns_the_order_of_frames_from_scratch(repo_root, family, motion_set, seed,
                                                 one_thread):
    """About 25 s per run on one core."""
    spec = SyntheticVideoSpec(num_frames=16, height=32, width=32, motion_set=motion_set)
    x, y = render(CLIPS[motion_set], 0, spec)
    held_out, truth = render(40, 1, spec)
    torch.manual_seed(seed)
    backbone, head = build(repo_root, family, SMALL_ARCHS[family][motion_set])
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
