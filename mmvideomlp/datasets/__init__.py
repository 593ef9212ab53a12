from .synthetic import (CLASSES, SyntheticVideoSpec, is_generated, make_synthetic_videos,
                        render_video, reversed_class)
from .transforms import ReverseFrameOrder, SubtractTemporalMean

__all__ = ['CLASSES', 'SyntheticVideoSpec', 'is_generated', 'make_synthetic_videos', 'render_video',
           'reversed_class', 'ReverseFrameOrder', 'SubtractTemporalMean']
