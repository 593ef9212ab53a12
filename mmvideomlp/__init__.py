"""Attention-free video backbones (MorphMLP, PosMLP-Video, ILA, VAST) for OpenMMLab 2.x."""
from . import compat

compat.apply()

from . import datasets, engine, models  # noqa: E402,F401  (registers models, transforms, runner)
from .registry import register_model  # noqa: E402
from .version import __version__  # noqa: E402

__all__ = ['register_model', '__version__']
