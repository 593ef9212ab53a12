from .cpu_gemm_hook import CpuGemmHook

__all__ = ['CpuGemmHook']
