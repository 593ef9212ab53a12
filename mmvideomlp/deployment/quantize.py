"""Dynamic int8 quantisation of the FCs for CPU inference in PyTorch.

``torch.ao.quantization.quantize_dynamic`` replaces every ``nn.Linear`` (the token-mixing
and channel FCs, also those converted to oneDNN by ``--cpu-gemm onednn``) with a linear of
int8 weights, one scale per output channel, that quantises its input per call. Convolutions
(stems, patch embeddings, ILA's depthwise alignment) and the generated mixing matrices stay
in float32.

PyTorch's dynamic linear quantises its input to 7 bits (``reduce_range``): x86 kernels without
VNNI multiply-add pairs of uint8 x int8 products into saturating int16. On CPUs with VNNI
(AVX512-VNNI, AVX-VNNI, AMX) the products accumulate in int32 and the full 8 bits are safe;
there the layers use them, which halves the quantisation error of the activations. The choice
depends only on the CPU's flags and is logged.
"""
import warnings

import torch
import torch.ao.nn.quantized.dynamic as nnqd
import torch.nn as nn
from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper

from ..utils.cpu import cpu_flags

PRECISIONS = ('fp32', 'int8')


VNNI_FLAGS = ('avx512_vnni', 'avx_vnni', 'amx_int8')


def cpu_has_vnni():
    """Whether the CPU accumulates uint8 x int8 products in int32 (Linux CPU flags)."""
    return any(flag in cpu_flags() for flag in VNNI_FLAGS)


class FullRangeDynamicLinear(nnqd.Linear):
    """PyTorch's dynamic int8 linear with 8-bit instead of 7-bit input quantisation."""

    def forward(self, x):
        return torch.ops.quantized.linear_dynamic(
            x, self._packed_params._packed_params, reduce_range=False).to(x.dtype)

    def _get_name(self):
        return 'FullRangeDynamicQuantizedLinear'


def quantize_torch_int8(model, full_range=None):
    """Quantise ``model``'s linear layers to dynamic int8 in place (CPU inference only).

    Args:
        model (nn.Module): The model (moved to the CPU).
        full_range (bool, optional): Quantise the layers' inputs to 8 bits instead of
            PyTorch's 7. None (default): when the CPU has VNNI (:func:`cpu_has_vnni`);
            True elsewhere can saturate.

    Returns:
        tuple: ``(model, number of linear layers quantised)``.

    Raises:
        RuntimeError: nothing to quantise (the model has no linear layer).
    """
    from mmcv.cnn.bricks.wrappers import Linear as MMCVLinear
    from torch.ao.quantization import per_channel_dynamic_qconfig, quantize_dynamic

    from ..utils.cpu_gemm import convert_onednn_to_linear
    convert_onednn_to_linear(model)
    count = 0
    for m in model.modules():
        # quantize_dynamic converts exact nn.Linear types; mmcv's Linear only changes the
        # forward (for empty inputs), the parameters are those of nn.Linear
        if type(m) is MMCVLinear:
            m.__class__ = nn.Linear
        count += type(m) is nn.Linear
    if count == 0:
        raise RuntimeError(f'--precision int8: {type(model).__name__} has no linear layer to '
                           'quantise')
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')  # torch.ao's deprecation notices
        quantize_dynamic(model.cpu(), {nn.Linear: per_channel_dynamic_qconfig},
                         dtype=torch.qint8, inplace=True)
    if full_range is None:
        full_range = cpu_has_vnni()
    if full_range:
        for m in model.modules():
            if type(m) is nnqd.Linear:
                m.__class__ = FullRangeDynamicLinear
    return model, count


class DynamicInt8Hook(Hook):
    """Quantise the runner's model to dynamic int8 before testing (after the checkpoint is
    loaded); used by ``tools/test.py --precision int8``."""

    priority = 'VERY_LOW'

    def before_test(self, runner):
        model = runner.model.module if is_model_wrapper(runner.model) else runner.model
        if next(model.parameters()).device.type != 'cpu':
            raise RuntimeError('--precision int8 runs on CPU only (dynamic quantisation); '
                               'the model is on ' + str(next(model.parameters()).device))
        _, count = quantize_torch_int8(model)
        bits = ('8-bit inputs (the CPU has VNNI)' if cpu_has_vnni() else
                '7-bit inputs (no VNNI on this CPU)')
        runner.logger.info(f'int8: {count} linear layers quantised (dynamic, CPU; {bits})')
