"""Convert an official MorphMLP video checkpoint (MTLab/MorphMLP) for this package.

Accepts the SlowFast training format (``model_state``) or a flat state dict, 16- or
32-frame models of any depth, width and per-stage MLP ratio, with or without the biases of
the token-mixing FCs (read from the shapes and validated); the chunk lengths, which leave no
trace in the shapes, default to the official ones (``--chunk-lengths``). The output
loads into ``Recognizer3D`` + ``MorphMLP`` + ``TokenNormHead`` with ``load_from`` or as the
checkpoint of ``tools/test.py``.

Example:
    python tools/model_converters/morphmlp_official.py mlp_s16x4_k400.pth \
        checkpoints/morphmlp_s16_k400.pth --arch s16
    python tools/test.py configs/morphmlp/morphmlp-s_in1k-pre_8xb8-16x4x1-60e_kinetics400-rgb.py \\
        checkpoints/morphmlp_s16_k400.pth
"""
import argparse
import sys

import mmvideomlp  # noqa: F401
from mmvideomlp.converters.morphmlp import save_checkpoint
from mmvideomlp.models.backbones.morphmlp import convert_official_checkpoint
from mmvideomlp.weights.io import read_checkpoint


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('src', help='official checkpoint (path or URL)')
    parser.add_argument('dst', help='output file ({"state_dict", "meta"})')
    parser.add_argument('--arch', help='expected variant (s16, s32, b16, b32, s, b): fail if '
                        'the weights have other depths, widths or frame count')
    parser.add_argument('--num-frames', type=int, help='input frames of the model (default: '
                        'read from the shapes; 32 when a stage has a non-square t_fc.mlp_t)')
    parser.add_argument('--chunk-lengths', type=int, nargs=4, metavar='L',
                        help='the official SEGMENT_DIM of the model (default: 14 28 28 49)')
    args = parser.parse_args(argv)
    try:
        checkpoint = read_checkpoint(args.src)
    except (FileNotFoundError, ValueError) as err:
        sys.exit(f'error: {err}')
    try:
        converted = convert_official_checkpoint(checkpoint, args.arch, args.num_frames,
                                                args.chunk_lengths)
    except (KeyError, ValueError, TypeError) as err:
        sys.exit(f'error: {args.src}: {err.args[0] if err.args else err}')
    meta = converted['meta']
    save_checkpoint(converted, args.dst)
    arch = meta['arch']
    print(f'MorphMLP-{meta["arch_name"] or "custom"}: depths {arch["depths"]}, widths '
          f'{arch["embed_dims"]}, {meta["num_frames"]} frames, temporal groups '
          f'{arch["temporal_groups"]}, MLP ratio {arch["mlp_ratio"]}, '
          f'{meta["num_classes"]} classes')
    if meta['arch_name'] is None:
        bias = '' if meta['mixing_bias'] else ', mixing_bias=False'
        print(f'backbone: dict(type="MorphMLP", arch={arch}, num_frames={meta["num_frames"]}'
              f'{bias})')
    print(f'{len(converted["state_dict"])} tensors saved to {args.dst}')


if __name__ == '__main__':
    main()
