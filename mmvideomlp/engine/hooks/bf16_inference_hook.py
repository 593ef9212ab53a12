"""A hook that casts the model to bf16 before testing (``tools/test.py --precision bf16``)."""
from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper

from ...registry import register_hook
from ...utils.precision import to_bf16
from ..amp import bf16_or_fp32


@register_hook
class BF16InferenceHook(Hook):
    """Cast the runner's model to bf16 after the checkpoint is loaded and before testing
    (:func:`mmvideomlp.utils.precision.to_bf16`: weights and activations in bf16, scores
    in fp32). On a CPU without native bf16 the test runs in fp32 and the log says why."""

    priority = 'VERY_LOW'

    def before_test(self, runner):
        model = runner.model.module if is_model_wrapper(runner.model) else runner.model
        on_cpu = next(model.parameters()).device.type == 'cpu'
        if on_cpu and not bf16_or_fp32('--precision bf16'):
            return
        to_bf16(model)
        runner.logger.info('bf16: the model runs in bfloat16 (weights and activations; '
                           'scores in fp32)')
