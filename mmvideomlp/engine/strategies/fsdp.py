"""mmengine's FSDPStrategy with the optimizer's parameter groups decided before sharding."""
import copy

from mmengine._strategy import FSDPStrategy
from mmengine.model import is_model_wrapper
from mmengine.optim import build_optim_wrapper
from mmengine.registry import STRATEGIES


@STRATEGIES.register_module()
class PlainGroupsFSDPStrategy(FSDPStrategy):
    """``FSDPStrategy`` whose optimizer is built on the model before FSDP wraps it.

    mmengine 0.10.7's ``FSDPStrategy`` builds the optimizer from a config after wrapping,
    when every parameter has become a 1-D view of its local shard (``use_orig_params=True``),
    so ``paramwise_cfg`` rules that look at shapes (``flat_decay_mult``, no decay for 1-D
    parameters as in ILA's constructor) see only 1-D parameters and, e.g., drop the weight
    decay of every weight. Here the optimizer wrapper is built from the config on the
    unwrapped model (same parameter objects, which FSDP keeps), so the groups, learning
    rates and decays are those of a single-process run. Same arguments as ``FSDPStrategy``.
    """

    def prepare(self, model, *, optim_wrapper=None, **kwargs):
        self._optim_cfg = copy.deepcopy(optim_wrapper) if isinstance(optim_wrapper, dict) \
            else None
        self._prebuilt = None
        return super().prepare(model, optim_wrapper=optim_wrapper, **kwargs)

    def _wrap_model(self, model):
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
