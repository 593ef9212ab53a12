"""The epoch-dependent jitter of ILA's interactive points, driven by the training loop."""
from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper

from ...registry import register_hook


@register_hook
class ILAJitterHook(Hook):
    """Calls ``model.backbone.set_epoch(runner.epoch)`` before every training epoch.

    The released schedule (jitter scale 0.2, halved every epoch from epoch 30) then
    follows the runner's epoch, also after resuming. Models whose backbone has no
    ``set_epoch`` are refused, so a misplaced hook does not pass unnoticed.
    """
    priority = 'NORMAL'

    def before_train_epoch(self, runner):
        model = runner.model.module if is_model_wrapper(runner.model) else runner.model
        backbone = getattr(model, 'backbone', None)
        if not callable(getattr(backbone, 'set_epoch', None)):
            raise TypeError(f'ILAJitterHook needs a model whose backbone has set_epoch (e.g. '
                            f'ILAViT), got backbone {type(backbone).__name__}')
        backbone.set_epoch(runner.epoch)
