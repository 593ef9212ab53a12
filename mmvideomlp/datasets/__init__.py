from .checked import (CheckedRawframeDataset, CheckedRepeatAugDataset, CheckedVideoDataset,
                      VideoReadError, check_labels)
try:
    from .checked_image import CheckedImageNet  # noqa: F401
except ImportError:  # mmpretrain is not installed
    pass
from .sampling import CheckedSampleFrames, CheckedUniformSample, ClipTooShortError
from .synthetic import (CLASSES, SyntheticVideoSpec, is_generated, make_synthetic_videos,
                        render_video, reversed_class)
from .transforms import ReverseFrameOrder, SubtractTemporalMean

__all__ = ['CLASSES', 'SyntheticVideoSpec', 'is_generated', 'make_synthetic_videos', 'render_video',
           'reversed_class', 'ReverseFrameOrder', 'SubtractTemporalMean', 'CheckedVideoDataset',
           'CheckedRepeatAugDataset', 'CheckedRawframeDataset', 'VideoReadError', 'check_labels',
           'CheckedSampleFrames', 'CheckedUniformSample', 'ClipTooShortError']
