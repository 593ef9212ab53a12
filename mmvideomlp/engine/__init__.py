"""Training-loop pieces of the package (hooks, optimiser wrapper constructors), registered
into mmengine's registries, which the OpenMMLab codebases' registries fall back to."""
from .hooks import CpuGemmHook, DataCheckHook, ILAJitterHook
from .optimizers import ILAOptimWrapperConstructor
from .strategies import (ShardedClipOptimWrapper, video_block_checkpoint_fn,
                         video_block_wrap_policy)

__all__ = ['CpuGemmHook', 'DataCheckHook', 'ILAJitterHook', 'ILAOptimWrapperConstructor',
           'ShardedClipOptimWrapper', 'video_block_checkpoint_fn', 'video_block_wrap_policy']
