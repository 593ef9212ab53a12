"""Convert official PosMLP-Video (PySlowFast) and PosMLP (timm) checkpoints.

Video checkpoints (``model_state`` of a SlowFast checkpoint, or a bare state_dict with
``blocks1.0.t_fc.encoder...`` keys) become an mmaction2 ``Recognizer3D`` state_dict
(``backbone.`` :class:`~mmvideomlp.models.backbones.posmlp.PosMLP` + ``cls_head.``
``TokenNormHead``). Image checkpoints (``state_dict_ema``/``state_dict`` of the timm
training script, ``levels.0.encoder...`` keys) become an mmpretrain ``ImageClassifier``
state_dict (``backbone.`` + ``head.fc.``).

Besides renaming: token biases ``[1, L, 1]`` → ``[L]``; 2-D convolution weights of the
image model gain a time axis of 1; the official persistent relative-position index
buffers are checked against the index this package computes and dropped.

Each ``convert_posmlp_*`` function takes a flat state dict and returns ``(state_dict,
meta)``; :class:`~mmvideomlp.models.backbones.posmlp.PosMLP` uses them to load official
checkpoints directly (``pretrained=``/``init_cfg``).
"""
import re
from collections import OrderedDict

import torch

from ..models.layers.posmlp_mixing import relative_position_index
from ..weights.adapt import window_candidates
from ..weights.io import read_checkpoint, strip_prefix, unwrap_state_dict

__all__ = ['convert_posmlp_official', 'convert_posmlp_video', 'convert_posmlp_image',
           'convert_file', 'official_kind', 'detect_kind', 'OFFICIAL_CONVERTERS']


def official_kind(state_dict):
    """``'video'`` (PosMLP-Video), ``'image'`` (PosMLP) or None (another layout)."""
    keys = list(state_dict)
    if any(re.match(r'(module\.)?blocks\d+\.\d+\.(t_)?fc\.encoder\.', k) for k in keys):
        return 'video'
    if any(re.match(r'(module\.)?levels\.\d+\.encoder\.\d+\.', k) for k in keys):
        return 'image'
    return None


def detect_kind(state_dict):
    """``'video'`` (PosMLP-Video), ``'image'`` (PosMLP) or ValueError."""
    kind = official_kind(state_dict)
    if kind is None:
        raise ValueError('not an official PosMLP-Video or PosMLP checkpoint: no '
                         '"blocks*.t_fc.encoder" or "levels.*.encoder" keys')
    return kind


def _check_index(key, index, bias_table):
    """The official index buffer must equal ours for the window its table implies."""
    like = (2, 1, 1) if index.dim() == 3 else (1, 2, 2)  # temporal [T, T, 1], spatial [L, L]
    index = index.reshape(index.shape[0], -1)
    windows = window_candidates(like, index.shape[0], bias_table.shape[0])
    if len(windows) != 1 or not torch.equal(index.long(),
                                            relative_position_index(windows[0])):
        raise ValueError(f'{key}: the relative-position index does not match the official '
                         'formula for its window; this checkpoint comes from other code')


def convert_posmlp_video(state_dict):
    """Official ``PosMLP_Video`` state_dict → ``(Recognizer3D state_dict, meta)``."""
    state_dict = strip_prefix(state_dict, 'module.', keep_others=True)
    out = OrderedDict()
    for key, value in state_dict.items():
        if key.endswith('relative_position_index'):
            table = state_dict[key.replace('relative_position_index',
                                           'relative_position_bias_table')]
            _check_index(key, value, table)
            continue
        if key.endswith('token_proj_n_weight'):
            raise ValueError(f'{key}: the free dense token weight (pos_only=False) is not '
                             'part of the released PosMLP-Video and is not supported')
        new = key
        if key.startswith('norm.'):
            new = 'cls_head.norm.' + key[len('norm.'):]
        elif key.startswith('head.'):
            new = 'cls_head.fc_cls.' + key[len('head.'):]
        else:
            new = new.replace('.t_fc.encoder.', '.t_fc.').replace('.fc.encoder.', '.fc.')
            new = new.replace('gate_unit.pos.window_relative_position_bias_table',
                              'gate_unit.pos.relative_position_bias_table')
            if new.endswith('gate_unit.pos.token_proj_n_bias'):
                new = new.replace('token_proj_n_bias', 'token_bias')
                value = value.reshape(-1)
            new = 'backbone.' + new
        out[new] = value
    return out, dict(kind='video', source='PosMLP_Video (PySlowFast)')


_IMAGE_RULES = [
    (r'^patch_embed\.projs\.(\d)\.', lambda m: f'patch_embed1.proj{int(m[1]) + 1}.'),
    (r'^patch_embed\.norms\.(\d)\.', lambda m: f'patch_embed1.norm{int(m[1]) + 1}.'),
    (r'^levels\.(\d)\.pool\.conv\.', lambda m: f'patch_embed{int(m[1]) + 1}.proj.'),
    (r'^levels\.(\d)\.pool\.norm\.', lambda m: f'patch_embed{int(m[1]) + 1}.norm.'),
    (r'^levels\.(\d)\.encoder\.(\d+)\.', lambda m: f'blocks{int(m[1]) + 1}.{m[2]}.fc.'),
]
_IMAGE_BRANCH = {'.fc.proj_c_e.': '.fc.fc1.', '.fc.proj_c_s.': '.fc.fc2.',
                 '.pos.token_proj_n_bias': '.pos.token_bias',
                 '.pos.window_relative_position_bias_table':
                 '.pos.relative_position_bias_table'}


def convert_posmlp_image(state_dict, num_stages=4):
    """Official image ``PosMLP`` state_dict → ``(ImageClassifier state_dict, meta)``."""
    state_dict = strip_prefix(state_dict, 'module.', keep_others=True)
    out = OrderedDict()
    for key, value in state_dict.items():
        if key.endswith('rel_indices'):  # GQPE offset features, recomputed
            continue
        if key.endswith('relative_position_index'):
            table = state_dict[key.replace('relative_position_index',
                                           'relative_position_bias_table')]
            _check_index(key, value, table)
            continue
        if key == 'absolute_pos_embed' or key.endswith('token_proj_n_weight') or \
                '.proj_list.' in key:
            raise ValueError(f'{key}: optional official component (ape / pos_only=False / '
                             'SGU) that the released PosMLP-T/S do not use; not supported')
        if key.startswith('norm.'):
            out[f'backbone.norm{num_stages}.' + key[len('norm.'):]] = value
            continue
        if key.startswith('head.'):
            out['head.fc.' + key[len('head.'):]] = value
            continue
        new = key
        for pattern, repl in _IMAGE_RULES:
            new, hits = re.subn(pattern, repl, new)
            if hits:
                break
        else:
            raise KeyError(f'unexpected key in an image PosMLP checkpoint: {key}')
        for old, repl in _IMAGE_BRANCH.items():
            new = new.replace(old, repl)
        if new.endswith('pos.token_bias'):
            value = value.reshape(-1)
        if value.dim() == 4 and new.endswith('.weight'):  # Conv2d → Conv3d (1, k, k)
            value = value.unsqueeze(2)
        out['backbone.' + new] = value
    return out, dict(kind='image', source='PosMLP (timm)')


OFFICIAL_CONVERTERS = dict(video=convert_posmlp_video, image=convert_posmlp_image)


def convert_posmlp_official(checkpoint, kind='auto'):
    """Convert a loaded official checkpoint (wrapped or flat); returns
    ``(state_dict, meta)`` with ``meta['kind']`` ``'video'`` or ``'image'``."""
    state_dict = unwrap_state_dict(checkpoint)
    if kind == 'auto':
        kind = detect_kind(state_dict)
    if kind not in OFFICIAL_CONVERTERS:
        raise ValueError(f"kind must be 'auto', 'video' or 'image', got {kind!r}")
    return OFFICIAL_CONVERTERS[kind](state_dict)


def convert_file(src, dst, kind='auto'):
    """Load ``src`` (path or URL), convert, save ``dict(state_dict=..., meta=...)``;
    returns ``(state_dict, kind)``."""
    import os.path as osp

    from mmengine.utils import mkdir_or_exist

    state_dict, meta = convert_posmlp_official(read_checkpoint(src), kind)
    kind = meta['kind']
    mkdir_or_exist(osp.dirname(osp.abspath(dst)))
    torch.save(dict(state_dict=state_dict, meta=dict(converted_from=str(src), **meta)), dst)
    return state_dict, kind
