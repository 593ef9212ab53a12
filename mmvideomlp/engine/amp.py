"""bf16 mixed precision on CPU, and head losses computed in fp32 whatever the logits' dtype.

mmengine 0.10.7's ``AmpOptimWrapper`` refuses to start without an accelerator (and its
gradient scaler is a CUDA one); bf16 needs no loss scaling, so on CPU a plain
``OptimWrapper`` under ``torch.autocast('cpu', dtype=torch.bfloat16)`` is enough.
"""
import functools
import logging
from contextlib import contextmanager

import torch
from mmengine.logging import print_log
from mmengine.optim import OptimWrapper
from mmengine.registry import OPTIM_WRAPPERS

from ..utils.cpu import cpu_flags


# instruction-set flags of CPUs that compute bf16 in hardware: x86 AVX512-BF16 or AMX-BF16,
# Arm's BF16 extension; without them oneDNN emulates bf16 on AVX-512, several times slower
# than fp32 (61 against 320 GFLOP/s measured on a 2-core Xeon with AVX-512 but neither flag)
NATIVE_BF16_FLAGS = frozenset({'avx512_bf16', 'amx_bf16', 'bf16'})


def cpu_bf16_supported():
    """Whether this CPU computes bf16 natively: a native bf16 instruction-set flag (where the
    CPU's flags are known) and oneDNN's bf16 kernels."""
    try:
        onednn = bool(torch.ops.mkldnn._is_mkldnn_bf16_supported())
    except (AttributeError, RuntimeError):
        return False
    flags = cpu_flags()
    return onednn and (not flags or bool(flags & NATIVE_BF16_FLAGS))


def _no_bf16_reason():
    return ('this CPU has no native bf16 support (no avx512_bf16, amx_bf16 or Arm bf16 flag; '
            f'torch CPU capability {torch.backends.cpu.get_cpu_capability()}), and emulated '
            'bf16 is slower than fp32')


def check_cpu_bf16():
    """Raise ``RuntimeError`` if this CPU has no native bf16 support."""
    if not cpu_bf16_supported():
        raise RuntimeError(f'bf16 on CPU was asked for, but {_no_bf16_reason()}; run in fp32 '
                           'or on a GPU')


def bf16_or_fp32(what):
    """True where this CPU has native bf16; otherwise log why ``what`` runs in fp32
    instead and return False."""
    if cpu_bf16_supported():
        return True
    print_log(f'{what}: {_no_bf16_reason()}; running in fp32 instead', logger='current',
              level=logging.WARNING)
    return False


@OPTIM_WRAPPERS.register_module()
class CPUAmpOptimWrapper(OptimWrapper):
    """``OptimWrapper`` whose forward passes run under CPU bf16 autocast (no loss scaling).

    Args:
        dtype (str): Only ``'bfloat16'``. Defaults to 'bfloat16'.
        **kwargs: :class:`mmengine.optim.OptimWrapper` arguments.
    """

    def __init__(self, dtype='bfloat16', **kwargs):
        if dtype not in ('bfloat16', torch.bfloat16):
            raise ValueError(f'CPUAmpOptimWrapper supports dtype bfloat16 only, got {dtype}')
        check_cpu_bf16()
        super().__init__(**kwargs)
        self.cast_dtype = torch.bfloat16

    @contextmanager
    def optim_context(self, model):
        with super().optim_context(model), torch.autocast('cpu', dtype=self.cast_dtype):
            yield


def _in_fp32(method):

    @functools.wraps(method)
    def wrapper(self, cls_scores, *args, **kwargs):
        if isinstance(cls_scores, torch.Tensor) and cls_scores.is_floating_point():
            cls_scores = cls_scores.float()
            with torch.autocast(cls_scores.device.type, enabled=False):
                return method(self, cls_scores, *args, **kwargs)
        return method(self, cls_scores, *args, **kwargs)

    wrapper.fp32_scores = True
    return wrapper


def apply_fp32_head_losses():
    """Make mmaction2's ``BaseHead.loss_by_feat`` and ``predict_by_feat`` (so every head
    that inherits them, stock or of this package) take fp32 scores outside autocast: the
    loss, the accuracy it logs (numpy has no bf16) and the predicted scores are fp32."""
    try:
        from mmaction.models.heads.base import BaseHead
    except ImportError:
        return
    for name in ('loss_by_feat', 'predict_by_feat'):
        method = getattr(BaseHead, name)
        if not getattr(method, 'fp32_scores', False):
            setattr(BaseHead, name, _in_fp32(method))
