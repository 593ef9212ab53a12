from .data_check_hook import DataCheckHook

__all__ = ['DataCheckHook']
