"""Pieces for mmengine's ``FlexibleRunner`` strategies (FSDP, DeepSpeed): which modules FSDP
shards and checkpoints, and gradient clipping over sharded gradients."""
from .blocks import (BLOCK_TYPES, block_classes, video_block_checkpoint_fn,
                     video_block_wrap_policy)
from .fsdp import PlainGroupsFSDPStrategy, frozen_scalars_to_buffers, resolve_fp32_modules
from .sharded_clip import ShardedClipOptimWrapper

__all__ = ['BLOCK_TYPES', 'block_classes', 'video_block_checkpoint_fn',
           'video_block_wrap_policy', 'PlainGroupsFSDPStrategy', 'ShardedClipOptimWrapper',
           'frozen_scalars_to_buffers', 'resolve_fp32_modules']
