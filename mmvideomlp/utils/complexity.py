"""Parameter and FLOP counts of a config's model for one view, with mmengine.analysis.

Conventions (the ones fvcore and the papers use): one multiply-add counts as one FLOP;
element-wise operations (activations, additions, normalisation statistics) are not counted;
counts are for a single view (one clip, one crop) at batch size 1. The attention product of
``scaled_dot_product_attention`` (the path ``nn.MultiheadAttention`` takes) is counted as
``Lq * Lk * (E + Ev)`` per batch and head, like the explicit ``q @ k.T`` and ``attn @ v``.
Modules that cache input-independent results (e.g. CLIP class-name embeddings) expose
``build_cache()``; it runs before counting, so that work is not counted per view.
"""
from math import prod

import torch
import torch.nn as nn
from mmengine.analysis import FlopAnalyzer, parameter_count
from mmengine.analysis.jit_handles import get_shape
from mmengine.registry import DefaultScope, init_default_scope


def sdpa_flop_jit(inputs, outputs):
    """FLOPs of ``aten::scaled_dot_product_attention``: ``q @ k.T`` and ``attn @ v``."""
    q, k, v = (get_shape(x) for x in inputs[:3])
    return prod(q[:-1]) * k[-2] * (q[-1] + v[-1])


class _WholeNetwork(nn.Module):
    """backbone → neck → classification/decode head, as a single tensor function."""

    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, x):
        model = self.model
        feats = model.backbone(x)
        neck = getattr(model, 'neck', None)
        if neck is not None:
            feats = neck(feats)
        for name in ('cls_head', 'head', 'decode_head'):
            head = getattr(model, name, None)
            if head is not None:
                return head(feats)
        return feats


def build_model_from_cfg(cfg):
    """Build ``cfg.model`` in the config's default scope, in eval mode."""
    from mmengine.registry import MODELS
    scope = cfg.get('default_scope', 'mmaction')
    init_default_scope(scope)
    with DefaultScope.overwrite_default_scope(scope):
        model = MODELS.build(cfg.model)
    return model.eval()  # counts do not depend on the weights: no init_weights()


def flop_analyzer(network, inputs):
    """mmengine's ``FlopAnalyzer`` of ``network(*inputs)`` with this package's conventions:
    per-input caches built first (ILA's class-name embeddings are computed once, not per
    clip), attention counted as its two matrix products, no warnings for uncounted ops."""
    for module in network.modules():
        if callable(getattr(module, 'build_cache', None)):
            module.build_cache()
    analyzer = FlopAnalyzer(network, inputs)
    analyzer.set_op_handle('aten::scaled_dot_product_attention', sdpa_flop_jit)
    analyzer.unsupported_ops_warnings(False)
    analyzer.uncalled_modules_warnings(False)
    return analyzer


def model_complexity(model, input_shape):
    """Count the parameters and the FLOPs of one forward pass over ``input_shape``.

    Args:
        model (nn.Module): An OpenMMLab model with ``backbone`` (and optionally ``neck``
            and a head), or a bare backbone.
        input_shape (tuple): The shape of one view without the batch dimension,
            ``(C, T, H, W)`` for video models and ``(C, H, W)`` for image models.

    Returns:
        dict: ``params`` (whole model), ``trainable_params`` (``requires_grad``),
        ``backbone_params``, ``flops`` (per view) and ``flops_by_module`` (top-level
        modules of the counted network).
    """
    network = _WholeNetwork(model) if hasattr(model, 'backbone') else model
    inputs = torch.zeros((1, *input_shape))
    with torch.no_grad():
        analyzer = flop_analyzer(network, inputs)
        flops = analyzer.total()
        by_module = analyzer.by_module()
    counted = network.model if isinstance(network, _WholeNetwork) else network
    params = parameter_count(counted)['']
    backbone = getattr(counted, 'backbone', counted)
    prefix = 'model.' if isinstance(network, _WholeNetwork) else ''
    return dict(
        params=params,
        trainable_params=sum(p.numel() for p in counted.parameters() if p.requires_grad),
        backbone_params=parameter_count(backbone)[''],
        flops=flops,
        flops_by_module={
            k[len(prefix):]: v
            for k, v in by_module.items() if k.startswith(prefix) and k.count('.') == 1 and v
        })
