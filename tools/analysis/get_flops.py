"""Print the parameters and per-view FLOPs of a config's model.

Example:
    python tools/analysis/get_flops.py \\
        configs/morphmlp/morphmlp-s_in1k-pre_8xb8-16x4x1-60e_kinetics400-rgb.py --shape 3 16 224 224
    python tools/analysis/get_flops.py configs/morphmlp/morphmlp-t_8xb128_in1k.py --shape 3 224 224
"""
import argparse

import mmvideomlp  # noqa: F401
from mmengine.config import Config, DictAction

from mmvideomlp.utils.complexity import build_model_from_cfg, model_complexity


def parse_args():
    parser = argparse.ArgumentParser(description='Params and FLOPs of one view')
    parser.add_argument('config', help='config file path')
    parser.add_argument('--shape', type=int, nargs='+', default=[3, 16, 224, 224],
                        help='one view: C T H W (video) or C H W (image); a leading batch '
                        'of 1 is accepted')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction,
                        help='override config settings')
    args = parser.parse_args()
    shape = args.shape[1:] if len(args.shape) in (4, 5) and args.shape[0] == 1 and \
        len(args.shape) == 5 else args.shape
    if len(shape) not in (3, 4):
        parser.error(f'--shape must be C T H W or C H W, got {args.shape}')
    args.shape = tuple(shape)
    return args


def main():
    args = parse_args()
    cfg = Config.fromfile(args.config)
    if args.cfg_options:
        cfg.merge_from_dict(args.cfg_options)
    result = model_complexity(build_model_from_cfg(cfg), args.shape)
    print(f'Input shape (one view): {args.shape}')
    print(f'Params: {result["params"] / 1e6:.2f} M ({result["params"]:,}); '
          f'backbone {result["backbone_params"] / 1e6:.2f} M ({result["backbone_params"]:,})')
    if 'trainable_params' in result:
        print(f'Trainable params: {result["trainable_params"] / 1e6:.2f} M '
              f'({result["trainable_params"]:,})')
    print(f'FLOPs per view: {result["flops"] / 1e9:.2f} G ({result["flops"]:,})')
    for name, flops in result['flops_by_module'].items():
        print(f'  {name}: {flops / 1e9:.3f} G ({flops:,})')
    print('FLOPs count one multiply-add as one FLOP (fvcore convention); element-wise ops '
          'are not counted. Multiply by the number of test views for a whole video.')


if __name__ == '__main__':
    main()
