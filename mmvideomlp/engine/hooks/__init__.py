from .ila_jitter_hook import ILAJitterHook

__all__ = ['ILAJitterHook']
