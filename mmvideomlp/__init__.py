"""Attention-free video backbones (MorphMLP, PosMLP-Video, ILA, VAST) for OpenMMLab 2.x."""
from . import envhooks

envhooks.install()  # lazy repairs of the pinned stack (no-op when tools/install.sh's .pth did it)

from . import datasets, engine, models  # noqa: E402,F401  (registers models, transforms, hooks)
from .registry import register_model  # noqa: E402
from .version import __version__  # noqa: E402

__all__ = ['register_model', '__version__']
