"""Opt-in oneDNN back end for the float32 CPU GEMMs of a model's FCs.

The models use plain ``nn.Linear``, whose float32 CPU GEMM PyTorch runs through its BLAS
(MKL). On some CPUs oneDNN is faster for the same GEMM (AMD CPUs with full-width AVX-512,
where MKL takes its AVX2 code); on others the two are equal, and oneDNN's backward can be
slower. :func:`convert_linear_to_onednn` turns a model's ``nn.Linear`` (and mmcv
``Linear``) modules into :class:`OneDNNLinear`, which computes the same function as a 1x1
convolution over a channels-last view of the token rows (no copies, autograd included,
results equal up to float32 rounding); :func:`convert_onednn_to_linear` undoes it. Both
change the modules' classes in place: parameters, buffers and state-dict keys stay the
same objects, so an optimizer built before still holds them.

Models are built with plain ``nn.Linear``. The tools (``tools/{train,test,demo}.py``,
``tools/analysis/benchmark.py``) convert them by ``--cpu-gemm auto|blas|onednn``; ``auto``,
their default, is :func:`default_cpu_gemm`, a rule on the CPU's vendor and flags (no timing,
so the same machine always gets the same back end and the same numbers). In a config,
``custom_hooks = [dict(type='CpuGemmHook', backend=...)]`` sets it; the command line wins.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F
from mmcv.cnn.bricks.wrappers import Linear as MMCVLinear

from .cpu import cpu_flags, cpu_vendor

BACKENDS = ('blas', 'onednn')
CHOICES = ('auto', ) + BACKENDS
# GEMMs of fewer multiply-adds (rows x in x out) stay on F.linear: below this oneDNN's call
# overhead (~20 us) outweighs its faster kernel (2 Zen 5 cores: 64x768x768 1.4x faster,
# 512x64x64 1.8x slower)
MIN_MACS = 1 << 23


def onednn_linear(x, weight, bias=None):
    """``F.linear`` through oneDNN: a 1x1 convolution on a channels-last view of the rows.

    Shapes:
        x: ``(..., C)``; weight: ``(N, C)``; bias: ``(N, )``; returns ``(..., N)``.
    """
    rows = x.reshape(-1, x.shape[-1]).contiguous()
    M, C = rows.shape
    # (M, C) read as a channels-last image of M x 1 pixels: the same memory
    out = F.conv2d(rows.view(1, M, 1, C).permute(0, 3, 1, 2), weight[:, :, None, None], bias)
    return out.permute(0, 2, 3, 1).reshape(*x.shape[:-1], weight.shape[0])


class OneDNNLinear(nn.Linear):
    """``nn.Linear`` (same parameters and keys) whose float32 CPU forward runs through
    :func:`onednn_linear`.

    CUDA, other dtypes, autocast, tracing (exported graphs keep the plain linear op),
    ``torch.compile`` (whose CPU back end packs weights itself) and calls of fewer than
    ``min_macs`` multiply-adds use ``F.linear``.
    """
    min_macs = MIN_MACS

    def forward(self, x):
        if (torch.jit.is_tracing() or torch.compiler.is_compiling() or x.device.type != 'cpu'
                or x.dtype != torch.float32 or self.weight.dtype != torch.float32
                or torch.is_autocast_enabled('cpu')
                or x.numel() * self.out_features < self.min_macs):
            return F.linear(x, self.weight, self.bias)
        return onednn_linear(x, self.weight, self.bias)


class OneDNNMMCVLinear(OneDNNLinear, MMCVLinear):
    """mmcv's ``Linear`` (used by its ``FFN``) converted like :class:`OneDNNLinear`."""


_TO_ONEDNN = {nn.Linear: OneDNNLinear, MMCVLinear: OneDNNMMCVLinear}
_TO_PLAIN = {converted: plain for plain, converted in _TO_ONEDNN.items()}


def convert_linear_to_onednn(model, min_macs=MIN_MACS):
    """Route the float32 CPU GEMM of every ``nn.Linear``/mmcv ``Linear`` in ``model`` to
    oneDNN, in place. Subclasses with their own behaviour (e.g. the output projection of
    ``nn.MultiheadAttention``) are left alone.

    Args:
        model (nn.Module): Converted in place.
        min_macs (int): Calls of fewer multiply-adds (rows x in x out features) keep
            ``F.linear``. Defaults to :data:`MIN_MACS` (2^23).

    Returns:
        nn.Module: ``model``.
    """
    if min_macs < 0:
        raise ValueError(f'convert_linear_to_onednn: min_macs={min_macs} must be >= 0')
    for module in model.modules():
        if type(module) in _TO_ONEDNN:
            module.__class__ = _TO_ONEDNN[type(module)]
        if type(module) in _TO_PLAIN:
            module.min_macs = min_macs
    return model


def convert_onednn_to_linear(model):
    """Undo :func:`convert_linear_to_onednn`: plain ``nn.Linear``/mmcv ``Linear`` again,
    in place. Returns ``model``."""
    for module in model.modules():
        if type(module) in _TO_PLAIN:
            module.__class__ = _TO_PLAIN[type(module)]
            module.__dict__.pop('min_macs', None)
    return model


def default_cpu_gemm():
    """The back end the tools use unless told otherwise, from the CPU's vendor and flags
    alone (the same answer every run on a machine; nothing is timed).

    ``'onednn'`` on non-Intel CPUs with AVX-512 (MKL's float32 GEMM takes its AVX2 code
    there, half of what the cores can do; oneDNN uses AVX-512), ``'blas'`` elsewhere (on Intel
    CPUs MKL already uses the widest vectors, and without AVX-512 both are AVX2).
    """
    if cpu_vendor() != 'GenuineIntel' and 'avx512f' in cpu_flags():
        return 'onednn'
    return 'blas'


def resolve_cpu_gemm(backend):
    """``'blas'`` or ``'onednn'`` for a choice of :data:`CHOICES` (``'auto'``: the
    :func:`default_cpu_gemm` of this CPU)."""
    if backend not in CHOICES:
        raise ValueError(f'CPU GEMM back end {backend!r} is not one of {CHOICES}')
    return default_cpu_gemm() if backend == 'auto' else backend


def set_cpu_gemm(model, backend, min_macs=MIN_MACS):
    """Convert ``model`` to ``backend`` (``'blas'``: plain FCs, ``'onednn'``: see
    :func:`convert_linear_to_onednn`, ``'auto'``: :func:`default_cpu_gemm`); returns the
    number of FCs on oneDNN afterwards."""
    backend = resolve_cpu_gemm(backend)
    if backend == 'onednn':
        convert_linear_to_onednn(model, min_macs)
    else:
        convert_onednn_to_linear(model)
    return sum(isinstance(m, OneDNNLinear) for m in model.modules())
