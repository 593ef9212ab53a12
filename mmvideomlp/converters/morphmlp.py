"""MorphMLP checkpoints: official video weights → this package, and image → video inflation.

The official video code (https://github.com/MTLab/MorphMLP) names its modules as our
backbone does, so conversion is a prefix change plus validation:

* ``patch_embed*``/``blocks*`` → ``backbone.*``; ``norm`` → ``cls_head.norm``; ``head`` →
  ``cls_head.fc_cls`` (:class:`TokenNormHead`).
* Depths, widths, classes and the frame count are read from the shapes and checked
  against the official structure (a released "S" checkpoint once held B weights, and the
  official loader skips mismatched keys without a word). A 32-frame checkpoint is
  recognised by the 448-wide stage-3 ``t_fc.mlp_t`` of its 392-channel stage.
"""
import re
from collections import OrderedDict

import torch
from mmengine.logging import print_log
from mmengine.runner.checkpoint import CheckpointLoader

_BLOCK = re.compile(r'^blocks(\d)\.(\d+)\.(.+)$')
_STEM_KERNEL = 'patch_embed1.proj1.weight'


def unwrap_state_dict(checkpoint):
    """The state dict inside a SlowFast (``model_state``), mmengine (``state_dict``) or
    timm-style (``model``) checkpoint, or the flat dict itself."""
    for key in ('model_state', 'state_dict', 'model'):
        if isinstance(checkpoint, dict) and isinstance(checkpoint.get(key), dict):
            return checkpoint[key]
    if not isinstance(checkpoint, dict):
        raise TypeError(f'MorphMLP checkpoint: expected a dict, got {type(checkpoint).__name__}')
    return checkpoint


def expected_official_shapes(embed_dims, depths, num_classes, temporal_dims,
                             in_channels=3):
    """Key → shape of an official MorphMLP video state dict (``temporal_dims[i]`` is the
    width of stage ``i``'s ``t_fc.mlp_t``)."""
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
    for s, (c, depth, dt) in enumerate(zip(embed_dims, depths, temporal_dims), start=1):
        if s > 1:
            shapes[f'patch_embed{s}.proj.weight'] = (c, embed_dims[s - 2], 1, 3, 3)
            shapes[f'patch_embed{s}.proj.bias'] = (c, )
            shapes[f'patch_embed{s}.norm.weight'] = (c, )
            shapes[f'patch_embed{s}.norm.bias'] = (c, )
        branches = ('mlp_c', 'mlp_h') if s == 4 else ('mlp_h', 'mlp_w', 'mlp_c')
        for j in range(depth):
            p = f'blocks{s}.{j}.'
            layers = [('norm1', None), ('t_norm1', None), ('t_fc.mlp_t', (dt, dt)),
                      ('t_fc.proj', (c, c))] + [(f'fc.{b}', (c, c)) for b in branches] + [
                          ('fc.reweight.fc1', (c // 4, c)),
                          ('fc.reweight.fc2', (c * len(branches), c // 4)),
                          ('fc.proj', (c, c)), ('norm2', None), ('mlp.fc1', (3 * c, c)),
                          ('mlp.fc2', (c, 3 * c))]
            for name, weight in layers:
                shapes[p + name + '.weight'] = weight or (c, )
                shapes[p + name + '.bias'] = (weight[0], ) if weight else (c, )
    shapes['norm.weight'] = (embed_dims[-1], )
    shapes['norm.bias'] = (embed_dims[-1], )
    shapes['head.weight'] = (num_classes, embed_dims[-1])
    shapes['head.bias'] = (num_classes, )
    return shapes


def inspect_official(state_dict):
    """Read the architecture of an official video state dict from its shapes.

    Returns:
        dict: ``embed_dims``, ``depths``, ``num_classes``, ``temporal_dims`` (widths of
        ``t_fc.mlp_t`` per stage) and ``in_channels``.
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
    embed_dims = [state_dict[f'blocks{s}.0.norm1.weight'].shape[0] for s in range(1, 5)]
    temporal_dims = [state_dict[f'blocks{s}.0.t_fc.mlp_t.weight'].shape[0] for s in range(1, 5)]
    if 'head.weight' not in state_dict:
        raise KeyError('official MorphMLP checkpoint without head.weight')
    return dict(embed_dims=embed_dims, depths=depths, temporal_dims=temporal_dims,
                num_classes=state_dict['head.weight'].shape[0], in_channels=stem.shape[1])


def official_video_arch(info, num_frames=None):
    """``MorphMLP`` arguments for the model described by :func:`inspect_official`.

    The official classes use ``tokens = num_frames / 2`` and ``temporal_dims = tokens *
    C / groups``; without ``num_frames`` the 16-frame class is assumed unless a stage has
    ``temporal_dims != C`` (the 32-frame class at 392 channels).
    """
    dims, tdims = info['embed_dims'], info['temporal_dims']
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
    arch = dict(embed_dims=dims, depths=info['depths'], chunk_lengths=[14, 28, 28, 49],
                mlp_ratio=3, temporal_groups=groups)
    for name in ('s16', 's32', 'b16', 'b32'):
        from ..models.backbones.morphmlp import MorphMLP
        zoo = MorphMLP.arch_zoo[name]
        if (zoo['num_frames'] == num_frames and zoo['depths'] == arch['depths']
                and zoo['embed_dims'] == dims and zoo['temporal_groups'] == groups):
            return name, num_frames, arch
    return None, num_frames, arch


def convert_official(checkpoint, expected_arch=None, num_frames=None):
    """Convert an official MorphMLP video checkpoint for ``Recognizer3D`` + ``TokenNormHead``.

    Args:
        checkpoint (dict): The loaded official file (SlowFast dict with ``model_state``,
            or a flat state dict, optionally with a ``module.`` prefix).
        expected_arch (str, optional): ``'s16'``, ``'s32'``, ``'b16'``, ``'b32'``, ``'s'``
            or ``'b'``: raise if the weights have other depths, widths or frame count.
        num_frames (int, optional): Frame count of the model (read from the shapes when
            omitted, see :func:`official_video_arch`).

    Returns:
        dict: ``state_dict`` (``backbone.*`` and ``cls_head.*``) and ``meta`` (``arch``,
        ``num_frames``, ``num_classes`` and the zoo name or None).
    """
    state_dict = unwrap_state_dict(checkpoint)
    state_dict = OrderedDict(
        (k[len('module.'):] if k.startswith('module.') else k, v) for k, v in state_dict.items())
    info = inspect_official(state_dict)
    name, num_frames, arch = official_video_arch(info, num_frames)
    if expected_arch is not None:
        _check_expected(expected_arch, info, name, num_frames)

    expected = expected_official_shapes(info['embed_dims'], info['depths'], info['num_classes'],
                                        info['temporal_dims'], info['in_channels'])
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
    meta = dict(arch=arch, arch_name=name, num_frames=num_frames,
                num_classes=info['num_classes'], source='MTLab/MorphMLP official checkpoint')
    return dict(state_dict=converted, meta=meta)


def _check_expected(expected_arch, info, name, num_frames):
    from ..models.backbones.morphmlp import MorphMLP
    key = expected_arch.lower()
    if key not in MorphMLP.arch_zoo:
        raise ValueError(f'unknown expected arch {expected_arch!r}; choose from '
                         f'{sorted(MorphMLP.arch_zoo)}')
    zoo = MorphMLP.arch_zoo[key]
    problems = []
    if zoo['depths'] != info['depths']:
        hint = [n for n in ('s', 'b', 't', 'l') if MorphMLP.arch_zoo[n]['depths'] == info['depths']]
        problems.append(f'depths {info["depths"]} (expected {zoo["depths"]}'
                        f'{"; these are " + hint[0].upper() + " depths" if hint else ""})')
    if zoo['embed_dims'] != info['embed_dims']:
        problems.append(f'widths {info["embed_dims"]} (expected {zoo["embed_dims"]})')
    if 'num_frames' in zoo and zoo['num_frames'] != num_frames:
        problems.append(f'{num_frames} frames (expected {zoo["num_frames"]})')
    if problems:
        raise ValueError(f'checkpoint is not MorphMLP-{expected_arch}: ' + '; '.join(problems))


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


# --------------------------------------------------------------------- loading into a backbone
def _backbone_state_dict(state_dict):
    """Keys of a backbone from a recognizer/classifier/segmentor or bare backbone dict."""
    if any(k.startswith('backbone.') for k in state_dict):
        return OrderedDict((k[len('backbone.'):], v) for k, v in state_dict.items()
                           if k.startswith('backbone.'))
    return OrderedDict((k[len('module.'):] if k.startswith('module.') else k, v)
                       for k, v in state_dict.items())


def inflate_stem_kernel(weight, taps, method='average'):
    """Turn an image stem kernel ``(O, I, 1, kh, kw)`` into ``taps`` temporal taps.

    ``'average'`` repeats it and divides by ``taps`` (I3D); ``'center'`` puts it in the
    middle tap and zeros elsewhere (then a static clip reproduces the image features).
    """
    if method == 'average':
        return weight.repeat(1, 1, taps, 1, 1) / taps
    if method == 'center':
        out = weight.new_zeros(weight.shape[:2] + (taps, ) + weight.shape[3:])
        out[:, :, taps // 2] = weight[:, :, 0]
        return out
    raise ValueError(f"inflate must be 'average' or 'center', got {method!r}")


def load_pretrained(backbone, filename, inflate='average', logger='current'):
    """Load a MorphMLP checkpoint into ``backbone``, inflating image weights for video.

    Accepted files: checkpoints of this package (image classifier, segmentor, recognizer
    or bare backbone) and official video checkpoints. Missing and unused keys are logged
    (the temporal ``t_*`` keys keep the official zero/ones init when loading image weights);
    a shape that cannot be matched raises ``ValueError``.
    """
    source = _backbone_state_dict(unwrap_state_dict(
        CheckpointLoader.load_checkpoint(filename, map_location='cpu')))
    target = backbone.state_dict()
    loaded, mismatched = OrderedDict(), []
    for key, value in source.items():
        if key not in target:
            continue
        want = target[key].shape
        if value.shape == want:
            loaded[key] = value
        elif key == _STEM_KERNEL and value.dim() == 5 and value.shape[2] == 1 and \
                value.shape[:2] + value.shape[3:] == want[:2] + want[3:]:
            loaded[key] = inflate_stem_kernel(value, want[2], inflate)
        else:
            mismatched.append(f'{key}: checkpoint {tuple(value.shape)} vs model {tuple(want)}')
    if mismatched:
        raise ValueError(f'MorphMLP: {filename} does not fit this backbone:\n  ' +
                         '\n  '.join(mismatched))
    missing = [k for k in target if k not in loaded]
    unused = [k for k in source if k not in target]
    backbone.load_state_dict(loaded, strict=False)
    temporal = [k for k in missing if '.t_fc.' in k or '.t_norm1.' in k]
    other = [k for k in missing if k not in temporal]
    inflated = _STEM_KERNEL in loaded and source[_STEM_KERNEL].shape != target[_STEM_KERNEL].shape
    print_log(f'MorphMLP: loaded {len(loaded)} tensors from {filename}'
              f'{f" (stem inflated: {inflate})" if inflated else ""}', logger=logger)
    if temporal:
        print_log(f'MorphMLP: {len(temporal)} temporal tensors (t_norm1, t_fc) not in the '
                  'checkpoint keep their initialisation (MorphFC_t outputs 0)', logger=logger)
    if other:
        print_log(f'MorphMLP: missing in checkpoint: {other}', logger=logger, level=30)
    if unused:
        print_log(f'MorphMLP: unused checkpoint keys: {unused}', logger=logger, level=30)
    return dict(loaded=list(loaded), missing=missing, unused=unused)


def save_checkpoint(converted, filename):
    """Save a converted checkpoint as ``{'state_dict', 'meta'}``."""
    import os
    os.makedirs(os.path.dirname(os.path.abspath(filename)), exist_ok=True)
    torch.save(converted, filename)
