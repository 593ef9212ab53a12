"""Video data transforms (registered into mmaction2's TRANSFORMS)."""
import numpy as np
from mmaction.registry import TRANSFORMS
from mmcv.transforms import BaseTransform


@TRANSFORMS.register_module()
class ReverseFrameOrder(BaseTransform):
    """Play every sampled clip backwards: reverses ``frame_inds`` within each clip.

    Put it right after a frame sampler (``SampleFrames``, ``UniformSample``...). Used to
    check that a model relies on temporal order.

    Required keys: ``frame_inds``, ``clip_len``. Modified keys: ``frame_inds``.
    """

    def transform(self, results):
        inds = np.asarray(results['frame_inds'])
        clip_len = int(results['clip_len'])
        if inds.size % clip_len:
            raise ValueError(f'ReverseFrameOrder: {inds.size} frame indices do not split '
                             f'into clips of {clip_len}')
        results['frame_inds'] = inds.reshape(-1, clip_len)[:, ::-1].reshape(-1).copy()
        return results
