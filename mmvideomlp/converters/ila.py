"""ILA checkpoints: official (Francis-Rings/ILA) weights → this package.

The official model keeps OpenAI's CLIP key names and our modules keep the official
names, so conversion is a prefix change plus validation:

* ``visual.*`` → ``backbone.*`` (:class:`ILAViT`);
* ``mit.classify_head.0.*`` → ``cls_head.norm.*``, ``mit.classify_head.2.*`` →
  ``cls_head.fc_cls.*`` (SSv2 release, :class:`ILALinearHead`);
* ``mit.*`` → ``cls_head.mit.*``; ``prompts_*`` → ``cls_head.prompts_*``;
* CLIP text tower (``token_embedding``, ``positional_embedding``, ``transformer.*``,
  ``ln_final``, ``text_projection``) → ``cls_head.text_encoder.*``, ``logit_scale`` →
  ``cls_head.logit_scale`` (K400 release, :class:`ILATextHead`).

Any other key is an error, never dropped silently.
"""
from collections import OrderedDict

import torch

TEXT_KEYS = ('token_embedding.', 'positional_embedding', 'transformer.', 'ln_final.',
             'text_projection')
DROPPED = ('input_resolution', 'context_length', 'vocab_size')


def unwrap_state_dict(checkpoint):
    """The weights of an official checkpoint (``ckpt['model']``), a ``state_dict`` wrapper
    or a flat dict, without a DDP ``module.`` prefix."""
    state = checkpoint
    for key in ('model', 'state_dict'):
        if isinstance(state, dict) and isinstance(state.get(key), dict):
            state = state[key]
            break
    if not isinstance(state, dict):
        raise TypeError(f'ILA checkpoint: expected a dict, got {type(state).__name__}')
    return OrderedDict((k[len('module.'):] if k.startswith('module.') else k, v)
                       for k, v in state.items())


def convert_ila(state_dict):
    """Rename an official ILA state dict to this package's recognizer keys.

    Returns:
        OrderedDict: ``backbone.*`` / ``cls_head.*`` weights (BN buffers included).

    Raises:
        KeyError: listing keys that have no counterpart.
    """
    out, unknown = OrderedDict(), []
    for key, value in state_dict.items():
        if key in DROPPED:
            continue
        if key.startswith('visual.'):
            new = 'backbone.' + key[len('visual.'):]
        elif key.startswith('mit.classify_head.0.'):
            new = 'cls_head.norm.' + key[len('mit.classify_head.0.'):]
        elif key.startswith('mit.classify_head.2.'):
            new = 'cls_head.fc_cls.' + key[len('mit.classify_head.2.'):]
        elif key.startswith(('mit.', 'prompts_')):
            new = 'cls_head.' + key
        elif key.startswith(TEXT_KEYS):
            new = 'cls_head.text_encoder.' + key
        elif key == 'logit_scale':
            new = 'cls_head.logit_scale'
        else:
            unknown.append(key)
            continue
        out[new] = value
    if unknown:
        raise KeyError(f'official ILA checkpoint has keys without a counterpart: {unknown}')
    return out


def describe(state_dict):
    """Release and sizes read from a converted state dict (for the converter's log)."""
    keys = state_dict.keys()
    layers = len({k.split('.')[3] for k in keys if k.startswith('backbone.transformer.resblocks.')})
    width = state_dict['backbone.conv1.weight'].shape[0]
    patch = state_dict['backbone.conv1.weight'].shape[-1]
    grid = round((state_dict['backbone.positional_embedding'].shape[0] - 1)**0.5)
    frames = state_dict['cls_head.mit.positional_embedding'].shape[1]
    dsc = any('interactive_block.0.depthwise_conv' in k for k in keys)
    if 'cls_head.fc_cls.weight' in state_dict:
        head = f'linear head, {state_dict["cls_head.fc_cls.weight"].shape[0]} classes'
    else:
        head = 'text head' + (' with prompts' if any('prompts_' in k for k in keys) else '')
    return (f'ViT width {width}, {layers} layers, patch {patch}, input {grid * patch}, '
            f'{frames} frames, interactive block {"dsc (K400)" if dsc else "conv (SSv2)"}, '
            f'{head}')


def convert_file(src, dst):
    """Convert the official checkpoint ``src`` and save ``{'state_dict', 'meta'}`` to ``dst``."""
    import os
    import os.path as osp
    checkpoint = torch.load(src, map_location='cpu', weights_only=False)
    state = convert_ila(unwrap_state_dict(checkpoint))
    if osp.dirname(dst):
        os.makedirs(osp.dirname(dst), exist_ok=True)
    torch.save(dict(state_dict=state, meta=dict(converted_from=osp.basename(src))), dst)
    return state
