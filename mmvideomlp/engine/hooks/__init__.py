from .cpu_gemm_hook import CpuGemmHook
from .ila_jitter_hook import ILAJitterHook

__all__ = ['CpuGemmHook', 'ILAJitterHook']
