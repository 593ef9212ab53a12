"""The residual blocks of the four families as units of FSDP sharding and of activation
checkpointing, usable by name from configs (mmengine's ``FUNCTIONS`` registry).

``FSDPStrategy(model_wrapper=dict(auto_wrap_policy=dict(type='video_block_wrap_policy',
block_types=['MorphBlock'])))`` puts every MorphBlock in its own FSDP unit (its parameters
are gathered only while it runs); ``FSDPStrategy(activation_checkpointing=dict(
check_fn='video_block_checkpoint_fn'))`` recomputes the activations of every block in the
backward pass, as the backbones' ``with_cp=True`` does.
"""
import importlib

from mmengine.registry import FUNCTIONS
from torch.distributed.fsdp.wrap import transformer_auto_wrap_policy

# block class name -> module defining it
BLOCK_TYPES = {
    'MorphBlock': 'mmvideomlp.models.layers.morphmlp_block',
    'PosMLPBlock': 'mmvideomlp.models.layers.posmlp_block',
    'AffineShiftBlock': 'mmvideomlp.models.layers.affine_shift',
    'ILABlock': 'mmvideomlp.models.layers.ila_block',
}


def block_classes(block_types=None):
    """The block classes named by ``block_types`` (default: all four families').

    Raises:
        ValueError: for a name that is not one of :data:`BLOCK_TYPES`.
    """
    names = list(BLOCK_TYPES) if block_types is None else (
        [block_types] if isinstance(block_types, str) else list(block_types))
    unknown = [n for n in names if n not in BLOCK_TYPES]
    if unknown:
        raise ValueError(f'unknown block types {unknown}; allowed: {list(BLOCK_TYPES)}')
    return tuple(getattr(importlib.import_module(BLOCK_TYPES[n]), n) for n in names)


def video_block_wrap_policy(module, recurse, nonwrapped_numel, block_types=None):
    """FSDP ``auto_wrap_policy``: one FSDP unit per block of ``block_types`` (names of
    :data:`BLOCK_TYPES`, default all); everything else stays in the root unit."""
    return transformer_auto_wrap_policy(module, recurse, nonwrapped_numel,
                                        transformer_layer_cls=set(block_classes(block_types)))


def video_block_checkpoint_fn(module):
    """``check_fn`` of activation checkpointing: True for the blocks of every family.

    (mmengine 0.10.7 drops the arguments of a ``check_fn`` given as a dict, so this takes
    none; a model holds the blocks of its own family only.)"""
    return isinstance(module, block_classes())


for _fn in (video_block_wrap_policy, video_block_checkpoint_fn):
    if FUNCTIONS.get(_fn.__name__) is None:
        FUNCTIONS.register_module(module=_fn)
