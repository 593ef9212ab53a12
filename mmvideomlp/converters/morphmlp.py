"""Official MorphMLP video checkpoints (https://github.com/MTLab/MorphMLP) → this package.

The official code names its modules as our backbone does, so conversion is a prefix change
plus validation:

* ``patch_embed*``/``blocks*`` → ``backbone.*``; ``norm`` → ``cls_head.norm``; ``head`` →
  ``cls_head.fc_cls`` (:class:`TokenNormHead`).
* Depths, widths, per-stage MLP ratios, the biases of the token-mixing FCs (``QKV_BIAS``),
  classes and the frame count are read from the shapes and checked against the official
  structure (a released "S" checkpoint once held B weights, and the official loader skips
  mismatched keys without a word). A 32-frame checkpoint is recognised by the 448-wide
  stage-3 ``t_fc.mlp_t`` of its 392-channel stage. Chunk lengths (``SEGMENT_DIM``) leave no
  trace in the shapes: they default to the official 14, 28, 28, 49.

Matching the result against the backbone's arch zoo is the backbone's business
(:func:`mmvideomlp.models.backbones.morphmlp.convert_official_checkpoint`).
"""
import math
import os
import re
from collections import OrderedDict

import torch

from ..weights.io import unwrap_state_dict

OFFICIAL_CHUNK_LENGTHS = (14, 28, 28, 49)
_BLOCK = re.compile(r'^blocks(\d)\.(\d+)\.(.+)$')
_STEM_KERNEL = 'patch_embed1.proj1.weight'


def is_official_layout(state_dict):
    """Whether a flat state dict is an official (whole-network) MorphMLP one: stem at the
    top level together with the official head or final norm."""
    return _STEM_KERNEL in state_dict and ('head.weight' in state_dict
                                           or 'norm.weight' in state_dict)


def expected_official_shapes(embed_dims, depths, num_classes, temporal_dims, in_channels=3,
                             mlp_ratios=3, mixing_bias=True):
    """Key → shape of an official MorphMLP video state dict.

    Args:
        embed_dims, depths (list[int]): Widths and depths of the 4 stages.
        num_classes (int): Classes of ``head``.
        temporal_dims (list[int]): Width of each stage's ``t_fc.mlp_t``.
        in_channels (int): Input channels of the stem.
        mlp_ratios (float | list[float]): Hidden/width ratio of the channel MLPs
            (``int(C * ratio)`` hidden units, as the official code).
        mixing_bias (bool): Biases of ``t_fc.mlp_t`` and ``fc.mlp_{h,w,c}`` (``QKV_BIAS``).
    """
    if not isinstance(mlp_ratios, (list, tuple)):
        mlp_ratios = [mlp_ratios] * len(embed_dims)
    shapes = OrderedDict()
    c0 = embed_dims[0]
    shapes['patch_embed1.proj1.weight'] = (c0 // 2, in_channels, 3, 3, 3)
    shapes['patch_embed1.proj1.bias'] = (c0 // 2, )
    for name, dims in (('norm1', c0 // 2), ('norm2', c0)):
        for p in ('weight', 'bias', 'running_mean', 'running_var'):
            shapes[f'patch_embed1.{name}.{p}'] = (dims, )
        shapes[f'patch_embed1.{name}.num_batches_tracked'] = ()
        if name == 'norm1':
            shapes['patch_embed1.proj2.weight'] = (c0, c0 // 2, 1, 3, 3)
            shapes['patch_embed1.proj2.bias'] = (c0, )
    stages = zip(embed_dims, depths, temporal_dims, mlp_ratios)
    for s, (c, depth, dt, ratio) in enumerate(stages, start=1):
        if s > 1:
            shapes[f'patch_embed{s}.proj.weight'] = (c, embed_dims[s - 2], 1, 3, 3)
            shapes[f'patch_embed{s}.proj.bias'] = (c, )
            shapes[f'patch_embed{s}.norm.weight'] = (c, )
            shapes[f'patch_embed{s}.norm.bias'] = (c, )
        hidden = int(c * ratio)
        branches = ('mlp_c', 'mlp_h') if s == 4 else ('mlp_h', 'mlp_w', 'mlp_c')
        mixing = {'t_fc.mlp_t'} | {f'fc.{b}' for b in branches}
        for j in range(depth):
            p = f'blocks{s}.{j}.'
            layers = [('norm1', None), ('t_norm1', None), ('t_fc.mlp_t', (dt, dt)),
                      ('t_fc.proj', (c, c))] + [(f'fc.{b}', (c, c)) for b in branches] + [
                          ('fc.reweight.fc1', (c // 4, c)),
                          ('fc.reweight.fc2', (c * len(branches), c // 4)),
                          ('fc.proj', (c, c)), ('norm2', None), ('mlp.fc1', (hidden, c)),
                          ('mlp.fc2', (c, hidden))]
            for name, weight in layers:
                shapes[p + name + '.weight'] = weight or (c, )
                if mixing_bias or name not in mixing:
                    shapes[p + name + '.bias'] = (weight[0], ) if weight else (c, )
    shapes['norm.weight'] = (embed_dims[-1], )
    shapes['norm.bias'] = (embed_dims[-1], )
    shapes['head.weight'] = (num_classes, embed_dims[-1])
    shapes['head.bias'] = (num_classes, )
    return shapes


def _mlp_ratio(hidden, channels):
    """The ratio that gives ``int(channels * ratio) == hidden``, as simple as possible."""
    ratio = hidden / channels
    if ratio == int(ratio):
        return int(ratio)
    if int(channels * ratio) != hidden:  # rounded below: the next float up
        ratio = math.nextafter(ratio, math.inf)
    return ratio


def inspect_official(state_dict):
    """Read the architecture of an official video state dict from its shapes.

    Returns:
        dict: ``embed_dims``, ``depths``, ``mlp_ratios``, ``mixing_bias``,
        ``temporal_dims`` (widths of ``t_fc.mlp_t`` per stage), ``num_classes`` and
        ``in_channels``.
    """
    if _STEM_KERNEL not in state_dict:
        raise KeyError(f'not an official MorphMLP video checkpoint: {_STEM_KERNEL} is missing '
                       f'(first keys: {list(state_dict)[:5]})')
    stem = state_dict[_STEM_KERNEL]
    if stem.dim() != 5 or stem.shape[2] != 3:
        raise ValueError(f'{_STEM_KERNEL} has shape {tuple(stem.shape)}; an official video '
                         'checkpoint has a (C/2, 3, 3, 3, 3) kernel')
    depths = [0] * 4
    for key in state_dict:
        m = _BLOCK.match(key)
        if m:
            s, j = int(m.group(1)), int(m.group(2))
            if not 1 <= s <= 4:
                raise ValueError(f'unexpected stage in key {key!r}')
            depths[s - 1] = max(depths[s - 1], j + 1)
    if min(depths) == 0:
        raise ValueError(f'official MorphMLP checkpoint without blocks in some stage: depths '
                         f'read from the keys are {depths}')

    def width(key, dim=0):
        if key not in state_dict:
            raise KeyError(f'official MorphMLP checkpoint without {key}')
        return state_dict[key].shape[dim]

    embed_dims = [width(f'blocks{s}.0.norm1.weight') for s in range(1, 5)]
    temporal_dims = [width(f'blocks{s}.0.t_fc.mlp_t.weight') for s in range(1, 5)]
    mlp_ratios = [_mlp_ratio(width(f'blocks{s}.0.mlp.fc1.weight'), c)
                  for s, c in enumerate(embed_dims, start=1)]
    return dict(embed_dims=embed_dims, depths=depths, mlp_ratios=mlp_ratios,
                mixing_bias='blocks1.0.fc.mlp_h.bias' in state_dict,
                temporal_dims=temporal_dims, num_classes=width('head.weight'),
                in_channels=stem.shape[1])


def official_video_arch(info, num_frames=None, chunk_lengths=OFFICIAL_CHUNK_LENGTHS):
    """The ``MorphMLP`` arch dict and frame count of the model :func:`inspect_official`
    describes.

    The official classes use ``tokens = num_frames / 2`` and ``temporal_dims = tokens *
    C / groups``; without ``num_frames`` the 16-frame class is assumed unless a stage has
    ``temporal_dims != C`` (the 32-frame class at 392 channels).

    Returns:
        tuple: ``(num_frames, arch)``.
    """
    dims, tdims = info['embed_dims'], info['temporal_dims']
    chunk_lengths = list(chunk_lengths)
    if len(chunk_lengths) != 4:
        raise ValueError(f'chunk_lengths needs 4 values (one per stage), got {chunk_lengths}')
    for s, (c, length) in enumerate(zip(dims, chunk_lengths), start=1):
        if not isinstance(length, int) or length < 1 or c % length:
            raise ValueError(f'stage {s}: chunk length {length!r} does not divide the '
                             f'width {c} of the checkpoint (SEGMENT_DIM must divide it)')
    if num_frames is None:
        num_frames = 32 if any(t != c for t, c in zip(tdims, dims)) else 16
    tokens = (num_frames + 1) // 2
    groups = []
    for s, (c, t) in enumerate(zip(dims, tdims), start=1):
        if (tokens * c) % t or c % (tokens * c // t):
            raise ValueError(f'stage {s}: t_fc.mlp_t is {t} wide at {c} channels, which no '
                             f'channel grouping of {tokens} temporal tokens (num_frames='
                             f'{num_frames}) gives; pass the right num_frames')
        groups.append(tokens * c // t)
    ratios = info['mlp_ratios']
    arch = dict(embed_dims=dims, depths=info['depths'], chunk_lengths=chunk_lengths,
                mlp_ratio=ratios[0] if len(set(ratios)) == 1 else list(ratios),
                temporal_groups=groups)
    return num_frames, arch


def convert_official(checkpoint, num_frames=None, chunk_lengths=OFFICIAL_CHUNK_LENGTHS):
    """Convert an official MorphMLP video checkpoint for ``Recognizer3D`` + ``TokenNormHead``.

    Args:
        checkpoint (dict): The loaded official file (SlowFast dict with ``model_state``,
            or a flat state dict, optionally with a ``module.`` prefix).
        num_frames (int, optional): Frame count of the model (read from the shapes when
            omitted, see :func:`official_video_arch`).
        chunk_lengths (Sequence[int]): The official ``SEGMENT_DIM`` of the model.

    Returns:
        dict: ``state_dict`` (``backbone.*`` and ``cls_head.*``) and ``meta`` (``arch``,
        ``num_frames``, ``mixing_bias``, ``num_classes``, ``source``).
    """
    state_dict = unwrap_state_dict(checkpoint)
    info = inspect_official(state_dict)
    num_frames, arch = official_video_arch(info, num_frames, chunk_lengths)
    expected = expected_official_shapes(info['embed_dims'], info['depths'], info['num_classes'],
                                        info['temporal_dims'], info['in_channels'],
                                        info['mlp_ratios'], info['mixing_bias'])
    missing = [k for k in expected if k not in state_dict]
    unexpected = [k for k in state_dict if k not in expected]
    wrong = [f'{k}: {tuple(state_dict[k].shape)} (expected {expected[k]})' for k in expected
             if k in state_dict and tuple(state_dict[k].shape) != expected[k]]
    if missing or unexpected or wrong:
        raise ValueError('official MorphMLP checkpoint does not match the structure read from '
                         f'its shapes (depths {info["depths"]}, widths {info["embed_dims"]}):\n'
                         f'  missing: {missing[:10]}{" ..." if len(missing) > 10 else ""}\n'
                         f'  unexpected: {unexpected[:10]}\n  wrong shapes: {wrong[:10]}')

    converted = OrderedDict()
    for key, value in state_dict.items():
        if key.startswith('head.'):
            new = 'cls_head.fc_cls.' + key[len('head.'):]
        elif key.startswith('norm.'):
            new = 'cls_head.norm.' + key[len('norm.'):]
        else:
            new = 'backbone.' + key
        converted[new] = value.detach().clone()
    meta = dict(arch=arch, num_frames=num_frames, mixing_bias=info['mixing_bias'],
                num_classes=info['num_classes'], source='MTLab/MorphMLP official checkpoint')
    return dict(state_dict=converted, meta=meta)


def to_official(state_dict):
    """Inverse of :func:`convert_official` (our recognizer state dict → official keys)."""
    out = OrderedDict()
    for key, value in unwrap_state_dict(state_dict).items():
        if key.startswith('backbone.'):
            out[key[len('backbone.'):]] = value
        elif key.startswith('cls_head.fc_cls.'):
            out['head.' + key[len('cls_head.fc_cls.'):]] = value
        elif key.startswith('cls_head.norm.'):
            out['norm.' + key[len('cls_head.norm.'):]] = value
        else:
            raise KeyError(f'{key} has no official counterpart')
    return out


def save_checkpoint(converted, filename):
    """Save a converted checkpoint as ``{'state_dict', 'meta'}``."""
    os.makedirs(os.path.dirname(os.path.abspath(filename)), exist_ok=True)
    torch.save(converted, filename)
