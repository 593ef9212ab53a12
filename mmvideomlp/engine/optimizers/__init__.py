from .ila_optim_wrapper_constructor import ILAOptimWrapperConstructor
from .merged_groups import MergedGroupsOptimWrapperConstructor, merge_param_groups

__all__ = ['ILAOptimWrapperConstructor', 'MergedGroupsOptimWrapperConstructor',
           'merge_param_groups']
