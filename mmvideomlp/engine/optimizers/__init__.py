from .ila_optim_wrapper_constructor import ILAOptimWrapperConstructor

__all__ = ['ILAOptimWrapperConstructor']
