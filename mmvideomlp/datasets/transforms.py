"""Video data transforms (registered into mmaction2's TRANSFORMS)."""
import numpy as np
from mmaction.datasets.transforms import Flip
from mmaction.registry import TRANSFORMS
from mmcv.transforms import BaseTransform

from .label_maps import apply_label_map, sample_label_map


def _per_clip(array, results, transform):
    """``array`` (frames or frame indices along axis 0) as ``(clips, clip_len, ...)``."""
    clip_len = int(results['clip_len'])
    if len(array) % clip_len:
        raise ValueError(f'{transform}: {len(array)} frames do not split into clips of '
                         f'{clip_len}')
    return array.reshape(-1, clip_len, *array.shape[1:])


@TRANSFORMS.register_module()
class ReverseFrameOrder(BaseTransform):
    """Play every sampled clip backwards: reverses ``frame_inds`` within each clip.

    Put it right after a frame sampler (``SampleFrames``, ``UniformSample``...). Used to
    check that a model relies on temporal order, or (with ``prob`` and ``label_map``) as a
    training augmentation for classes whose time reversal is another class.

    Args:
        prob (float): Probability of reversing a sample. Defaults to 1.
        label_map (dict | str, optional): Label of a reversed sample, e.g. the time-reversed
            twin (``{0: 1, 1: 0, ...}``; labels not in it are kept), or the name of one of
            the dataset's label maps (``'time_reversal'``, see
            :mod:`mmvideomlp.datasets.label_maps`): a dataset that maps it to null is never
            reversed. Defaults to None.

    Required keys: ``frame_inds``, ``clip_len`` (and ``label_maps`` when ``label_map`` is a
    name). Modified keys: ``frame_inds`` (and ``label`` with ``label_map``).
    """

    def __init__(self, prob=1.0, label_map=None):
        if not 0 <= prob <= 1:
            raise ValueError(f'ReverseFrameOrder: prob must be in [0, 1], got {prob}')
        self.prob = prob
        self.label_map = label_map

    def transform(self, results):
        if self.prob < 1 and np.random.rand() >= self.prob:
            return results
        label_map, applies = sample_label_map(self.label_map, results, 'ReverseFrameOrder')
        if not applies:
            return results
        clips = _per_clip(np.asarray(results['frame_inds']).reshape(-1), results,
                          'ReverseFrameOrder')
        results['frame_inds'] = clips[:, ::-1].reshape(-1).copy()
        apply_label_map(label_map, results)
        return results


@TRANSFORMS.register_module()
class LabelMappedFlip(Flip):
    """mmaction2's ``Flip`` relabelled by one of the dataset's label maps.

    Args:
        label_map (str): Name of the dataset's map for this flip (``'horizontal_flip'``,
            ``'vertical_flip'``; see :mod:`mmvideomlp.datasets.label_maps`). A dataset that
            maps it to null (the flip is no symmetry of it) is never flipped.
        **kwargs: ``Flip``'s arguments (``flip_ratio``, ``direction``...) but
            ``flip_label_map``.
    """

    def __init__(self, label_map, **kwargs):
        if 'flip_label_map' in kwargs:
            raise ValueError('LabelMappedFlip: the label map comes from the dataset '
                             '(label_map=<name>); use Flip for a fixed flip_label_map')
        super().__init__(**kwargs)
        self.label_map = label_map

    def transform(self, results):
        label_map, applies = sample_label_map(self.label_map, results, 'LabelMappedFlip')
        if not applies:
            results.update(flip=False, flip_direction=self.direction)
            return results
        results = super().transform(results)
        if results['flip']:
            apply_label_map(label_map, results)
        return results


@TRANSFORMS.register_module()
class SubtractTemporalMean(BaseTransform):
    """Keep only what changes within a clip: subtract from every frame the per-pixel mean of
    the clip's frames (a motion-only input, like the RGB-difference input of TSN).

    Put it after the spatial transforms and before ``FormatShape``; frames become float32
    (normalise them with ``mean=0`` in the data preprocessor).

    Required keys: ``imgs``, ``clip_len``. Modified keys: ``imgs``.
    """

    def transform(self, results):
        imgs = np.asarray(results['imgs'], dtype=np.float32)
        clips = _per_clip(imgs, results, 'SubtractTemporalMean')
        results['imgs'] = (clips - clips.mean(1, keepdims=True)).reshape(imgs.shape)
        return results
