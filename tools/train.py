"""Train a model from a config (mmaction2, mmpretrain or mmsegmentation).

Same arguments as mmaction2's tools/train.py; on machines without CUDA, ``--launcher
pytorch`` (torchrun, tools/dist_train.sh) runs with the gloo backend.
"""
import argparse

import mmvideomlp  # noqa: F401  (compatibility fixes and registration before the config loads)
from mmengine.config import Config, DictAction

from mmvideomlp.engine.hooks.cpu_gemm_hook import add_cpu_gemm_hook
from mmvideomlp.utils.launch import (build_runner, default_work_dir, enable_amp,
                                     prepare_cpu_distributed,
                                     restart_with_cpu_malloc_tuning, set_local_rank)


def parse_args():
    parser = argparse.ArgumentParser(description='Train a model')
    parser.add_argument('config', help='train config file path')
    parser.add_argument('--work-dir', help='the dir to save logs and models')
    parser.add_argument(
        '--resume', nargs='?', type=str, const='auto',
        help='resume from this checkpoint, or without a value from the latest checkpoint '
        'in the work directory')
    parser.add_argument('--resume-or-start', action='store_true',
                        help='resume from the latest checkpoint in the work directory, or '
                        'train from scratch if there is none')
    parser.add_argument('--allow-partial', action='store_true',
                        help='load_from may differ from the model: load the matching keys '
                        'only (config: allow_partial_load=True)')
    parser.add_argument('--amp', action='store_true',
                        help='automatic mixed precision: fp16 on CUDA, bfloat16 autocast on '
                        'CPU (needs native bf16, AVX-512 or AMX)')
    parser.add_argument('--no-validate', action='store_true',
                        help='do not evaluate checkpoints during training')
    parser.add_argument('--auto-scale-lr', action='store_true',
                        help='scale the learning rate by the actual total batch size')
    parser.add_argument('--seed', type=int, default=None, help='random seed')
    parser.add_argument('--diff-rank-seed', action='store_true',
                        help='set different seeds for different ranks')
    parser.add_argument('--deterministic', action='store_true',
                        help='deterministic options for the CUDNN backend')
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
    parser.add_argument('--local_rank', '--local-rank', type=int, default=0)
    args = parser.parse_args()
    if args.cpu_malloc_tuning:
        restart_with_cpu_malloc_tuning()
    set_local_rank(args.local_rank)
    return args


def merge_args(cfg, args):
    if args.no_validate:
        cfg.val_cfg = cfg.val_dataloader = cfg.val_evaluator = None
    cfg.launcher = args.launcher
    cfg.work_dir = default_work_dir(cfg, args.config, args.work_dir)
    if args.amp:
        enable_amp(cfg)
    if args.allow_partial:
        cfg.allow_partial_load = True
    if args.resume_or_start:
        if args.resume is not None:
            raise ValueError('--resume and --resume-or-start are exclusive')
        cfg.resume, cfg.load_from, cfg.resume_or_start = True, None, True
    elif args.resume == 'auto':
        cfg.resume, cfg.load_from = True, None
    elif args.resume is not None:
        cfg.resume, cfg.load_from = True, args.resume
    if args.auto_scale_lr:
        cfg.auto_scale_lr.enable = True
    if cfg.get('randomness', None) is None:
        cfg.randomness = dict(seed=args.seed, diff_rank_seed=args.diff_rank_seed,
                              deterministic=args.deterministic)
    if args.cfg_options is not None:
        cfg.merge_from_dict(args.cfg_options)
    add_cpu_gemm_hook(cfg, args.cpu_gemm)
    return prepare_cpu_distributed(cfg, args.launcher)


def main():
    args = parse_args()
    cfg = merge_args(Config.fromfile(args.config), args)
    build_runner(cfg).train()


if __name__ == '__main__':
    main()
