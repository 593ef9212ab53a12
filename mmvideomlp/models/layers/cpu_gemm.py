"""The faster of two CPU GEMM back ends for the token-wise FCs.

On x86 CPUs PyTorch runs a float32 ``nn.Linear`` through the BLAS (MKL). Some CPUs run
MKL's AVX2 code while oneDNN uses their full vector width (AMD CPUs with 512-bit AVX-512
units, where oneDNN reaches about twice the BLAS rate); on others the two are equal.
:class:`CpuGemmLinear` sends its matrix multiply to oneDNN, as a 1x1 convolution over a
channels-last view of the token rows (no copy in or out, autograd included), when a
short probe on the first call has measured oneDNN clearly faster on this machine.
Results are the same up to float32 rounding.

The choice is made separately for inference and for training (oneDNN's backward differs
in speed from its forward) and can be fixed with the environment variable
``MMVIDEOMLP_CPU_GEMM`` (``auto``, ``blas`` or ``onednn``) or
:func:`set_cpu_gemm_backend`. CUDA, half precision, autocast, small inputs,
``torch.compile`` (whose CPU back end packs weights itself) and tracing (exported graphs
keep the plain linear op) always use ``F.linear``.
"""
import os
import time

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmcv.cnn.bricks.wrappers import Linear as MMCVLinear
from mmengine.logging import print_log

BACKENDS = ('auto', 'blas', 'onednn')
ENV_VAR = 'MMVIDEOMLP_CPU_GEMM'
# oneDNN is only chosen when at least this much faster than the BLAS in the probe
MARGIN = 1.2
# fewer token rows than this stay on F.linear (call overhead outweighs any gain)
MIN_ROWS = 512
PROBE_SHAPE = (4096, 384, 768)  # rows, in, out: the size of a stage-2 FC at batch 1

_setting = None
_resolved = {}


def set_cpu_gemm_backend(name):
    """Fix the back end (``'auto'``, ``'blas'``, ``'onednn'``); None reads the environment."""
    global _setting
    if name is not None and name not in BACKENDS:
        raise ValueError(f'CPU GEMM back end {name!r} is not one of {BACKENDS}')
    _setting = name
    _resolved.clear()


def cpu_gemm_backend(training=False):
    """The back end used for float32 CPU FCs: ``'blas'`` or ``'onednn'``.

    ``auto`` is resolved by a probe (about 0.3 s for inference, 1 s for training) the
    first time each mode is asked for, and logged."""
    setting = _setting or os.environ.get(ENV_VAR, 'auto')
    if setting not in BACKENDS:
        raise ValueError(f'{ENV_VAR}={setting!r} is not one of {BACKENDS}')
    if setting != 'auto':
        return setting
    if training not in _resolved:
        _resolved[training] = _probe(training)
    return _resolved[training]


def onednn_linear(x, weight, bias=None):
    """``F.linear`` through oneDNN: a 1x1 convolution on a channels-last view of the rows."""
    rows = x.reshape(-1, x.shape[-1]).contiguous()
    M, C = rows.shape
    # (M, C) read as a channels-last image of M x 1 pixels: the same memory
    out = F.conv2d(rows.view(1, M, 1, C).permute(0, 3, 1, 2), weight[:, :, None, None], bias)
    return out.permute(0, 2, 3, 1).reshape(*x.shape[:-1], weight.shape[0])


def _probe(training):
    M, K, N = PROBE_SHAPE
    gen = torch.Generator().manual_seed(0)
    x = torch.randn(M, K, generator=gen, requires_grad=training)
    w = torch.randn(N, K, generator=gen, requires_grad=training)
    b = torch.zeros(N, requires_grad=training)
    grad = torch.randn(M, N, generator=gen)

    def run(fn):
        if training:
            fn(x, w, b).backward(grad)
        else:
            with torch.no_grad():
                fn(x, w, b)

    # both warmed up, then timed alternately (best of 5): machine noise hits both alike
    best = {F.linear: float('inf'), onednn_linear: float('inf')}
    for fn in best:
        run(fn)
    for _ in range(5):
        for fn in best:
            start = time.perf_counter()
            run(fn)
            best[fn] = min(best[fn], time.perf_counter() - start)
    blas, onednn = best[F.linear], best[onednn_linear]
    choice = 'onednn' if blas >= MARGIN * onednn else 'blas'
    flops = 2 * M * K * N * (3 if training else 1) / 1e9
    print_log(f'CPU float32 GEMM for {"training" if training else "inference"}: {choice} '
              f'(probe: BLAS {flops / blas:.0f} GFLOP/s, oneDNN {flops / onednn:.0f} GFLOP/s; '
              f'set {ENV_VAR}=blas|onednn to fix it)', logger='current')
    return choice


def cpu_gemm_linear(x, weight, bias=None):
    """``F.linear`` that takes the oneDNN path where :func:`cpu_gemm_backend` says so."""
    if (torch.jit.is_tracing() or torch.compiler.is_compiling() or x.device.type != 'cpu'
            or x.dtype != torch.float32 or weight.dtype != torch.float32
            or x.numel() < MIN_ROWS * x.shape[-1] or torch.is_autocast_enabled('cpu')):
        return F.linear(x, weight, bias)
    training = torch.is_grad_enabled() and (x.requires_grad or weight.requires_grad)
    if cpu_gemm_backend(training) == 'onednn':
        return onednn_linear(x, weight, bias)
    return F.linear(x, weight, bias)


class CpuGemmLinear(nn.Linear):
    """``nn.Linear`` (same parameters and keys) whose CPU float32 GEMM goes to the faster
    of the BLAS and oneDNN; see the module docstring."""

    def forward(self, x):
        return cpu_gemm_linear(x, self.weight, self.bias)


def use_cpu_gemm(module):
    """Turn every plain ``nn.Linear`` (or mmcv ``Linear``) inside ``module``, in third-party
    blocks such as mmcv's FFN or CLIP's MLP, into a :class:`CpuGemmLinear`; parameters
    are untouched."""
    for m in module.modules():
        if type(m) in (nn.Linear, MMCVLinear):
            m.__class__ = CpuGemmLinear
    return module
