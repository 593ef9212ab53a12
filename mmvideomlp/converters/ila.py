"""ILA checkpoints: official weights → this package's recognizer keys.

Two official sources share one key layout, OpenAI's CLIP names:

* the ILA releases (Francis-Rings/ILA), CLIP plus the ILA modules, MIT, prompts or the
  SSv2 classifier;
* the OpenAI CLIP releases (TorchScript archives in fp16, or plain state dicts), which
  initialise the visual tower and the text tower.

Conversion is a prefix change plus validation:

* ``visual.*`` → ``backbone.*`` (:class:`ILAViT`);
* ``mit.classify_head.0.*`` → ``cls_head.norm.*``, ``mit.classify_head.2.*`` →
  ``cls_head.fc_cls.*`` (SSv2 release, :class:`ILALinearHead`);
* ``mit.*`` → ``cls_head.mit.*``; ``prompts_*`` → ``cls_head.prompts_*``;
* CLIP text tower (``token_embedding``, ``positional_embedding``, ``transformer.*``,
  ``ln_final``, ``text_projection``) → ``cls_head.text_encoder.*``, ``logit_scale`` →
  ``cls_head.logit_scale`` (:class:`ILATextHead`);
* ``input_resolution``, ``context_length``, ``vocab_size`` (OpenAI) → metadata.

Any other key is an error, never dropped silently.
"""
import os
import os.path as osp
from collections import OrderedDict

import torch

from ..weights.io import read_checkpoint, unwrap_state_dict

TEXT_KEYS = ('token_embedding.', 'positional_embedding', 'transformer.', 'ln_final.',
             'text_projection')
META_KEYS = ('input_resolution', 'context_length', 'vocab_size')
# What to put where a CLIP checkpoint is missing (nothing is downloaded at run time).
MISSING_CLIP_HINT = ('put the OpenAI CLIP weights there (the released files are ViT-B-32.pt, '
                     'ViT-B-16.pt, ViT-L-14.pt, ViT-L-14-336px.pt: TorchScript archives, or '
                     'plain state dicts) or set the `pretrained` path in the config; nothing is '
                     'downloaded at run time')


def is_official(state_dict):
    """Whether ``state_dict`` has the official (OpenAI CLIP) key layout."""
    return any(k.startswith('visual.') or k == 'logit_scale' for k in state_dict)


def _new_key(key):
    if key.startswith('visual.'):
        return 'backbone.' + key[len('visual.'):]
    if key.startswith('mit.classify_head.0.'):
        return 'cls_head.norm.' + key[len('mit.classify_head.0.'):]
    if key.startswith('mit.classify_head.2.'):
        return 'cls_head.fc_cls.' + key[len('mit.classify_head.2.'):]
    if key.startswith(('mit.', 'prompts_')):
        return 'cls_head.' + key
    if key.startswith(TEXT_KEYS):
        return 'cls_head.text_encoder.' + key
    if key == 'logit_scale':
        return 'cls_head.logit_scale'
    return None


def convert_official(checkpoint):
    """An official ILA or OpenAI CLIP checkpoint as this package's recognizer weights.

    Args:
        checkpoint (dict): As loaded (weights under ``model`` for the ILA releases, or
            flat), e.g. by :func:`~mmvideomlp.weights.read_checkpoint`.

    Returns:
        tuple[OrderedDict, dict]: ``backbone.*`` / ``cls_head.*`` weights in float32 (BN
        buffers included) and metadata: ``source`` (``'ILA release'`` or
        ``'OpenAI CLIP'``) and OpenAI's ``input_resolution``, ``context_length``,
        ``vocab_size`` where present.

    Raises:
        KeyError: listing keys that have no counterpart.
    """
    state = unwrap_state_dict(checkpoint)
    out, meta, unknown = OrderedDict(), {}, []
    for key, value in state.items():
        if key in META_KEYS:
            meta[key] = int(value)
            continue
        new = _new_key(key)
        if new is None:
            unknown.append(key)
            continue
        out[new] = value.float() if value.is_floating_point() else value
    if unknown:
        raise KeyError(f'official ILA checkpoint has keys without a counterpart: {unknown}')
    ila = any('.message_' in k or k.startswith('cls_head.mit.') for k in out)
    meta['source'] = 'ILA release' if ila else 'OpenAI CLIP'
    return out, meta


def convert_if_official(state_dict):
    """Loading hook: official layouts converted, this package's returned unchanged."""
    return convert_official(state_dict)[0] if is_official(state_dict) else state_dict


def describe(state_dict):
    """Release and sizes read from a converted state dict (for the converter's log)."""
    keys = state_dict.keys()
    layers = len({k.split('.')[3] for k in keys if k.startswith('backbone.transformer.resblocks.')})
    width = state_dict['backbone.conv1.weight'].shape[0]
    patch = state_dict['backbone.conv1.weight'].shape[-1]
    grid = round((state_dict['backbone.positional_embedding'].shape[0] - 1)**0.5)
    text = f'ViT width {width}, {layers} layers, patch {patch}, input {grid * patch}'
    if 'cls_head.mit.positional_embedding' not in state_dict:
        return text + (', text tower' if 'cls_head.logit_scale' in state_dict else '')
    frames = state_dict['cls_head.mit.positional_embedding'].shape[1]
    dsc = any('interactive_block.0.depthwise_conv' in k for k in keys)
    if 'cls_head.fc_cls.weight' in state_dict:
        head = f'linear head, {state_dict["cls_head.fc_cls.weight"].shape[0]} classes'
    else:
        head = 'text head' + (' with prompts' if any('prompts_' in k for k in keys) else '')
    return (f'{text}, {frames} frames, interactive block '
            f'{"dsc (K400)" if dsc else "conv (SSv2)"}, {head}')


def convert_file(src, dst):
    """Convert the official checkpoint ``src`` and save ``{'state_dict', 'meta'}`` to ``dst``.

    Returns:
        tuple[OrderedDict, dict]: See :func:`convert_official`.
    """
    state, meta = convert_official(read_checkpoint(src))
    if osp.dirname(dst):
        os.makedirs(osp.dirname(dst), exist_ok=True)
    torch.save(dict(state_dict=state, meta=dict(meta, converted_from=osp.basename(src))), dst)
    return state, meta
