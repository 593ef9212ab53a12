"""Classify one video with a trained recognizer and print the top-k labels.

Example:
    python tools/demo.py demo/demo.mp4 configs/quickstart_synthetic.py \
        work_dirs/quickstart/best.pth --label-map data/synthetic/label_map.txt
"""
import argparse
import os.path as osp

import mmvideomlp  # noqa: F401
from mmengine.config import Config, DictAction

from mmvideomlp.utils.inference import classify_video, read_label_map


def parse_args():
    parser = argparse.ArgumentParser(description='Video classification demo')
    parser.add_argument('video', help='video file')
    parser.add_argument('config', help='recognizer config file')
    parser.add_argument('checkpoint', help='checkpoint file')
    parser.add_argument('--label-map', required=True, help='class names, one per line')
    parser.add_argument('--topk', type=int, default=5, help='how many labels to print')
    parser.add_argument('--device', default='cpu', help='e.g. cpu or cuda:0')
    parser.add_argument('--cpu-gemm', choices=['auto', 'blas', 'onednn'], default='auto',
                        help='GEMM back end of the FCs on CPU: blas (plain nn.Linear), onednn '
                        '(FCs converted to the oneDNN 1x1-convolution path) or auto (default: '
                        'onednn on non-Intel CPUs with AVX-512, else blas)')
    parser.add_argument('--precision', choices=['fp32', 'bf16', 'int8'], default='fp32',
                        help='bf16: the whole model in bfloat16 (fp32 with a message on CPUs '
                        'without native bf16); int8: dynamic int8 quantisation of the linear '
                        'layers (CPU)')
    parser.add_argument('--allow-partial', action='store_true',
                        help='the checkpoint may differ from the model: load the matching '
                        'keys only (by default a mismatch is an error)')
    parser.add_argument('--amp', action='store_true',
                        help='mixed precision: bfloat16 autocast on CPU, fp16 on CUDA')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction,
                        help='override config settings')
    return parser.parse_args()


def main():
    args = parse_args()
    cfg = Config.fromfile(args.config)
    if args.cfg_options:
        cfg.merge_from_dict(args.cfg_options)
    labels = read_label_map(args.label_map)
    results = classify_video(cfg, args.checkpoint, args.video, labels, topk=args.topk,
                             device=args.device, cpu_gemm=args.cpu_gemm,
                             precision=args.precision, allow_partial=args.allow_partial,
                             amp=args.amp)
    print(f'Top-{len(results)} predictions for {osp.basename(args.video)}:')
    for rank, (label, score) in enumerate(results, 1):
        print(f'  {rank}. {label}: {score:.4f}')


if __name__ == '__main__':
    main()
