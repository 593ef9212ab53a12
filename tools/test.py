"""Test a checkpoint on a config's test set (mmaction2, mmpretrain or mmsegmentation)."""
import argparse
import json
import os.path as osp

import mmvideomlp  # noqa: F401
import torch
from mmengine.config import Config, DictAction

from mmvideomlp.engine import bf16_or_fp32
from mmvideomlp.engine.hooks.cpu_gemm_hook import add_cpu_gemm_hook
from mmvideomlp.utils.launch import (build_runner, default_work_dir, prepare_cpu_distributed,
                                     restart_with_cpu_malloc_tuning, set_local_rank)

SAMPLERS = ('SampleFrames', 'UniformSample', 'UniformSampleFrames', 'DenseSampleFrames',
            'CheckedSampleFrames', 'CheckedUniformSample')


def parse_args():
    parser = argparse.ArgumentParser(description='Test (and evaluate) a model')
    parser.add_argument('config', help='test config file path')
    parser.add_argument('checkpoint', help='checkpoint file')
    parser.add_argument('--work-dir', help='the dir to save the evaluation metrics')
    parser.add_argument('--dump', type=str, help='dump predictions to this pickle file')
    parser.add_argument('--time-reversed', action='store_true',
                        help='video configs: play every test clip backwards')
    parser.add_argument('--allow-partial', action='store_true',
                        help='the checkpoint may differ from the model: load the matching '
                        'keys only (by default a mismatch is an error)')
    parser.add_argument('--amp', action='store_true',
                        help='mixed precision: fp16 on CUDA, bfloat16 autocast on CPU')
    parser.add_argument('--metrics-json', help='also write the final metrics to this file')
    parser.add_argument(
        '--cfg-options', nargs='+', action=DictAction,
        help='override config settings, e.g. key=value or key="[a,b]"')
    parser.add_argument('--launcher', choices=['none', 'pytorch', 'slurm', 'mpi'],
                        default='none', help='job launcher')
    parser.add_argument('--cpu-gemm', choices=['auto', 'blas', 'onednn'],
                        help='GEMM back end of the FCs on CPU: blas (plain nn.Linear), onednn '
                        '(converted by CpuGemmHook before the run) or auto (onednn on non-Intel '
                        'CPUs with AVX-512, else blas); default: the config\'s CpuGemmHook, '
                        'else auto')
    parser.add_argument('--cpu-malloc-tuning', action='store_true',
                        help='CPU runs: restart with allocator settings that keep freed '
                        'memory (faster steps, higher resident memory)')
    parser.add_argument('--precision', choices=['fp32', 'bf16', 'int8'], default='fp32',
                        help='bf16: the whole model in bfloat16 (falls back to fp32 with a '
                        'message on CPUs without native bf16); int8: dynamic int8 quantisation '
                        'of the linear layers (CPU)')
    parser.add_argument('--local_rank', '--local-rank', type=int, default=0)
    args = parser.parse_args()
    if args.cpu_malloc_tuning:
        restart_with_cpu_malloc_tuning()
    set_local_rank(args.local_rank)
    return args


def reverse_time(pipeline):
    for i, step in enumerate(pipeline):
        if step['type'].split('.')[-1] in SAMPLERS:
            return pipeline[:i + 1] + [dict(type='ReverseFrameOrder')] + pipeline[i + 1:]
    raise ValueError(f'--time-reversed: no frame sampler ({", ".join(SAMPLERS)}) '
                     'in the test pipeline')


def main():
    args = parse_args()
    cfg = Config.fromfile(args.config)
    if args.cfg_options is not None:
        cfg.merge_from_dict(args.cfg_options)
    cfg.launcher = args.launcher
    cfg.work_dir = default_work_dir(cfg, args.config, args.work_dir)
    cfg.load_from = args.checkpoint
    cfg.pop('load_from_exclude', None)  # a fine-tuning option: the checkpoint is whole here
    if args.allow_partial:
        cfg.allow_partial_load = True
    if args.amp and (torch.cuda.is_available() or bf16_or_fp32('--amp')):
        cfg.test_cfg = dict(cfg.get('test_cfg') or dict(type='TestLoop'), fp16=True)
    if args.time_reversed:
        dataset = cfg.test_dataloader.dataset
        dataset.pipeline = reverse_time(dataset.pipeline)
    if args.dump is not None:
        if not args.dump.endswith(('.pkl', '.pickle')):
            raise ValueError('--dump must name a .pkl or .pickle file')
        dumper = dict(type='DumpResults', out_file_path=args.dump)
        evaluators = cfg.test_evaluator
        cfg.test_evaluator = (list(evaluators) if isinstance(evaluators, (list, tuple))
                              else [evaluators]) + [dumper]
    add_cpu_gemm_hook(cfg, args.cpu_gemm)
    cfg = prepare_cpu_distributed(cfg, args.launcher)
    runner = build_runner(cfg)
    if args.precision == 'bf16':
        from mmvideomlp.engine import BF16InferenceHook
        runner.register_hook(BF16InferenceHook())
    if args.precision == 'int8':
        from mmvideomlp.deployment.quantize import DynamicInt8Hook
        runner.register_hook(DynamicInt8Hook())
    metrics = runner.test()
    if runner.rank == 0:
        print('final metrics: ' + json.dumps(
            {k: round(float(v), 4) for k, v in metrics.items()}))
        if args.metrics_json:
            with open(args.metrics_json, 'w') as f:
                json.dump({k: float(v) for k, v in metrics.items()}, f, indent=2)
            print(f'metrics written to {osp.abspath(args.metrics_json)}')


if __name__ == '__main__':
    main()
