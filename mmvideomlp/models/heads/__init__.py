from .token_norm_head import TokenNormHead

__all__ = ['TokenNormHead']
