"""Compare the video MorphMLP with the official implementation (random weights, fp32, eval).

Takes a local checkout of the official repository (MTLab/MorphMLP, a PySlowFast fork); nothing
is downloaded and nothing of it becomes part of this package. Its model files
(``slowfast/models/morphmlp.py`` and ``morphmlp_32.py``) are imported from the checkout with a
stub for SlowFast's model registry; ``timm`` is used when importable, otherwise the two names
the files take from it (``DropPath``, ``trunc_normal_``) come from mmcv and torch.

For every variant the official network is built with the settings of its K400 config, every
parameter and BN statistic is randomised, the state dict goes through this package's converter
(``convert_official_checkpoint``, variant checked) and is loaded with ``strict=True`` into the
recognizer of our config; the logits of the same random clips are compared.

Example:
    python tools/analysis/morphmlp_parity.py --official-repo ../MorphMLP
    python tools/analysis/morphmlp_parity.py --official-repo ../MorphMLP --arch s16 --size 448 200
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
from mmvideomlp.models.backbones.morphmlp import convert_official_checkpoint
from mmvideomlp.utils.parity import randomise

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
# variant: (official module, class, depths, frames, our config)
VARIANTS = {
    's16': ('morphmlp', 'MorphMLP', [3, 4, 9, 3], 16,
            'morphmlp/morphmlp-s_in1k-pre_8xb8-16x4x1-60e_kinetics400-rgb.py'),
    's32': ('morphmlp_32', 'MorphMLP_32', [3, 4, 9, 3], 32,
            'morphmlp/morphmlp-s_in1k-pre_8xb8-32x4x1-60e_kinetics400-rgb.py'),
    'b16': ('morphmlp', 'MorphMLP', [4, 6, 15, 4], 16,
            'morphmlp/morphmlp-b_in1k-pre_8xb8-16x4x1-60e_kinetics400-rgb.py'),
    'b32': ('morphmlp_32', 'MorphMLP_32', [4, 6, 15, 4], 32,
            'morphmlp/morphmlp-b_in1k-pre_8xb8-32x4x1-60e_kinetics400-rgb.py'),
}


def _timm_stub():
    """``timm.models.layers`` with the two names the official files import, if timm is absent."""
    try:
        import timm.models.layers  # noqa: F401
        return
    except ImportError:
        from mmcv.cnn.bricks.drop import DropPath
    layers = types.ModuleType('timm.models.layers')
    layers.DropPath, layers.trunc_normal_ = DropPath, torch.nn.init.trunc_normal_
    for name in ('timm', 'timm.models'):
        sys.modules.setdefault(name, types.ModuleType(name))
    sys.modules['timm.models.layers'] = layers


def official_module(repo, name):
    """``slowfast/models/<name>.py`` of the checkout, imported with a stub registry."""
    models_dir = osp.join(repo, 'slowfast', 'models')
    path = osp.join(models_dir, f'{name}.py')
    if not osp.isfile(path):
        raise FileNotFoundError(f'{path} not found: --official-repo must be a checkout of '
                                'MTLab/MorphMLP')
    _timm_stub()
    package = types.ModuleType('official_morphmlp')
    package.__path__ = [models_dir]
    build = types.ModuleType('official_morphmlp.build')
    build.MODEL_REGISTRY = types.SimpleNamespace(register=lambda: (lambda cls: cls))
    sys.modules.update({'official_morphmlp': package, 'official_morphmlp.build': build})
    spec = importlib.util.spec_from_file_location(f'official_morphmlp.{name}', path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def official_model(repo, arch):
    """The official network with the MORPH settings of its K400 config (400 classes)."""
    module_name, cls_name, depths, _, _ = VARIANTS[arch]
    ns = types.SimpleNamespace
    cfg = ns(MODEL=ns(NUM_CLASSES=400), DATA=ns(TRAIN_CROP_SIZE=224, INPUT_CHANNEL_NUM=[3]),
             MORPH=ns(LAYERS=depths, TRANSITIONS=[True] * 4, SEGMENT_DIM=[14, 28, 28, 49],
                      T_STRIDE=4, MLP_RATIOS=[3] * 4, EMBED_DIMS=[112, 224, 392, 784],
                      PATCH_SIZE=7, QKV_BIAS=True, QKV_SCALE=None, ATTENTION_DROPOUT_RATE=0.,
                      DROP_DEPTH_RATE=0., PRETRAIN_PATH=''))
    return getattr(official_module(repo, module_name), cls_name)(cfg)


def ours(config):
    init_default_scope('mmaction')
    from mmaction.registry import MODELS
    cfg = Config.fromfile(osp.join(REPO, 'configs', config))
    cfg.model.backbone.drop_path_rate = 0.
    cfg.model.data_preprocessor.pop('blending', None)
    return MODELS.build(cfg.model).eval()


def parity(repo, arch, size, batch):
    official = randomise(official_model(repo, arch)).eval()
    converted = convert_official_checkpoint({'model_state': official.state_dict()},
                                            expected_arch=arch)
    model = ours(VARIANTS[arch][4])
    model.load_state_dict(converted['state_dict'], strict=True)
    x = torch.randn(batch, 3, VARIANTS[arch][3], *size)
    with torch.no_grad():
        ref = official([x])
        out = model.cls_head(model.backbone(x))
    diff = (ref - out).abs().max().item()
    print(f'MorphMLP {arch}, input {tuple(x.shape)}: max |logit difference| = {diff:.3e} '
          f'(max |logit| {ref.abs().max().item():.3f})')
    return diff


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--official-repo', required=True,
                        help='local checkout of MTLab/MorphMLP')
    parser.add_argument('--arch', nargs='+', default=list(VARIANTS), choices=list(VARIANTS))
    parser.add_argument('--size', nargs=2, type=int, default=[224, 224], metavar=('H', 'W'))
    parser.add_argument('--batch', type=int, default=2)
    parser.add_argument('--tolerance', type=float, default=1e-4,
                        help='exit with status 1 above this difference')
    args = parser.parse_args()
    torch.manual_seed(0)
    worst = max(parity(args.official_repo, a, args.size, args.batch) for a in args.arch)
    sys.exit(0 if worst <= args.tolerance else 1)


if __name__ == '__main__':
    main()
