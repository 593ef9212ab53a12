"""Recognizer of ILA: mmaction2's Recognizer3D plus the per-block alignment losses.

`Implicit Temporal Modeling with Learnable Alignment for Video Recognition
<https://arxiv.org/abs/2304.10465>`_. Training loss = classification loss + weight x the
sum over blocks of the cosine alignment loss (weight 1 in the released code).
"""
from mmaction.models.recognizers import Recognizer3D

from ...registry import register_model


@register_model
class ILARecognizer(Recognizer3D):
    """:class:`mmaction.models.Recognizer3D` that adds ``loss_align`` in training.

    The jitter schedule of the interactive points follows the runner's epoch through
    :class:`~mmvideomlp.engine.hooks.ILAJitterHook`.

    Args:
        align_loss_weight (float): Weight of the summed alignment losses. Defaults to 1.
        **kwargs: :class:`mmaction.models.Recognizer3D` arguments.
    """

    def __init__(self, *args, align_loss_weight=1.0, **kwargs):
        super().__init__(*args, **kwargs)
        self.align_loss_weight = align_loss_weight

    def extract_feat(self, inputs, stage='neck', data_samples=None, test_mode=False):
        if test_mode:
            return super().extract_feat(inputs, stage, data_samples, test_mode)
        inputs = inputs.view((-1, ) + inputs.shape[2:])
        x, align_losses = self.backbone(inputs, return_align_loss=True)
        kwargs = dict()
        if stage == 'backbone':
            return x, kwargs
        loss_aux = dict(loss_align=self.align_loss_weight * align_losses.sum())
        if self.with_neck:
            x, neck_aux = self.neck(x, data_samples=data_samples)
            loss_aux.update(neck_aux)
        kwargs['loss_aux'] = loss_aux
        if stage == 'head' and self.with_cls_head:
            x = self.cls_head(x, **kwargs)
        return x, kwargs
