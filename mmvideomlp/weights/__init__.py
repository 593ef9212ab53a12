"""Reading checkpoints and loading weights into backbones.

* :mod:`.io`: reading a checkpoint file of any source into a flat state dict;
* :mod:`.adapt`: the shape adaptations a checkpoint may need (image → video stem kernels,
  relative-position tables, position embeddings);
* :mod:`.loader`: loading a state dict into a backbone with one report format.

Conversions of the official repositories' key layouts live in :mod:`mmvideomlp.converters`.
"""
from .io import read_checkpoint, strip_prefix, unwrap_state_dict
from .loader import LoadReport, load_backbone_weights

__all__ = ['read_checkpoint', 'unwrap_state_dict', 'strip_prefix', 'LoadReport',
           'load_backbone_weights']
