"""The contract shared by the package's backbones.

Every backbone (:class:`MorphMLP`, :class:`PosMLP`, :class:`AffineShiftTransformer` and
:class:`VAST`, :class:`ILAViT`) derives from :class:`BaseBackbone`, so a knob means the
same thing in every family:

* ``arch``: a name of the class's ``arch_zoo`` or a dict with its ``essential_keys`` and
  any of its ``optional_keys``; any other key is refused with the allowed list.
* ``out_indices``: stages (negative indices count from the end) whose features are
  returned.
* ``frozen_stages``: -1 freezes nothing, 0 the stem, ``k`` the stem and stages ``1..k``
  (a stage with its downsampling and its output norm), as mmaction2's Swin; the range is
  checked.
* ``norm_eval``: BatchNorm layers stay in eval mode while training.
* ``with_cp``: gradient checkpointing of every block (same outputs and gradients).
* ``drop_path_rate``: stochastic depth rising linearly from 0 over all blocks.
* ``init_cfg`` / ``pretrained``: the class's default initialisation applies unless the
  user gives layer-wise init configs; a ``Pretrained`` entry (or ``pretrained=PATH``) loads
  a checkpoint last, through :func:`~mmvideomlp.weights.load_backbone_weights`, which
  converts official layouts, adapts shapes and reports every key. The papers' special
  initialisations (zero temporal FCs, zero tables, zero injections, zero affine
  generators) live in the layers' ``init_weights`` and are applied after any layer-wise
  init, so no ``init_cfg`` can overwrite them.
"""
import copy

import torch
import torch.utils.checkpoint as cp
from mmengine.model import BaseModule
from mmengine.model.weight_init import initialize
from torch.nn.modules.batchnorm import _BatchNorm

from ...weights import load_backbone_weights


def _is_pretrained(cfg):
    return cfg.get('type') == 'Pretrained'


def _own_init_weights(module):
    """Whether ``module`` defines its own ``init_weights`` (a layer with a special init)."""
    init = getattr(type(module), 'init_weights', None)
    return init is not None and init is not BaseModule.init_weights


class BaseBackbone(BaseModule):
    """Base class of the package's backbones; see the module docstring for the contract.

    Subclasses set :attr:`arch_zoo`, :attr:`essential_keys`, :attr:`optional_keys` and
    :attr:`default_init_cfg`, call :meth:`parse_arch`, :meth:`parse_out_indices` and
    :meth:`parse_frozen_stages` in their constructor, build their layers, call
    :meth:`_freeze_stages` last, and implement :meth:`stem_modules` and
    :meth:`stage_modules`. Blocks run through :meth:`run_block` (gradient checkpointing).
    Checkpoint handling is customised with :meth:`convert_checkpoint`,
    :meth:`adapt_weight` and :meth:`is_new_weight`.

    Args:
        norm_eval (bool): Keep BatchNorm layers in eval mode while training.
        with_cp (bool): Gradient checkpointing of every block.
        pretrained (str, optional): Shortcut for
            ``init_cfg=dict(type='Pretrained', checkpoint=pretrained)``.
        init_cfg (dict | list[dict], optional): Layer-wise init configs replace
            :attr:`default_init_cfg`; ``Pretrained`` entries are added to it.
        default_init_cfg (list[dict], optional): This instance's default initialisation
            instead of the class's :attr:`default_init_cfg` (for classes whose designs
            initialise differently).
    """
    arch_zoo = {}
    essential_keys = ()
    optional_keys = {}
    default_init_cfg = []

    def __init__(self, norm_eval=False, with_cp=False, pretrained=None, init_cfg=None,
                 default_init_cfg=None):
        super().__init__(init_cfg=self._merge_init_cfg(init_cfg, pretrained, default_init_cfg))
        self.norm_eval = norm_eval
        self.with_cp = with_cp
        self.load_report = None

    # ------------------------------------------------------------------ arguments
    def parse_arch(self, arch):
        """Copy of the zoo entry ``arch``, or the dict ``arch`` checked and completed."""
        name = type(self).__name__
        if isinstance(arch, str):
            key = arch.lower() if arch.lower() in self.arch_zoo else arch
            if key not in self.arch_zoo:
                raise ValueError(f'{name}: unknown arch {arch!r}; choose one of '
                                 f'{sorted(self.arch_zoo)} or pass a dict')
            return {**copy.deepcopy(self.optional_keys), **copy.deepcopy(self.arch_zoo[key])}
        if not isinstance(arch, dict):
            raise TypeError(f'{name}: arch must be a str or a dict, got {type(arch).__name__}')
        missing = [k for k in self.essential_keys if k not in arch]
        unknown = [k for k in arch if k not in self.essential_keys and k not in self.optional_keys]
        if missing or unknown:
            problem = (f'missing {missing}' if missing else '') + \
                ('; ' if missing and unknown else '') + (f'unknown keys {unknown}' if unknown else '')
            raise ValueError(f'{name}: custom arch: {problem}. Needed: {list(self.essential_keys)}'
                             f'; optional: {sorted(self.optional_keys)}')
        return {**copy.deepcopy(self.optional_keys), **copy.deepcopy(dict(arch))}

    def per_stage(self, value, name, num_stages):
        """``value`` for every stage: a scalar repeated, or a sequence of ``num_stages``."""
        if isinstance(value, (str, int, float)) or value is None:
            return [value] * num_stages
        value = list(value)
        if len(value) != num_stages:
            raise ValueError(f'{type(self).__name__}: {name} needs {num_stages} values (one '
                             f'per stage), got {value}')
        return value

    def parse_out_indices(self, out_indices, num_stages):
        """Sorted stage indices in ``[0, num_stages)``; negative ones count from the end."""
        if isinstance(out_indices, int):
            out_indices = [out_indices]
        parsed = []
        for index in out_indices:
            if not isinstance(index, int) or not -num_stages <= index < num_stages:
                raise ValueError(f'{type(self).__name__}: out_indices must be in '
                                 f'[{-num_stages}, {num_stages - 1}], got {index!r}')
            parsed.append(index % num_stages)
        if not parsed:
            raise ValueError(f'{type(self).__name__}: out_indices is empty')
        return tuple(sorted(set(parsed)))

    def parse_frozen_stages(self, frozen_stages, num_stages):
        if not isinstance(frozen_stages, int) or not -1 <= frozen_stages <= num_stages:
            raise ValueError(f'{type(self).__name__}: frozen_stages must be an int in [-1, '
                             f'{num_stages}] (-1 nothing, 0 the stem, k the stem and stages '
                             f'1..k), got {frozen_stages!r}')
        return frozen_stages

    @staticmethod
    def drop_path_rates(drop_path_rate, num_blocks):
        """Stochastic-depth rate of each block, rising linearly from 0 to ``drop_path_rate``."""
        return torch.linspace(0, drop_path_rate, num_blocks, device='cpu').tolist()

    # ------------------------------------------------------------------ freezing
    def stem_modules(self):
        """Modules (or parameters) frozen by ``frozen_stages >= 0``."""
        raise NotImplementedError

    def stage_modules(self, index):
        """Modules (or parameters) of stage ``index`` (1-based): its downsampling, blocks
        and output norm."""
        raise NotImplementedError

    def frozen_modules(self):
        if self.frozen_stages < 0:
            return []
        frozen = list(self.stem_modules())
        for i in range(1, self.frozen_stages + 1):
            frozen += self.stage_modules(i)
        return [m for m in frozen if m is not None]

    def _freeze_stages(self):
        for item in self.frozen_modules():
            if isinstance(item, torch.nn.Parameter):
                item.requires_grad = False
                continue
            item.eval()
            for param in item.parameters():
                param.requires_grad = False

    def train(self, mode=True):
        super().train(mode)
        self._freeze_stages()
        if mode and self.norm_eval:
            for module in self.modules():
                if isinstance(module, _BatchNorm):
                    module.eval()
        return self

    # ------------------------------------------------------------------ forward helpers
    def run_block(self, block, *args):
        """``block(*args)``, with gradient checkpointing when ``with_cp`` and training."""
        if self.with_cp and self.training and torch.is_grad_enabled():
            return cp.checkpoint(block, *args, use_reentrant=False)
        return block(*args)

    # ------------------------------------------------------------------ weights
    @classmethod
    def _merge_init_cfg(cls, init_cfg, pretrained, default=None):
        cfgs = [] if init_cfg is None else (
            [init_cfg] if isinstance(init_cfg, dict) else list(init_cfg))
        if pretrained is not None:
            cfgs.append(dict(type='Pretrained', checkpoint=pretrained))
        if all(_is_pretrained(cfg) for cfg in cfgs):
            cfgs = copy.deepcopy(cls.default_init_cfg if default is None else default) + cfgs
        return cfgs or None

    def init_weights(self):
        """Layer-wise init configs, then every layer's own (special) init, then the
        ``Pretrained`` checkpoints (see the module docstring)."""
        cfgs = self.init_cfg or []
        cfgs = [cfgs] if isinstance(cfgs, dict) else list(cfgs)
        layerwise = [cfg for cfg in cfgs if not _is_pretrained(cfg)]
        if layerwise:
            initialize(self, layerwise)
        for module in self.modules():
            if module is not self and _own_init_weights(module):
                module.init_weights()
        for cfg in cfgs:
            if _is_pretrained(cfg):
                self.load_checkpoint(cfg['checkpoint'], prefix=cfg.get('prefix'),
                                     strict=cfg.get('strict', False))
        self._is_init = True

    def load_checkpoint(self, checkpoint, prefix=None, strict=False):
        """Load a checkpoint of this package or of the official code into this backbone
        (see :func:`~mmvideomlp.weights.load_backbone_weights`); returns its report."""
        return load_backbone_weights(self, checkpoint, prefix=prefix,
                                     convert=self.convert_checkpoint, adapt=self.adapt_weight,
                                     is_new=self.is_new_weight, strict=strict)

    def convert_checkpoint(self, state_dict):
        """An official checkpoint's keys as this package's (default: unchanged)."""
        return state_dict

    def adapt_weight(self, key, value, shape):
        """``(tensor, description)`` fitting ``value`` to the model's ``shape``, or None.

        Default: 2-D convolution kernels (and one-tap 3-D ones) are inflated in time."""
        from ...weights.adapt import inflate_kernel
        if value.dim() in (4, 5) and len(shape) == 5:
            inflated = inflate_kernel(value, shape, getattr(self, 'inflate', 'average'))
            if inflated is not None:
                return inflated, f'inflated in time ({getattr(self, "inflate", "average")})'
        return None

    def is_new_weight(self, key):
        """Model keys that a checkpoint of the source architecture cannot have."""
        return False

    # ------------------------------------------------------------------ outputs
    @staticmethod
    def pack_outputs(outs, image):
        """Images: a tuple of ``(N, C, H, W)``; videos: ``(N, C, T, H, W)``, a tuple only
        when several stages are returned."""
        if image or len(outs) > 1:
            return tuple(outs)
        return outs[0]
