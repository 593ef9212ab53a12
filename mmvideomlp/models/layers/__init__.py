from .stem import ConvDownsample, ConvStem

__all__ = ['ConvStem', 'ConvDownsample']
