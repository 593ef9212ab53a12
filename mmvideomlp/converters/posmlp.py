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
"""
import re
from collections import OrderedDict

import torch

from ..models.layers.posmlp_mixing import infer_window, relative_position_index

__all__ = ['convert_posmlp_official', 'convert_posmlp_video', 'convert_posmlp_image',
           'convert_file']


def _unwrap(checkpoint):
    if not isinstance(checkpoint, dict):
        raise TypeError(f'expected a checkpoint dict, got {type(checkpoint)}')
    for key in ('model_state', 'state_dict_ema', 'state_dict', 'model'):
        if isinstance(checkpoint.get(key), dict):
            return checkpoint[key]
    return checkpoint


def detect_kind(state_dict):
    """``'video'`` (PosMLP-Video), ``'image'`` (PosMLP) or ValueError."""
    keys = list(state_dict)
    if any(re.match(r'(module\.)?blocks\d+\.\d+\.(t_)?fc\.encoder\.', k) for k in keys):
        return 'video'
    if any(re.match(r'(module\.)?levels\.\d+\.encoder\.\d+\.', k) for k in keys):
        return 'image'
    raise ValueError('not an official PosMLP-Video or PosMLP checkpoint: no '
                     '"blocks*.t_fc.encoder" or "levels.*.encoder" keys')


def _check_index(key, index, bias_table):
    """The official index buffer must equal ours for the window its table implies."""
    like = (2, 1, 1) if index.dim() == 3 else (1, 2, 2)  # temporal [T, T, 1], spatial [L, L]
    index = index.reshape(index.shape[0], -1)
    windows = infer_window(like, index.shape[0], bias_table.shape[0])
    if len(windows) != 1 or not torch.equal(index.long(),
                                            relative_position_index(windows[0])):
        raise ValueError(f'{key}: the relative-position index does not match the official '
                         'formula for its window; this checkpoint comes from other code')


def _strip_module(state_dict):
    return OrderedDict((k[len('module.'):] if k.startswith('module.') else k, v)
                       for k, v in state_dict.items())


def convert_posmlp_video(state_dict):
    """Official ``PosMLP_Video`` state_dict → Recognizer3D state_dict."""
    state_dict = _strip_module(state_dict)
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
    return out


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
    """Official image ``PosMLP`` state_dict → mmpretrain ImageClassifier state_dict."""
    state_dict = _strip_module(state_dict)
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
    return out


def convert_posmlp_official(checkpoint, kind='auto'):
    """Convert a loaded official checkpoint; returns ``(state_dict, kind)``."""
    state_dict = _unwrap(checkpoint)
    if kind == 'auto':
        kind = detect_kind(_strip_module(state_dict))
    if kind == 'video':
        return convert_posmlp_video(state_dict), kind
    if kind == 'image':
        return convert_posmlp_image(state_dict), kind
    raise ValueError(f"kind must be 'auto', 'video' or 'image', got {kind!r}")


def convert_file(src, dst, kind='auto'):
    """Load ``src`` (path or URL), convert, save ``dict(state_dict=..., meta=...)``."""
    import os.path as osp

    from mmengine.utils import mkdir_or_exist
    from mmengine.runner import CheckpointLoader

    checkpoint = CheckpointLoader.load_checkpoint(src, map_location='cpu')
    state_dict, kind = convert_posmlp_official(checkpoint, kind)
    mkdir_or_exist(osp.dirname(osp.abspath(dst)))
    torch.save(dict(state_dict=state_dict, meta=dict(converted_from=str(src), kind=kind)),
               dst)
    return state_dict, kind
