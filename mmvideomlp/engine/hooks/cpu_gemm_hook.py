"""A hook that sets the CPU GEMM back end of the model's FCs before a run."""
from mmengine.hooks import Hook
from mmengine.logging import print_log
from mmengine.model import is_model_wrapper

from ...registry import register_hook
from ...utils.cpu_gemm import BACKENDS, MIN_ROWS, set_cpu_gemm


@register_hook
class CpuGemmHook(Hook):
    """Convert the model's FCs to a CPU GEMM back end before training, validation or
    testing (see :mod:`mmvideomlp.utils.cpu_gemm`); parameters and checkpoint keys are
    unchanged, and CUDA runs are not affected.

    Example::

        custom_hooks = [dict(type='CpuGemmHook', backend='onednn')]

    Args:
        backend (str): ``'onednn'`` (1x1-convolution path) or ``'blas'`` (plain
            ``nn.Linear``, undoing an earlier conversion). Defaults to ``'onednn'``.
        min_rows (int): Inputs with fewer rows keep ``F.linear``. Defaults to 512.
    """
    priority = 'VERY_HIGH'

    def __init__(self, backend='onednn', min_rows=MIN_ROWS):
        if backend not in BACKENDS:
            raise ValueError(f'CpuGemmHook: backend={backend!r} is not one of {BACKENDS}')
        self.backend = backend
        self.min_rows = min_rows

    def before_run(self, runner):
        model = runner.model.module if is_model_wrapper(runner.model) else runner.model
        count = set_cpu_gemm(model, self.backend, self.min_rows)
        print_log(f'CPU GEMM back end: {self.backend} ({count} FCs on oneDNN)',
                  logger='current')


def add_cpu_gemm_hook(cfg, backend):
    """Put a :class:`CpuGemmHook` for ``backend`` into ``cfg.custom_hooks``, replacing any
    the config already has (``backend=None`` leaves the config as it is)."""
    if backend is None:
        return cfg
    hooks = [h for h in cfg.get('custom_hooks', None) or []
             if h.get('type') is not CpuGemmHook
             and str(h.get('type')).split('.')[-1] != 'CpuGemmHook']
    cfg.custom_hooks = hooks + [dict(type='CpuGemmHook', backend=backend)]
    return cfg
