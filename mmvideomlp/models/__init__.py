from . import backbones, heads, recognizers  # noqa: F401
