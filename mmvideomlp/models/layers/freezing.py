"""``train()`` behaviour shared by the backbones: frozen stages and ``norm_eval``."""
from torch.nn.modules.batchnorm import _BatchNorm


class FrozenStagesMixin:
    """Keeps the modules named by :meth:`frozen_modules` in eval mode without gradients,
    and every BatchNorm in eval mode when ``self.norm_eval`` is set, whenever the model
    is switched to training. Put it before ``BaseModule`` in the bases."""

    def frozen_modules(self):
        """Modules to freeze (``None`` entries are ignored)."""
        return []

    def _freeze_stages(self):
        for module in self.frozen_modules():
            if module is None:
                continue
            module.eval()
            for param in module.parameters():
                param.requires_grad = False

    def train(self, mode=True):
        super().train(mode)
        self._freeze_stages()
        if mode and getattr(self, 'norm_eval', False):
            for m in self.modules():
                if isinstance(m, _BatchNorm):
                    m.eval()
        return self
