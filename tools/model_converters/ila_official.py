"""Convert an official ILA checkpoint (Francis-Rings/ILA) or an OpenAI CLIP release for
this package.

Example:
    python tools/model_converters/ila_official.py k400_B_16_16_rel.pth \
        checkpoints/ila_vitb16_16f_k400.pth
    python tools/test.py configs/ila/ila-vit-base-p16_clip-pre_8xb8-u16-50e_kinetics400-rgb.py \\
        checkpoints/ila_vitb16_16f_k400.pth
"""
import argparse

from mmvideomlp.converters.ila import convert_file, describe


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('src', help='official checkpoint (weights under ckpt["model"])')
    parser.add_argument('dst', help='output file (mmengine checkpoint with state_dict)')
    args = parser.parse_args()
    state, meta = convert_file(args.src, args.dst)
    print(f'{meta["source"]}, {len(state)} tensors: {describe(state)}')
    print(f'saved to {args.dst}')


if __name__ == '__main__':
    main()
