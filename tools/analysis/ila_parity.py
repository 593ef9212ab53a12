"""Compare ILA with the official implementation (random weights, fp32, eval).

Takes a local checkout of the official repository (Francis-Rings/ILA, branch ``master``: the
Kinetics-400 release with the text head and video-specific prompts); nothing is downloaded and
nothing of it becomes part of this package. Its ``models`` and ``clip`` packages are imported
from the checkout (they need einops and PIL; ``timm`` is used when importable, otherwise
``trunc_normal_`` comes from torch).

A tiny random CLIP layout (visual width 128, 2 blocks, 16-pixel patches, 112 px; text width 64,
2 blocks) with 4 frames is built on both sides: the official ``XCLIP`` with every parameter and
BN statistic randomised, its state dict converted by
``mmvideomlp.converters.ila.convert_official`` and loaded with ``strict=True`` into an
``ILARecognizer``; both score the same clips against the 400 Kinetics class names, tokenised
by the official tokenizer on one side and by this package's on the other.

Example:
    python tools/analysis/ila_parity.py --official-repo ../ILA
"""
import argparse
import os.path as osp
import sys
import types

import torch

import mmvideomlp  # noqa: F401
from mmengine.registry import init_default_scope
from mmvideomlp.converters.ila import convert_official
from mmvideomlp.utils.parity import randomise
from mmvideomlp.utils.text import read_class_names

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
LABEL_MAP = osp.join(REPO, 'configs', '_base_', 'label_maps', 'label_map_k400.txt')
FRAMES = 4
TINY = dict(image_size=112, patch_size=16, width=128, layers=2, heads=2, embed_dim=64,
            text_width=64, text_layers=2, text_heads=1)


def _timm_stub():
    """``timm.models.layers.trunc_normal_`` from torch if timm is absent."""
    try:
        import timm.models.layers  # noqa: F401
        return
    except ImportError:
        pass
    layers = types.ModuleType('timm.models.layers')
    layers.trunc_normal_ = torch.nn.init.trunc_normal_
    for name in ('timm', 'timm.models'):
        sys.modules.setdefault(name, types.ModuleType(name))
    sys.modules['timm.models.layers'] = layers


def official_model_and_tokens(repo, names):
    """The official ``XCLIP`` with the tiny layout and the class names' token ids."""
    if not osp.isfile(osp.join(repo, 'models', 'xclip.py')):
        raise FileNotFoundError(f'{repo}/models/xclip.py not found: --official-repo must be '
                                'a checkout of Francis-Rings/ILA (branch master)')
    _timm_stub()
    sys.path.insert(0, repo)
    import clip
    from models.xclip import XCLIP
    model = XCLIP(TINY['embed_dim'], TINY['image_size'], TINY['layers'], TINY['width'],
                  TINY['patch_size'], 77, 49408, TINY['text_width'], TINY['text_heads'],
                  TINY['text_layers'], T=FRAMES, mit_layers=1, prompts_alpha=1e-1,
                  prompts_layers=2, use_cache=True)
    return model, clip.tokenize(names)


def keep_logit_scale(name, p):
    return p if name == 'logit_scale' else None


def ours(names):
    init_default_scope('mmaction')
    from mmaction.registry import MODELS
    return MODELS.build(dict(
        type='ILARecognizer',
        backbone=dict(type='ILAViT', arch=TINY, interactive='dsc'),
        cls_head=dict(type='ILATextHead', num_classes=len(names), in_channels=TINY['embed_dim'],
                      class_names=names, mit_frames=FRAMES, arch=TINY),
        data_preprocessor=dict(type='ActionDataPreprocessor', format_shape='NCTHW'))).eval()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--official-repo', required=True,
                        help='local checkout of Francis-Rings/ILA (branch master)')
    parser.add_argument('--batch', type=int, default=2)
    parser.add_argument('--tolerance', type=float, default=1e-4,
                        help='exit with status 1 above this difference')
    args = parser.parse_args()
    torch.manual_seed(0)
    names = read_class_names(LABEL_MAP)
    official, tokens = official_model_and_tokens(args.official_repo, names)
    official = randomise(official, keep_logit_scale)
    official.cache_text(tokens)  # the official cache_text leaves the model in train mode
    official.eval()
    for module in official.modules():  # the official alignment jitters unless told otherwise
        if hasattr(module, 'is_training'):
            module.is_training = False
    state_dict, _ = convert_official(official.state_dict())
    model = ours(names)
    model.load_state_dict(state_dict, strict=True)
    same_tokens = torch.equal(tokens, model.cls_head.text_tokens)
    x = torch.randn(args.batch, FRAMES, 3, TINY['image_size'], TINY['image_size'])
    with torch.no_grad():
        ref, _ = official(x, tokens)
        out = model.cls_head(model.backbone(x.transpose(1, 2)))
    diff = (ref - out).abs().max().item()
    print(f'class-name token ids identical: {same_tokens}')
    print(f'ILA (K400 release, tiny CLIP, {FRAMES} frames): max |logit difference| = {diff:.3e} '
          f'(max |logit| {ref.abs().max().item():.3f})')
    sys.exit(0 if diff <= args.tolerance and same_tokens else 1)


if __name__ == '__main__':
    main()
