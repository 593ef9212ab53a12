"""Speed, memory and model FLOP utilisation of video recognizers, side by side.

Each model runs in a fresh process (clean peak memory). The machine's GEMM peak is measured
in the same run, through torch.matmul and (on CPU) oneDNN, and the higher one is the
reference for model FLOP utilisation (MFU), so figures from different machines compare as
ratios. On CPU the process restarts itself with allocator settings that keep freed memory
(see mmvideomlp/utils/benchmark.py); --no-malloc-tuning keeps glibc's defaults.
The FCs run on the tools' default GEMM back end for this CPU (--cpu-gemm auto, see
mmvideomlp/utils/cpu_gemm.py); --cpu-gemm blas|onednn picks one, --cpu-gemm both times each
model both ways and prints which back end is faster.

Examples:
    python tools/analysis/benchmark.py \\
        configs/morphmlp/morphmlp-s_in1k-pre_8xb8-16x4x1-60e_kinetics400-rgb.py --references all
    python tools/analysis/benchmark.py \\
        configs/morphmlp/morphmlp-b_in1k-pre_8xb8-16x4x1-60e_kinetics400-rgb.py VideoSwin-T \\
        --device cuda --precision bf16 --batch 8 --json bench.json --plot bench.png
"""
import argparse
import json
import multiprocessing as mp
import os
import sys

import mmvideomlp  # noqa: F401
from mmengine.config import Config, DictAction

from mmvideomlp.engine.amp import cpu_bf16_supported
from mmvideomlp.utils.benchmark import (REFERENCES, gemm_peak, malloc_env_missing,
                                        CPU_MALLOC_ENV)
from mmvideomlp.utils.cpu_gemm import resolve_cpu_gemm


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('models', nargs='+',
                        help=f'config files and/or reference names: {", ".join(REFERENCES)}')
    parser.add_argument('--references', nargs='*', default=[],
                        help='add mmaction2 reference models ("all" for every one)')
    parser.add_argument('--batch', type=int, default=1)
    parser.add_argument('--frames', type=int, default=16)
    parser.add_argument('--size', type=int, default=224)
    parser.add_argument('--device', default='cpu')
    parser.add_argument('--precision', nargs='+', default=['fp32'],
                        choices=['fp32', 'bf16', 'bf16-autocast', 'fp16'],
                        help='bf16: inference with the model cast to bf16, the training step '
                        'under bf16 autocast (as tools/train.py --amp); bf16-autocast: both '
                        'under autocast; fp16: autocast (CUDA)')
    parser.add_argument('--compile', action='store_true', help='also time torch.compile')
    parser.add_argument('--no-train', action='store_true', help='inference only')
    parser.add_argument('--warmup', type=int, default=2)
    parser.add_argument('--repeats', type=int, default=5)
    parser.add_argument('--cfg-options', nargs='+', action=DictAction, default={},
                        help='key=value overrides applied to every config')
    parser.add_argument('--json', help='write all results to this file')
    parser.add_argument('--plot', help='write a GFLOPs-vs-throughput plot (png)')
    parser.add_argument('--gemm-size', type=int, default=2048,
                        help='matrix size of the peak measurement')
    parser.add_argument('--no-malloc-tuning', action='store_true')
    parser.add_argument('--onnx', action='store_true',
                        help='also time onnxruntime fp32 and dynamic int8 inference of each '
                        'config (CPU; needs the deploy extra)')
    parser.add_argument('--cpu-gemm', choices=['auto', 'blas', 'onednn', 'both'],
                        default='auto',
                        help='GEMM back end of the FCs on CPU: blas (plain nn.Linear), onednn '
                        '(FCs converted to the oneDNN path), auto (default: the tools\' '
                        'default for this CPU) or both (each model timed both ways)')
    parser.add_argument('--with-cp', choices=['off', 'on', 'both'], default='off',
                        help='gradient checkpointing of every backbone block (with_cp) in the '
                        'training step: off (default), on, or both (memory and time each way)')
    args = parser.parse_args()
    if args.references == ['all']:
        args.references = list(REFERENCES)
    unknown = [r for r in args.references if r not in REFERENCES]
    if unknown:
        parser.error(f'unknown references {unknown}; known: {list(REFERENCES)}')
    return args


def build(name, cfg_options):
    """Build a recognizer from a config path or a reference name (no pretrained weights)."""
    from mmvideomlp.utils.complexity import build_model_from_cfg
    path = REFERENCES.get(name, name)
    if path.startswith('mmaction::'):
        import mmaction
        path = os.path.join(os.path.dirname(mmaction.__file__), '.mim', 'configs',
                            path[len('mmaction::'):])
    cfg = Config.fromfile(path)
    cfg.setdefault('default_scope', 'mmaction')
    if cfg_options:
        cfg.merge_from_dict(cfg_options)
    backbone = cfg.model.get('backbone', {})
    for key in ('pretrained', 'pretrained2d'):
        if key in backbone:
            backbone[key] = None if key == 'pretrained' else False
    backbone.pop('init_cfg', None)
    return build_model_from_cfg(cfg)


def flops_per_view(model, frames, size):
    import torch

    from mmvideomlp.utils.benchmark import recognizer_forward
    from mmvideomlp.utils.complexity import flop_analyzer
    forward, inputs = recognizer_forward(model, 1, frames, size, 'cpu')

    class Whole(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.model = model

        def forward(self, x):
            return forward()

    with torch.no_grad():
        return flop_analyzer(Whole(), (inputs, )).total()


def set_with_cp(model, with_cp):
    """Gradient checkpointing of every block of ``model.backbone`` (``with_cp``)."""
    if not hasattr(model.backbone, 'with_cp'):
        raise ValueError(f'{type(model.backbone).__name__} has no with_cp option')
    model.backbone.with_cp = with_cp


def worker(name, args, precision, compile, backend, queue, with_cp=False):
    import torch

    from mmvideomlp.utils.benchmark import measure
    from mmvideomlp.utils.cpu_gemm import set_cpu_gemm
    try:
        model = build(name, args.cfg_options).eval()
        result = dict(model=name, precision=precision, compile=compile, cpu_gemm=backend,
                      params=sum(p.numel() for p in model.parameters()),
                      flops=flops_per_view(model, args.frames, args.size))
        result['onednn_fcs'] = set_cpu_gemm(model, backend)
        if with_cp:
            set_with_cp(model, True)
        result['with_cp'] = with_cp
        result.update(measure(model, args.batch, args.frames, args.size, args.device,
                              precision, compile, not args.no_train, args.warmup,
                              args.repeats))
        result['threads'] = torch.get_num_threads()
    except Exception as err:  # report and go on with the other models
        result = dict(model=name, precision=precision, compile=compile, cpu_gemm=backend,
                      with_cp=with_cp, error=f'{type(err).__name__}: {err}')
    queue.put(result)


def run_isolated(name, args, precision, compile, backend, with_cp=False):
    ctx = mp.get_context('spawn')
    queue = ctx.Queue()
    proc = ctx.Process(target=worker, args=(name, args, precision, compile, backend, queue,
                                            with_cp))
    proc.start()
    result = queue.get()
    proc.join()
    return result


def onnx_worker(name, args, queue):
    from mmvideomlp.deployment.benchmark import measure_onnx
    try:
        model = build(name, args.cfg_options).eval()
        common = dict(model=name, compile=False, cpu_gemm='-', onednn_fcs=0,
                      params=sum(p.numel() for p in model.parameters()),
                      flops=flops_per_view(model, args.frames, args.size))
        cfg = Config.fromfile(name)
        if args.cfg_options:
            cfg.merge_from_dict(args.cfg_options)
        results = [dict(common, **r) for r in measure_onnx(
            model, cfg, args.batch, args.frames, args.size, args.warmup, args.repeats)]
    except Exception as err:  # report and go on with the other models
        results = [dict(model=name, precision='onnx', compile=False, cpu_gemm='-',
                        error=f'{type(err).__name__}: {err}')]
    queue.put(results)


def run_onnx_isolated(name, args):
    ctx = mp.get_context('spawn')
    queue = ctx.Queue()
    proc = ctx.Process(target=onnx_worker, args=(name, args, queue))
    proc.start()
    results = queue.get()
    proc.join()
    return results


def table(results, peak, batch):
    head = ('model', 'prec', 'GFLOPs/view', 'params M', 'infer s [min-max]', 'clips/s',
            'infer MFU', 'train s [min-max]', 'train MFU', 'peak mem GB', 'step peak GB',
            'CPU GEMM')
    rows = [head]
    for r in results:
        if 'error' in r:
            rows.append((r['model'], r['precision'], 'error: ' + r['error'][:80]) +
                        ('', ) * (len(head) - 3))
            continue
        name = r['model'] + (' (compiled)' if r['compile'] else '') + (
            ' (with_cp)' if r.get('with_cp') else '')
        flop2 = 2 * r['flops'] * batch
        inf, trn = r['infer'], r.get('train')
        rows.append((
            name, r['precision'], f'{r["flops"] / 1e9:.1f}', f'{r["params"] / 1e6:.2f}',
            f'{inf["median"]:.3f} [{inf["min"]:.3f}-{inf["max"]:.3f}]',
            f'{r["clips_per_s"]["infer"]:.2f}', f'{flop2 / inf["median"] / peak:.1%}',
            f'{trn["median"]:.3f} [{trn["min"]:.3f}-{trn["max"]:.3f}]' if trn else '-',
            f'{3 * flop2 / trn["median"] / peak:.1%}' if trn else '-',
            f'{r["peak_memory"] / 2**30:.2f}',
            f'{r["train_step_peak"] / 2**30:.2f}' if 'train_step_peak' in r else '-',
            f'{r["cpu_gemm"]} ({r["onednn_fcs"]} FCs)' if r['onednn_fcs'] else r['cpu_gemm']))
    widths = [max(len(str(row[i])) for row in rows) for i in range(len(head))]
    return '\n'.join('  '.join(str(c).ljust(w) for c, w in zip(row, widths)) for row in rows)


def ratios(results):
    ok = [r for r in results if 'error' not in r]
    refs = [r for r in ok if r['model'] in REFERENCES]
    lines = []
    for r in ok:
        if r['model'] in REFERENCES:
            continue
        for ref in refs:
            if any(ref[k] != r[k] for k in ('precision', 'compile', 'cpu_gemm')):
                continue
            parts = [f'inference {ref["infer"]["median"] / r["infer"]["median"]:.2f}x']
            if 'train' in r and 'train' in ref:
                parts.append(f'training step {ref["train"]["median"] / r["train"]["median"]:.2f}x')
            lines.append(f'{r["model"]} vs {ref["model"]} ({r["precision"]}, {r["cpu_gemm"]}): '
                         'speed-up ' + ', '.join(parts))
    return '\n'.join(lines)


def backend_ratios(results):
    """Speed of oneDNN against BLAS for every model measured both ways."""
    ok = {(r['model'], r['precision'], r['compile'], r['cpu_gemm']): r
          for r in results if 'error' not in r and not r.get('with_cp')}
    lines = []
    for (model, precision, compile, backend), blas in ok.items():
        onednn = ok.get((model, precision, compile, 'onednn'))
        if backend != 'blas' or onednn is None:
            continue
        parts = []
        for mode, label in (('infer', 'inference'), ('train', 'training step')):
            if mode in blas and mode in onednn:
                ratio = blas[mode]['median'] / onednn[mode]['median']
                parts.append(f'{label} {ratio:.2f}x ({"onednn" if ratio > 1 else "blas"} faster)')
        lines.append(f'{model} ({precision}{", compiled" if compile else ""}): oneDNN vs BLAS '
                     'speed-up ' + ', '.join(parts))
    return '\n'.join(lines)


def checkpointing_savings(results):
    """Training-step peak memory and time with ``with_cp`` against without, per model."""
    plain = {(r['model'], r['precision'], r['compile'], r['cpu_gemm']): r for r in results
             if 'error' not in r and 'train' in r and r.get('with_cp') is False}
    lines = []
    for r in results:
        ref = plain.get((r['model'], r['precision'], r['compile'], r.get('cpu_gemm')))
        if 'error' in r or 'train' not in r or not r.get('with_cp') or ref is None:
            continue
        lines.append(
            f'{r["model"]} ({r["precision"]}): with_cp a training step holds '
            f'{r["train_step_peak"] / 2**30:.2f} GB at its peak vs '
            f'{ref["train_step_peak"] / 2**30:.2f} GB without '
            f'({r["train_step_peak"] / ref["train_step_peak"]:.0%}), and takes '
            f'{r["train"]["median"] / ref["train"]["median"]:.2f}x the time')
    return '\n'.join(lines)


def plot(results, path):
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(figsize=(6, 4.5))
    for r in results:
        if 'error' in r:
            continue
        ours = r['model'] not in REFERENCES
        label = os.path.splitext(os.path.basename(r['model']))[0]
        ax.scatter(r['flops'] / 1e9, r['clips_per_s']['infer'], marker='o' if ours else 's',
                   color='tab:red' if ours else 'tab:gray')
        ax.annotate(f'{label} {r["precision"]}', (r['flops'] / 1e9, r['clips_per_s']['infer']),
                    fontsize=7, xytext=(3, 3), textcoords='offset points')
    ax.set_xlabel('GFLOPs per view')
    ax.set_ylabel('inference throughput (clips/s)')
    ax.set_title('mmvideomlp (red) and mmaction2 references (grey)')
    ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=120)


def main():
    args = parse_args()
    if args.device == 'cpu' and not args.no_malloc_tuning and malloc_env_missing():
        os.execve(sys.executable, [sys.executable] + sys.argv,
                  dict(os.environ, **CPU_MALLOC_ENV))
    peak = gemm_peak(args.gemm_size, device=args.device)
    print(f'GEMM peak ({args.gemm_size}^3, fp32): ' + ', '.join(
        f'{k} {v / 1e9:.0f} GFLOP/s' for k, v in peak.items()))
    if args.device == 'cpu' and {'bf16', 'bf16-autocast'} & set(args.precision) \
            and not cpu_bf16_supported():
        print('note: this CPU has no native bf16 instructions; its bf16 rows are oneDNN\'s '
              'emulation, slower than fp32 (tools/test.py --precision bf16 and --amp run in '
              'fp32 here)')
    backends = (['blas', 'onednn'] if args.cpu_gemm == 'both' else
                [resolve_cpu_gemm(args.cpu_gemm)])
    cp_values = dict(off=[False], on=[True], both=[False, True])[args.with_cp]
    results = []
    for name in dict.fromkeys(list(args.models) + args.references):
        for precision in args.precision:
            for compile in ([False, True] if args.compile else [False]):
                for backend in backends:
                    for with_cp in cp_values:
                        results.append(run_isolated(name, args, precision, compile, backend,
                                                    with_cp))
                        print(f'measured {name} {precision}{" compiled" if compile else ""} '
                              f'{backend}{" with_cp" if with_cp else ""}', flush=True)
        if args.onnx and name not in REFERENCES:
            results += run_onnx_isolated(name, args)
            print(f'measured {name} onnxruntime fp32, int8', flush=True)
    print(f'\nbatch {args.batch}, {args.frames} frames, {args.size}x{args.size}, '
          f'{args.device}; MFU against {peak["peak"] / 1e9:.0f} GFLOP/s; CPU GEMM: the back '
          'end of the FCs (and how many were converted to oneDNN)')
    print(table(results, peak['peak'], args.batch))
    for text in (ratios(results), backend_ratios(results), checkpointing_savings(results)):
        if text:
            print('\n' + text)
    if args.json:
        with open(args.json, 'w') as f:
            json.dump(dict(gemm_peak=peak, batch=args.batch, frames=args.frames,
                           size=args.size, device=args.device, results=results), f, indent=2)
    if args.plot:
        plot(results, args.plot)


if __name__ == '__main__':
    main()
