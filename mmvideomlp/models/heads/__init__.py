from .ila_head import ILALinearHead, ILATextHead
from .token_norm_head import TokenNormHead

__all__ = ['ILALinearHead', 'ILATextHead', 'TokenNormHead']
