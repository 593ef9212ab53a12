"""Reading checkpoint files into flat state dicts."""
import os.path as osp
import pickle
import zipfile
from collections import OrderedDict

import torch

# Keys under which the training frameworks nest the weights, in order of preference:
# PySlowFast (``model_state``), timm EMA, mmengine and timm (``state_dict``), DeiT/ILA (``model``).
WRAPPER_KEYS = ('model_state', 'state_dict_ema', 'state_dict', 'model')


def read_checkpoint(path, map_location='cpu'):
    """Load a checkpoint file (``torch.save`` pickle or TorchScript archive).

    Local paths are read with :func:`torch.load`; URLs and other mmengine schemes go
    through mmengine's ``CheckpointLoader``. A file that is no checkpoint raises one
    ``ValueError`` line naming it, instead of an unpickling traceback.

    Raises:
        FileNotFoundError: ``path`` does not exist.
        ValueError: ``path`` is not a checkpoint.
    """
    path = str(path)
    if '://' in path:
        from mmengine.runner.checkpoint import CheckpointLoader
        return CheckpointLoader.load_checkpoint(path, map_location=map_location)
    path = osp.expanduser(path)
    if not osp.isfile(path):
        raise FileNotFoundError(f'checkpoint not found: {path}')
    try:
        checkpoint = torch.load(path, map_location=map_location, weights_only=False)
    except (pickle.UnpicklingError, EOFError, UnicodeDecodeError, zipfile.BadZipFile,
            RuntimeError) as error:
        try:  # TorchScript archives (e.g. OpenAI's CLIP releases)
            return torch.jit.load(path, map_location=map_location).state_dict()
        except (RuntimeError, ValueError):
            pass
        raise ValueError(f'{path} is not a PyTorch checkpoint ({type(error).__name__}: '
                         f'{str(error).splitlines()[0] if str(error) else "unreadable"})'
                         ) from None
    if isinstance(checkpoint, torch.jit.ScriptModule):  # torch.load dispatches TorchScript
        return checkpoint.state_dict()
    return checkpoint


def unwrap_state_dict(checkpoint):
    """The flat state dict inside a checkpoint, without a DDP ``module.`` prefix.

    Accepts the wrappers of :data:`WRAPPER_KEYS` or a flat dict of tensors.

    Raises:
        TypeError: the checkpoint holds no dict of weights.
    """
    state = checkpoint
    if isinstance(state, dict):
        for key in WRAPPER_KEYS:
            if isinstance(state.get(key), dict):
                state = state[key]
                break
    if not isinstance(state, dict):
        raise TypeError(f'expected a checkpoint dict, got {type(state).__name__}')
    return strip_prefix(state, 'module.', keep_others=True)


def strip_prefix(state_dict, prefix, keep_others=False):
    """Keys starting with ``prefix``, without it (others dropped unless ``keep_others``)."""
    out = OrderedDict()
    for key, value in state_dict.items():
        if key.startswith(prefix):
            out[key[len(prefix):]] = value
        elif keep_others:
            out[key] = value
    return out
