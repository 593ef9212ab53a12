"""Training-loop pieces of the package (hooks, optimiser wrapper constructors), registered
into mmengine's registries, which the OpenMMLab codebases' registries fall back to."""
from .hooks import CpuGemmHook, DataCheckHook, ILAJitterHook
from .optimizers import ILAOptimWrapperConstructor

__all__ = ['CpuGemmHook', 'DataCheckHook', 'ILAJitterHook', 'ILAOptimWrapperConstructor']
