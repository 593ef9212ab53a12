"""mmengine's FSDPStrategy with the optimizer's parameter groups decided before sharding."""
import copy

import torch.nn as nn
from mmengine._strategy import FSDPStrategy
from mmengine.model import is_model_wrapper
from mmengine.optim import build_optim_wrapper
from mmengine.registry import STRATEGIES


def frozen_scalars_to_buffers(model):
    """Turn the frozen 0-dim parameters of ``model`` into buffers (same state-dict keys and
    values), which FSDP cannot shard (e.g. ILA's CLIP ``logit_scale``, frozen with the text
    tower). Returns their names.

    Raises:
        ValueError: for a trainable 0-dim parameter (FSDP refuses them; make it 1-D).
    """
    names = []
    for prefix, module in model.named_modules():
        for name, param in list(module.named_parameters(recurse=False)):
            if param.dim() != 0:
                continue
            full = f'{prefix}.{name}' if prefix else name
            if param.requires_grad:
                raise ValueError(f'FSDP cannot shard the trainable scalar parameter {full}; '
                                 'freeze it or give it shape (1,)')
            delattr(module, name)
            module.register_buffer(name, param.detach())
            names.append(full)
    return names


def resolve_fp32_modules(mixed_precision):
    """``mixed_precision`` (an FSDP ``MixedPrecision`` config dict) with its key
    ``fp32_modules``, names of ``torch.nn`` classes (and ``'_BatchNorm'``), turned into
    FSDP's ``_module_classes_to_ignore``: those modules keep fp32 parameters and compute.

    CLIP's LayerNorm (ILA) computes in fp32 and fails on bf16 weights, so the ILA variants
    keep ``['LayerNorm', '_BatchNorm']`` in fp32 (FSDP's default keeps only BatchNorm).

    Raises:
        ValueError: for a name that is not a module class of ``torch.nn``.
    """
    if not isinstance(mixed_precision, dict) or 'fp32_modules' not in mixed_precision:
        return mixed_precision
    mixed_precision = dict(mixed_precision)
    classes = []
    for name in mixed_precision.pop('fp32_modules'):
        cls = getattr(nn.modules.batchnorm, name, None) if name == '_BatchNorm' \
            else getattr(nn, name, None)
        if not (isinstance(cls, type) and issubclass(cls, nn.Module)):
            raise ValueError(f'mixed_precision.fp32_modules: {name!r} is not a module class '
                             'of torch.nn (e.g. LayerNorm, GroupNorm, _BatchNorm)')
        classes.append(cls)
    mixed_precision['_module_classes_to_ignore'] = tuple(classes)
    return mixed_precision


@STRATEGIES.register_module()
class PlainGroupsFSDPStrategy(FSDPStrategy):
    """``FSDPStrategy`` whose optimizer is built on the model before FSDP wraps it.

    mmengine 0.10.7's ``FSDPStrategy`` builds the optimizer from a config after wrapping,
    when every parameter has become a 1-D view of its local shard (``use_orig_params=True``),
    so ``paramwise_cfg`` rules that look at shapes (``flat_decay_mult``, no decay for 1-D
    parameters as in ILA's constructor) see only 1-D parameters and, e.g., drop the weight
    decay of every weight. Here the optimizer wrapper is built from the config on the
    unwrapped model (same parameter objects, which FSDP keeps), so the groups, learning
    rates and decays are those of a single-process run. Frozen 0-dim parameters, which FSDP
    cannot shard, become buffers first (:func:`frozen_scalars_to_buffers`), and
    ``model_wrapper.mixed_precision.fp32_modules`` names module classes kept in fp32
    (:func:`resolve_fp32_modules`). Otherwise the same arguments as ``FSDPStrategy``.
    """

    def prepare(self, model, *, optim_wrapper=None, **kwargs):
        self._optim_cfg = copy.deepcopy(optim_wrapper) if isinstance(optim_wrapper, dict) \
            else None
        self._prebuilt = None
        return super().prepare(model, optim_wrapper=optim_wrapper, **kwargs)

    def _wrap_model(self, model):
        if not is_model_wrapper(model):
            frozen_scalars_to_buffers(model)
        if isinstance(self.model_wrapper, dict):
            self.model_wrapper = dict(self.model_wrapper, mixed_precision=resolve_fp32_modules(
                self.model_wrapper.get('mixed_precision')))
        if getattr(self, '_optim_cfg', None) is not None and not is_model_wrapper(model):
            cfg = self._optim_cfg
            if cfg.get('type', 'OptimWrapper') == 'AmpOptimWrapper':
                cfg.setdefault('use_fsdp', True)
            self._prebuilt = build_optim_wrapper(model, cfg)
        return super()._wrap_model(model)

    def build_optim_wrapper(self, optim_wrapper, model=None):
        prebuilt, self._prebuilt = getattr(self, '_prebuilt', None), None
        if prebuilt is None:
            return super().build_optim_wrapper(optim_wrapper, model)
        wrapped = {id(p) for p in model.parameters()}
        lost = [i for i, group in enumerate(prebuilt.optimizer.param_groups)
                for p in group['params'] if id(p) not in wrapped]
        if lost:
            raise RuntimeError(f'{type(self).__name__}: {len(lost)} parameters of the optimizer '
                               'are not parameters of the FSDP-wrapped model; set '
                               'use_orig_params=True in model_wrapper')
        return prebuilt
