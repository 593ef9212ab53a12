from .synthetic import (CLASSES, SyntheticVideoSpec, make_synthetic_videos, render_video,
                        reversed_class)
from .transforms import ReverseFrameOrder

__all__ = ['CLASSES', 'SyntheticVideoSpec', 'make_synthetic_videos', 'render_video',
           'reversed_class', 'ReverseFrameOrder']
