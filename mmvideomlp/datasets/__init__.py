from .checked import (CheckedRawframeDataset, CheckedRepeatAugDataset, CheckedVideoDataset,
                      VideoReadError, check_labels)
try:
    from .checked_image import CheckedImageNet  # noqa: F401
except ImportError:  # mmpretrain is not installed
    pass
from .frame_cache import CachedDecordInit, DecodedVideo, clear_frame_cache
from .label_maps import load_label_maps
from .sampling import CheckedSampleFrames, CheckedUniformSample, ClipTooShortError
from .synthetic import (CLASSES, MOTION_SETS, SyntheticVideoSpec, is_generated,
                        make_synthetic_videos, render_video, reversed_class)
from .transforms import LabelMappedFlip, ReverseFrameOrder, SubtractTemporalMean

__all__ = ['CLASSES', 'MOTION_SETS', 'SyntheticVideoSpec', 'is_generated',
           'make_synthetic_videos', 'render_video', 'reversed_class', 'load_label_maps',
           'ReverseFrameOrder', 'LabelMappedFlip', 'SubtractTemporalMean', 'CheckedVideoDataset',
           'CheckedRepeatAugDataset', 'CheckedRawframeDataset', 'VideoReadError', 'check_labels',
           'CheckedSampleFrames', 'CheckedUniformSample', 'ClipTooShortError', 'CachedDecordInit',
           'DecodedVideo', 'clear_frame_cache']
