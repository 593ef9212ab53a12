"""Training and evaluation machinery: checked checkpoint loading, exact resuming, bf16
mixed precision on CPU."""
from .amp import CPUAmpOptimWrapper, apply_fp32_head_losses, check_cpu_bf16
from .checkpoint import (CheckpointMismatchError, UnreadableCheckpointError,
                         load_state_dict_checked)
from .randomness import ExactResumeHook, SeededPipeline
from .runner import CheckedRunner

__all__ = ['CPUAmpOptimWrapper', 'apply_fp32_head_losses', 'check_cpu_bf16',
           'CheckpointMismatchError', 'UnreadableCheckpointError', 'load_state_dict_checked',
           'ExactResumeHook', 'SeededPipeline', 'CheckedRunner']

apply_fp32_head_losses()
