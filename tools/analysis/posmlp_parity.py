"""Compare PosMLP with the official implementations (random weights, fp32, eval).

Needs checkouts of the official repositories and their dependencies (timm 0.6.x, einops)
importable, e.g. installed into a separate folder on PYTHONPATH. Nothing of them is part
of this package; their model files are imported from the given checkouts.

Example:
    PYTHONPATH=/path/to/timm_einops python tools/analysis/posmlp_parity.py \
        --video-repo PosMLP_Video --image-repo PosMLP
"""
import argparse
import importlib.util
import os.path as osp
import sys
import types

import torch

import mmvideomlp  # noqa: F401
from mmengine.config import Config
from mmengine.registry import init_default_scope
from mmvideomlp.converters.posmlp import convert_posmlp_official
from mmvideomlp.utils.parity import randomise

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))


def positional_values(name, p):
    """Random positional parameters of PosMLP's own scales (the rest: the default rule)."""
    if 'attention_spreads' in name:
        return torch.eye(2) + 0.3 * torch.randn_like(p)
    if 'attention_centers' in name:
        return torch.randn_like(p)
    if 'relative_position_bias_table' in name:
        return torch.randn_like(p) * 0.2
    return None


def official_video_model(repo):
    """``PosMLP_Video`` of slowfast/models/posmlp.py with the SSV1_MLP_S16 settings."""
    package = types.ModuleType('official_posmlp_video')
    package.__path__ = [osp.join(repo, 'slowfast', 'models')]
    build = types.ModuleType('official_posmlp_video.build')
    build.MODEL_REGISTRY = types.SimpleNamespace(register=lambda: (lambda cls: cls))
    sys.modules.update({'official_posmlp_video': package, 'official_posmlp_video.build': build})
    spec = importlib.util.spec_from_file_location(
        'official_posmlp_video.posmlp', osp.join(repo, 'slowfast', 'models', 'posmlp.py'))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    ns = types.SimpleNamespace
    cfg = ns(WIN_SIZE=[14, 14, 14, 7], WIN_SIZE_T=[16] * 4, POSGAMMA=[8, 16, 32, 64],
             POSMLP_VIDEO=ns(SHIFT=False, LAYERS=[3, 4, 9, 3], TRANSITIONS=[True] * 4,
                             EMBED_DIMS=[72, 144, 288, 576], PATCH_SIZE=4,
                             DROP_DEPTH_RATE=0.1),
             MODEL=ns(NUM_CLASSES=174), DATA=ns(TRAIN_CROP_SIZE=224, INPUT_CHANNEL_NUM=[3]))
    return module.PosMLP_Video(cfg)


IMAGE_CONFIGS = dict(t='posmlp/posmlp-t_8xb128_in1k.py', s='posmlp/posmlp-s_8xb60_in1k.py')


def build(config, scope):
    init_default_scope(scope)
    registry = importlib.import_module(f'{scope}.registry').MODELS
    return registry.build(Config.fromfile(osp.join(REPO, 'configs', config)).model).eval()


def video_parity(repo):
    official = randomise(official_video_model(repo), positional_values).eval()
    state_dict, _ = convert_posmlp_official({'model_state': official.state_dict()})
    model = build('posmlp/posmlp-video-s_in1k-pre_4xb8-u16-60e_sthv1-rgb.py', 'mmaction')
    model.load_state_dict(state_dict, strict=True)
    x = torch.randn(2, 3, 16, 224, 224)
    with torch.no_grad():
        ref = official([x])
        ours = model.cls_head(model.backbone(x))
        print(f'PosMLP-Video S16 (SSV1): max |logit difference| = '
              f'{(ref - ours).abs().max().item():.3e} (max |logit| {ref.abs().max().item():.3f})')
        for s, (side, dims) in enumerate(zip((56, 28, 14, 7), (72, 144, 288, 576)), 1):
            z = torch.randn(2, 16, side, side, dims)
            diff = (getattr(official, f'blocks{s}')[0](z) -
                    getattr(model.backbone, f'blocks{s}')[0](z)).abs().max().item()
            print(f'  stage {s} parallel block: max |difference| = {diff:.3e}')


def image_parity(repo):
    sys.path.insert(0, repo)
    from models.posmlp import PosMLP_S14_224, PosMLP_T14_224
    hyper = dict(quadratic=True, pos_only=True, generalized=True, downsample_norm='LN',
                 stem_norm='BN', shift=False)
    for arch, create in (('t', PosMLP_T14_224), ('s', PosMLP_S14_224)):
        official = randomise(create(**hyper), positional_values).eval()
        state_dict, _ = convert_posmlp_official({'state_dict_ema': official.state_dict()})
        model = build(IMAGE_CONFIGS[arch], 'mmpretrain')
        model.load_state_dict(state_dict, strict=True)
        x = torch.randn(2, 3, 224, 224)
        with torch.no_grad():
            ref, ours = official(x), model(x, mode='tensor')
        print(f'PosMLP-{arch.upper()}: max |logit difference| = '
              f'{(ref - ours).abs().max().item():.3e} (max |logit| {ref.abs().max().item():.3f})')


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--video-repo', help='checkout of zhouds1918/PosMLP_Video')
    parser.add_argument('--image-repo', help='checkout of Zhicaiwww/PosMLP')
    args = parser.parse_args()
    torch.manual_seed(0)
    if args.video_repo:
        video_parity(args.video_repo)
    if args.image_repo:
        image_parity(args.image_repo)


if __name__ == '__main__':
    main()
