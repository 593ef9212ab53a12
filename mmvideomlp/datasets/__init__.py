from .synthetic import (CLASSES, SyntheticVideoSpec, make_synthetic_videos, render_video,
                        reversed_class)

__all__ = ['CLASSES', 'SyntheticVideoSpec', 'make_synthetic_videos', 'render_video',
           'reversed_class']
