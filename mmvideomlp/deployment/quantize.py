"""Dynamic int8 quantisation of the FCs for CPU inference in PyTorch.

``torch.ao.quantization.quantize_dynamic`` replaces every ``nn.Linear`` (the token-mixing
and channel FCs, also those converted to oneDNN by ``--cpu-gemm onednn``) with a linear of
int8 weights, one scale per output channel, that quantises its input per call. Convolutions
(stems, patch embeddings, ILA's depthwise alignment) and the generated mixing matrices stay
in float32.
"""
import warnings

import torch
import torch.nn as nn
from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper

PRECISIONS = ('fp32', 'int8')


def quantize_torch_int8(model):
    """Quantise ``model``'s linear layers to dynamic int8 in place (CPU inference only).

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
        runner.logger.info(f'int8: {count} linear layers quantised (dynamic, CPU)')
