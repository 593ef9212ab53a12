"""A data preprocessor that checks the number of input channels (registered as a model)."""
from mmaction.models import ActionDataPreprocessor

from ..registry import register_model

# where the channel axis of a stacked batch is, per format shape
CHANNEL_AXIS = {'NCTHW': -4, 'NCHW': -3}


@register_model
class CheckedActionDataPreprocessor(ActionDataPreprocessor):
    """``ActionDataPreprocessor`` that refuses inputs with the wrong number of channels.

    mmaction2's preprocessor broadcasts the mean and std over the channel axis, so a
    1-channel clip is silently turned into 3 channels and a 4-channel clip fails deep in the
    broadcast. This one raises a ``ValueError`` naming the expected ``in_channels``.

    Args:
        in_channels (int, optional): channels the model takes (the backbone's
            ``in_channels``). Defaults to the length of ``mean`` when normalising.
        **kwargs: the arguments of ``ActionDataPreprocessor``.

    Shapes:
        inputs: per sample ``(views, C, T, H, W)`` (``NCTHW``) or ``(views, C, H, W)``
        (``NCHW``); other formats are not checked.
    """

    def __init__(self, in_channels=None, **kwargs):
        super().__init__(**kwargs)
        mean = kwargs.get('mean')
        if in_channels is not None and mean is not None and len(mean) != in_channels:
            raise ValueError(f'data_preprocessor: mean/std have {len(mean)} values but '
                             f'in_channels={in_channels}; give one value per input channel')
        self.in_channels = in_channels if in_channels is not None else (
            len(mean) if mean is not None else None)

    def preprocess(self, inputs, data_samples, training=False):
        axis = CHANNEL_AXIS.get(self.format_shape)
        if self.in_channels is not None and axis is not None:
            for i, clip in enumerate(inputs):
                channels = clip.shape[axis] if clip.dim() >= -axis else None
                if channels != self.in_channels:
                    raise ValueError(
                        f'input {i} of the batch has shape {tuple(clip.shape)}: {channels} '
                        f'channels on the C axis of {self.format_shape}, but the model takes '
                        f'in_channels={self.in_channels} (data_preprocessor mean/std of '
                        f'length {self.in_channels}). Convert the frames to '
                        f'{self.in_channels} channels in the pipeline, or set '
                        'model.data_preprocessor.in_channels, its mean/std and the '
                        "backbone's in_channels together")
        return super().preprocess(inputs, data_samples, training)
