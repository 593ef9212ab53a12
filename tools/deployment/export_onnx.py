"""Export a recognizer (or image classifier) to ONNX and check it against PyTorch.

The graph maps a *normalised* clip ``(N, C, T, H, W)`` (image: ``(N, C, H, W)``), i.e. the
data preprocessor's output, to the raw class scores (logits); mean, std and layout are in
the model's metadata. The exported fp32 graph is run with onnxruntime on a random input
and compared with PyTorch: the tool exits with an error when the scores differ by more
than 1e-4. ``--precision int8`` then writes onnxruntime's dynamic int8 quantisation of the
weight GEMMs and reports its difference and top-1 agreement.

Examples:
    python tools/deployment/export_onnx.py configs/morphmlp_synthetic.py none \\
        --shape 1 3 16 56 56 --dynamic-batch morphmlp.onnx
    python tools/deployment/export_onnx.py configs/morphmlp_t_in1k.py none \\
        --shape 1 3 224 224 morphmlp_t.onnx
"""
import argparse
import os.path as osp
import sys

import mmvideomlp  # noqa: F401
from mmengine.config import Config, DictAction

from mmvideomlp.deployment.model import ExportError, load_model
from mmvideomlp.deployment.onnx import (DEFAULT_OPSET, EXPORTERS, FP32_TOLERANCE, check_fp32,
                                        compare, export_onnx, quantize_onnx)


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('config')
    parser.add_argument('checkpoint', help="checkpoint file, or 'none' for random weights")
    parser.add_argument('out', help='output .onnx file')
    parser.add_argument('--shape', type=int, nargs='+', required=True,
                        help='input shape: N C T H W (video) or N C H W (image)')
    parser.add_argument('--dynamic-batch', action='store_true',
                        help='make the batch axis dynamic (export at N, run at any batch)')
    parser.add_argument('--opset', type=int, default=DEFAULT_OPSET)
    parser.add_argument('--precision', choices=['fp32', 'int8'], default='fp32',
                        help='int8: also quantise (dynamic, weight GEMMs); OUT is the int8 '
                        'model and the fp32 one is kept as OUT with .fp32.onnx')
    parser.add_argument('--exporter', choices=EXPORTERS, default='torchscript')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction)
    return parser.parse_args()


def main():
    args = parse_args()
    cfg = Config.fromfile(args.config)
    if args.cfg_options:
        cfg.merge_from_dict(args.cfg_options)
    fp32_path = args.out
    if args.precision == 'int8':
        fp32_path = osp.splitext(args.out)[0] + '.fp32.onnx'
    try:
        model = load_model(cfg, args.checkpoint)
        graph, x = export_onnx(model, cfg, tuple(args.shape), fp32_path, args.opset,
                               args.dynamic_batch, args.exporter)
        fp32 = check_fp32(graph, fp32_path, x)
        print(f'fp32: {fp32_path} (opset {args.opset}, {args.exporter} exporter), max abs '
              f'logit difference from PyTorch {fp32["max_abs_diff"]:.3g} '
              f'(tolerance {FP32_TOLERANCE:g}) on input {tuple(x.shape)}')
        if args.dynamic_batch:
            x2 = x.repeat(2, *([1] * (x.dim() - 1)))
            x2[1:] = x2[1:].flip(-1)
            batch2 = check_fp32(graph, fp32_path, x2)
            print(f'fp32 at batch {x2.shape[0]}: max abs difference {batch2["max_abs_diff"]:.3g}')
        if args.precision == 'int8':
            quantize_onnx(fp32_path, args.out)
            int8 = compare(graph, args.out, x)
            print(f'int8: {args.out}, max abs logit difference from PyTorch fp32 '
                  f'{int8["max_abs_diff"]:.3g} (largest logit {int8["max_abs_logit"]:.3g}), '
                  f'top-1 agreement {int8["top1_agreement"]:.0%} on {x.shape[0]} input(s)')
    except ExportError as err:
        print(f'ERROR: {err}', file=sys.stderr)
        sys.exit(1)


if __name__ == '__main__':
    main()
