from .bf16_inference_hook import BF16InferenceHook
from .cpu_gemm_hook import CpuGemmHook
from .data_check_hook import DataCheckHook
from .ila_jitter_hook import ILAJitterHook

__all__ = ['BF16InferenceHook', 'CpuGemmHook', 'DataCheckHook', 'ILAJitterHook']
