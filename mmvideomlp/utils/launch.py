"""Helpers shared by tools/train.py and tools/test.py."""
import os
import os.path as osp

import torch
import torch.distributed as dist


def prepare_cpu_distributed(cfg, launcher):
    """Make ``--launcher pytorch`` work on machines without CUDA (gloo backend).

    mmengine's launcher calls ``torch.cuda.set_device`` and the Runner wraps the model with
    ``device_ids=[LOCAL_RANK]``; both fail without CUDA. The process group is created here
    first (the Runner then skips its own initialisation) and DDP gets ``device_ids=None``;
    with mmengine's FlexibleRunner (``runner_type`` or ``strategy`` in the config) the
    strategy's wrapper is set up for the CPU instead (:func:`_cpu_strategy`). Does nothing
    when CUDA is available or the launcher is not ``pytorch``.
    """
    if launcher != 'pytorch' or torch.cuda.is_available():
        return cfg
    dist_cfg = cfg.setdefault('env_cfg', {}).setdefault('dist_cfg', {})
    if dist_cfg.get('backend', 'nccl') == 'nccl':
        dist_cfg['backend'] = 'gloo'
    flexible = cfg.get('runner_type') == 'FlexibleRunner' or cfg.get('strategy') is not None
    if flexible:
        cfg = _cpu_strategy(cfg)  # refuses DeepSpeed before any process group exists
    if not dist.is_initialized():
        dist.init_process_group(backend=dist_cfg['backend'])
    if flexible:
        return cfg
    wrapper = cfg.get('model_wrapper_cfg') or dict(
        type='MMDistributedDataParallel', broadcast_buffers=False,
        find_unused_parameters=cfg.get('find_unused_parameters', False))
    wrapper['device_ids'] = None
    cfg.model_wrapper_cfg = wrapper
    return cfg


def enable_amp(cfg):
    """``--amp`` of tools/train.py: fp16 ``AmpOptimWrapper`` with CUDA, bf16 autocast
    (``CPUAmpOptimWrapper``) on CPU.

    Raises:
        ValueError: the config's optim wrapper is neither ``OptimWrapper`` nor an AMP one.

    On a CPU without native bf16 the config is left in fp32 and the log says why.
    """
    wrapper = cfg.optim_wrapper.get('type', 'OptimWrapper')
    if wrapper not in ('OptimWrapper', 'AmpOptimWrapper', 'CPUAmpOptimWrapper'):
        raise ValueError(f'--amp cannot be combined with optim_wrapper type {wrapper}')
    if torch.cuda.is_available():
        cfg.optim_wrapper.type = 'AmpOptimWrapper'
        cfg.optim_wrapper.setdefault('loss_scale', 'dynamic')
    else:
        from mmvideomlp.engine import bf16_or_fp32
        if not bf16_or_fp32('--amp'):
            return cfg
        cfg.optim_wrapper.type = 'CPUAmpOptimWrapper'
        cfg.optim_wrapper.pop('loss_scale', None)
        cfg.optim_wrapper['dtype'] = 'bfloat16'
    return cfg


def build_runner(cfg):
    """The config's ``runner_type``, else :class:`mmvideomlp.engine.CheckedRunner`."""
    from mmengine.registry import RUNNERS
    cfg.setdefault('runner_type', 'CheckedRunner')
    return RUNNERS.build(cfg)


def _cpu_strategy(cfg):
    """The CPU counterpart of :func:`prepare_cpu_distributed` for mmengine's FlexibleRunner:
    its strategy's model wrapper gets no GPU index (DDP ``device_ids=None``, FSDP
    ``device_id='cpu'``). DeepSpeed needs CUDA and is refused with a clear error."""
    strategy = cfg.get('strategy') or dict(type='DDPStrategy')
    kind = strategy.get('type', 'DDPStrategy')
    kind = kind if isinstance(kind, str) else kind.__name__
    if kind == 'DDPStrategy':
        wrapper = strategy.get('model_wrapper') or dict(
            type='MMDistributedDataParallel', broadcast_buffers=False)
        wrapper['device_ids'] = None
    elif kind in ('FSDPStrategy', 'PlainGroupsFSDPStrategy'):
        wrapper = strategy.get('model_wrapper') or dict(type='MMFullyShardedDataParallel')
        wrapper['device_id'] = 'cpu'
        strategy['state_dict_cfg'] = _cpu_state_dict_cfg(strategy.get('state_dict_cfg', 'local'))
    elif kind == 'DeepSpeedStrategy':
        raise RuntimeError('DeepSpeedStrategy trains on CUDA GPUs only and this machine has '
                           'none; on CPU use FSDPStrategy (configs/_base_/strategies/fsdp.py) '
                           'or the default DDP')
    else:
        return cfg
    strategy['model_wrapper'] = wrapper
    cfg.strategy = strategy
    return cfg


def _cpu_state_dict_cfg(state_dict_cfg):
    """FSDP whole (``'full'``) state dicts without ``offload_to_cpu``, which crashes the
    gathering process (SIGSEGV, torch 2.13) when the parameters already live on the CPU."""
    if state_dict_cfg == 'full':
        state_dict_cfg = dict(state_dict_type='FULL_STATE_DICT',
                              state_dict_config=dict(type='FullStateDictConfig', rank0_only=True),
                              optim_state_dict_config=dict(type='FullOptimStateDictConfig',
                                                           rank0_only=True))
    if isinstance(state_dict_cfg, dict):
        for key in ('state_dict_config', 'optim_state_dict_config'):
            if isinstance(state_dict_cfg.get(key), dict):
                state_dict_cfg[key]['offload_to_cpu'] = False
    return state_dict_cfg


def default_work_dir(cfg, config_path, work_dir=None):
    if work_dir is not None:
        return work_dir
    if cfg.get('work_dir', None) is not None:
        return cfg.work_dir
    return osp.join('./work_dirs', osp.splitext(osp.basename(config_path))[0])


def set_local_rank(local_rank):
    os.environ.setdefault('LOCAL_RANK', str(local_rank))


def restart_with_cpu_malloc_tuning():
    """Restart this process with glibc allocator settings that keep freed memory.

    With glibc's defaults, large activation buffers are unmapped after every iteration and
    faulted back in by the next one, which on CPU costs seconds of kernel time per training
    step. Does nothing if the settings are already in the environment.
    """
    import sys

    from .benchmark import CPU_MALLOC_ENV, malloc_env_missing
    if malloc_env_missing():
        os.execve(sys.executable, [sys.executable] + sys.argv,
                  dict(os.environ, **CPU_MALLOC_ENV))
