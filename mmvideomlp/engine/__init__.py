"""Training and evaluation machinery: hooks, optimiser wrapper constructors, checked
checkpoint loading, exact resuming and bf16 mixed precision on CPU. Registered into mmengine's
registries (and the codebases' where a name must resolve under every scope)."""
from .amp import (CPUAmpOptimWrapper, apply_fp32_head_losses, bf16_or_fp32, check_cpu_bf16,
                  cpu_bf16_supported)
from .checkpoint import (CheckpointMismatchError, UnreadableCheckpointError,
                         load_state_dict_checked)
from .hooks import BF16InferenceHook, CpuGemmHook, DataCheckHook, ILAJitterHook
from .optimizers import (ILAOptimWrapperConstructor, MergedGroupsOptimWrapperConstructor,
                         merge_param_groups)
from .randomness import ExactResumeHook, SeededPipeline
from .runner import CheckedRunner
from .strategies import (ShardedClipOptimWrapper, video_block_checkpoint_fn,
                         video_block_wrap_policy)

__all__ = ['CPUAmpOptimWrapper', 'apply_fp32_head_losses', 'bf16_or_fp32', 'check_cpu_bf16',
           'cpu_bf16_supported', 'BF16InferenceHook',
           'CheckpointMismatchError', 'UnreadableCheckpointError', 'load_state_dict_checked',
           'CpuGemmHook', 'DataCheckHook', 'ILAJitterHook', 'ILAOptimWrapperConstructor',
           'MergedGroupsOptimWrapperConstructor', 'merge_param_groups',
           'ExactResumeHook', 'SeededPipeline', 'CheckedRunner', 'ShardedClipOptimWrapper',
           'video_block_checkpoint_fn', 'video_block_wrap_policy']

apply_fp32_head_losses()
