"""Convert an official PosMLP-Video (PySlowFast) or image PosMLP (timm) checkpoint.

Video checkpoints become mmaction2 Recognizer3D weights, image checkpoints (their
``state_dict_ema``) mmpretrain ImageClassifier weights; the kind is detected from the keys.

Example:
    python tools/model_converters/posmlp_official.py checkpoint_epoch_00060.pyth \
        checkpoints/posmlp_s16_ssv1.pth
    python tools/test.py configs/posmlp/posmlp-video-s_in1k-pre_4xb8-u16-60e_sthv1-rgb.py \\
        checkpoints/posmlp_s16_ssv1.pth
    python tools/model_converters/posmlp_official.py PosMLP_T.pth checkpoints/posmlp_t_in1k.pth
"""
import argparse

from mmvideomlp.converters.posmlp import convert_file


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('src', help='official checkpoint (path or URL)')
    parser.add_argument('dst', help='output file (mmengine checkpoint with state_dict)')
    parser.add_argument('--kind', choices=['auto', 'video', 'image'], default='auto',
                        help='checkpoint kind (default: detected from the keys)')
    args = parser.parse_args()
    state_dict, kind = convert_file(args.src, args.dst, args.kind)
    params = sum(v.numel() for k, v in state_dict.items() if v.is_floating_point()
                 and 'running_' not in k)
    print(f'{kind} checkpoint: {len(state_dict)} tensors, {params / 1e6:.2f} M parameters')
    print(f'saved to {args.dst}')


if __name__ == '__main__':
    main()
