"""Import-time compatibility fixes for the pinned stack on CPU-only machines.

Each fix is conditional: it does nothing where the installed packages work as they are
(a CUDA build of torchvision with its ops, full mmcv, a complete mmaction2 wheel).

* torchvision 0.28's only wheel is a CUDA build; without CUDA libraries its ``_C``
  extension does not load and registering fake kernels for ``torchvision::nms`` raises
  at import. Those two registrations are skipped; every other part of torchvision works.
* The mmaction2 1.2.0 wheel lacks ``mmaction/models/localizers/drn``; a placeholder module
  lets ``mmaction.models`` import, and using DRN raises a clear error.
* Under mmcv-lite (no compiled ops) mmseg hard-imports ``point_sample`` and
  ``sigmoid_focal_loss`` from ``mmcv.ops``. A small ``mmcv.ops`` module provides mmcv's
  pure-PyTorch ``point_sample``; any other op raises ``ModuleNotFoundError`` as before.
* mmengine 0.10.7 calls ``torch.load`` without ``weights_only`` and torch >= 2.6 refuses
  its own Runner checkpoints. Local checkpoints are loaded with ``weights_only=False``:
  only load checkpoints you trust.
"""
import importlib.util
import sys
import types

import torch


def _has_module(name):
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):
        return False


def _import_torchvision_without_cuda_ops():
    if 'torchvision' in sys.modules or not _has_module('torchvision'):
        return
    original = torch.library.register_fake

    def tolerant_register_fake(op, *args, **kwargs):
        decorator = original(op, *args, **kwargs)
        if not (isinstance(op, str) and op.startswith('torchvision::')):
            return decorator

        def apply(fn):
            try:
                return decorator(fn)
            except RuntimeError:  # operator not registered: no compiled ops
                return fn

        return apply

    torch.library.register_fake = tolerant_register_fake
    try:
        import torchvision  # noqa: F401
    except Exception:  # a broken torchvision must not break this package
        sys.modules.pop('torchvision', None)
    finally:
        torch.library.register_fake = original


def _stub_missing_mmaction_drn():
    if not _has_module('mmaction') or 'mmaction.models.localizers.drn' in sys.modules:
        return
    spec = importlib.util.find_spec('mmaction')
    import os
    root = os.path.dirname(spec.origin)
    if os.path.isdir(os.path.join(root, 'models', 'localizers', 'drn')):
        return

    class DRN:  # noqa: D401 - placeholder with a clear message

        def __init__(self, *args, **kwargs):
            raise ImportError('mmaction.models.localizers.drn is missing from the '
                              'installed mmaction2 1.2.0 wheel; DRN is unavailable.')

    package = types.ModuleType('mmaction.models.localizers.drn')
    package.__path__ = []
    module = types.ModuleType('mmaction.models.localizers.drn.drn')
    module.DRN = DRN
    package.drn = module
    sys.modules[package.__name__] = package
    sys.modules[module.__name__] = module


def point_sample(input, points, align_corners=False, **kwargs):
    """mmcv's ``point_sample`` (pure PyTorch): sample ``input`` at ``points`` in [0, 1]."""
    import torch.nn.functional as F
    add_dim = points.dim() == 3
    if add_dim:
        points = points.unsqueeze(2)
    output = F.grid_sample(input, 2.0 * points - 1.0, align_corners=align_corners, **kwargs)
    return output.squeeze(3) if add_dim else output


def _provide_lite_mmcv_ops():
    if not _has_module('mmcv') or 'mmcv.ops' in sys.modules or _has_module('mmcv._ext'):
        return

    def sigmoid_focal_loss(*args, **kwargs):
        raise ModuleNotFoundError('sigmoid_focal_loss needs mmcv built with ops '
                                  '(MMCV_FULL=1 bash tools/install.sh)')

    def missing(name):
        if name.startswith('__'):
            raise AttributeError(name)
        raise ModuleNotFoundError(
            f'mmcv.ops.{name} needs mmcv built with its compiled ops; mmcv-lite is '
            'installed (rebuild with MMCV_FULL=1 bash tools/install.sh)')

    ops = types.ModuleType('mmcv.ops')
    ops.point_sample = point_sample
    ops.sigmoid_focal_loss = sigmoid_focal_loss
    ops.__getattr__ = missing
    sys.modules['mmcv.ops'] = ops


def _load_local_checkpoints_with_pickle():
    from mmengine.runner.checkpoint import CheckpointLoader

    def load_from_local(filename, map_location):
        import os.path as osp
        filename = osp.expanduser(filename)
        if not osp.isfile(filename):
            raise FileNotFoundError(f'{filename} can not be found.')
        return torch.load(filename, map_location=map_location, weights_only=False)

    CheckpointLoader.register_scheme(prefixes='', loader=load_from_local, force=True)


def apply():
    import warnings
    # expected under mmcv-lite: the deformable attention op is simply absent
    warnings.filterwarnings('ignore', message='Fail to import ``MultiScaleDeformableAttention``')
    _import_torchvision_without_cuda_ops()
    _stub_missing_mmaction_drn()
    _provide_lite_mmcv_ops()
    _load_local_checkpoints_with_pickle()
