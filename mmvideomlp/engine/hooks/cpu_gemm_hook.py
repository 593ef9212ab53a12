"""A hook that sets the CPU GEMM back end of the model's FCs before a run."""
from mmengine.hooks import Hook
from mmengine.logging import print_log
from mmengine.model import is_model_wrapper

from ...registry import register_hook
from ...utils.cpu import cpu_model
from ...utils.cpu_gemm import CHOICES, MIN_MACS, resolve_cpu_gemm, set_cpu_gemm


@register_hook
class CpuGemmHook(Hook):
    """Convert the model's FCs to a CPU GEMM back end before training, validation or
    testing (see :mod:`mmvideomlp.utils.cpu_gemm`); parameters and checkpoint keys are
    unchanged, and CUDA runs are not affected.

    Example::

        custom_hooks = [dict(type='CpuGemmHook', backend='onednn')]

    Args:
        backend (str): ``'onednn'`` (1x1-convolution path), ``'blas'`` (plain
            ``nn.Linear``, undoing an earlier conversion) or ``'auto'`` (the CPU's
            :func:`~mmvideomlp.utils.cpu_gemm.default_cpu_gemm`). Defaults to ``'auto'``.
        min_macs (int): Calls of fewer multiply-adds keep ``F.linear``. Defaults to 2^23.
    """
    priority = 'VERY_HIGH'

    def __init__(self, backend='auto', min_macs=MIN_MACS):
        if backend not in CHOICES:
            raise ValueError(f'CpuGemmHook: backend={backend!r} is not one of {CHOICES}')
        self.backend = backend
        self.min_macs = min_macs

    def before_run(self, runner):
        model = runner.model.module if is_model_wrapper(runner.model) else runner.model
        backend = resolve_cpu_gemm(self.backend)
        count = set_cpu_gemm(model, backend, self.min_macs)
        how = f' (auto on {cpu_model()})' if self.backend == 'auto' else ''
        print_log(f'CPU GEMM back end: {backend}{how}, {count} FCs on oneDNN',
                  logger='current')


def add_cpu_gemm_hook(cfg, backend):
    """Put a :class:`CpuGemmHook` for ``backend`` into ``cfg.custom_hooks``, replacing any
    the config already has; ``backend=None`` keeps the config's hook, or adds an ``'auto'``
    one where it has none."""
    old = cfg.get('custom_hooks', None) or []
    hooks = [h for h in old if h.get('type') is not CpuGemmHook
             and str(h.get('type')).split('.')[-1] != 'CpuGemmHook']
    if backend is None:
        if len(hooks) < len(old):
            return cfg
        backend = 'auto'
    cfg.custom_hooks = hooks + [dict(type='CpuGemmHook', backend=backend)]
    return cfg
