from . import backbones, data_preprocessors, heads, recognizers  # noqa: F401
