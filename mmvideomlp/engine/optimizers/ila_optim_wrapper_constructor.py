"""Optimiser parameter groups of the ILA recipe on top of mmengine's ``paramwise_cfg``.

The released recipe gives every group (``message_``, ``temporal_``, ``mit``) its own
learning rate and weight decay, and no decay to 1-D parameters, biases and positional
embeddings within each group. mmengine's default constructor ignores its bias/norm/flat
rules for parameters matched by ``custom_keys``; this constructor applies ``custom_keys``
first and then the no-decay rule to every parameter.
"""
from mmengine.registry import OPTIM_WRAPPER_CONSTRUCTORS

from .merged_groups import MergedGroupsOptimWrapperConstructor


@OPTIM_WRAPPER_CONSTRUCTORS.register_module()
class ILAOptimWrapperConstructor(MergedGroupsOptimWrapperConstructor):
    """``paramwise_cfg.custom_keys`` for lr/decay per group, then zero weight decay for
    1-D parameters, ``*.bias`` and names containing any of ``no_decay_keys``; equal groups
    merged afterwards.

    Extra ``paramwise_cfg`` key:
        no_decay_keys (tuple[str]): Defaults to ``('positional_embedding', )``.
    """

    def add_params(self, params, module, prefix='', is_dcn_module=None):
        no_decay_keys = tuple(self.paramwise_cfg.get('no_decay_keys', ('positional_embedding', )))
        cfg = {k: v for k, v in self.paramwise_cfg.items() if k != 'no_decay_keys'}
        saved, self.paramwise_cfg = self.paramwise_cfg, cfg
        start = len(params)
        try:
            super().add_params(params, module, prefix, is_dcn_module)
        finally:
            self.paramwise_cfg = saved
        if prefix or self.base_wd is None:
            return
        named = [(n, p) for n, p in module.named_parameters() if p.requires_grad]
        by_id = {id(p): n for n, p in named}
        for group in params[start:]:
            name = by_id[id(group['params'][0])]
            param = group['params'][0]
            if param.ndim <= 1 or name.endswith('.bias') or any(k in name for k in no_decay_keys):
                group['weight_decay'] = 0.
