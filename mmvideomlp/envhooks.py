"""Lazy import hooks that repair the pinned OpenMMLab stack where it is broken.

This file imports only the standard library, so the hooks are cheap to install at
interpreter start-up (the ``.pth`` file that ``tools/install.sh`` writes into the
environment loads this file by path, without importing the ``mmvideomlp`` package) and
again, idempotently, by ``import mmvideomlp``. Nothing is patched up front: one finder in
``sys.meta_path`` acts when one of the modules below is imported, and only if that module
is broken where it stands.

* ``torchvision._meta_registrations``: torchvision 0.28's only wheel is a CUDA build; without
  CUDA libraries its ``_C`` extension does not load and the module's
  ``register_fake("torchvision::nms")`` / ``("torchvision::qnms")`` decorators raise, so
  ``import torchvision`` fails (and with it every mmengine Runner, whose ``collect_env``
  imports torchvision). When ``torchvision.extension._has_ops()`` is false the module is
  compiled without those two decorators; with the compiled ops it loads unchanged.
* ``mmaction.models.localizers.drn``: absent from the mmaction2 1.2.0 wheel; only when the
  real module cannot be found, a placeholder whose ``DRN`` raises a clear error is served.
* ``mmcv.ops``: only when mmcv has no compiled ``mmcv._ext`` (mmcv-lite), a small module with
  mmcv's pure-PyTorch ``point_sample`` replaces it (mmseg hard-imports it); any other op
  raises ``ModuleNotFoundError`` naming how to get it.
* ``mmengine.runner.checkpoint``: after it loads, the exact non-tensor types that mmengine
  Runner checkpoints hold are allow-listed for ``torch.load(weights_only=True)`` (the default
  since torch 2.6), see :data:`RUNNER_CHECKPOINT_GLOBALS`. ``torch.load`` itself is untouched.
"""
import importlib.util
import sys

_MARK = 'mmvideomlp_envhooks'
DRN_MODULE = 'mmaction.models.localizers.drn'


def _other_finders_spec(finder, name, path, target):
    """The spec that the rest of ``sys.meta_path`` finds for ``name`` (None if absent)."""
    for other in sys.meta_path:
        if other is finder or not hasattr(other, 'find_spec'):
            continue
        spec = other.find_spec(name, path, target)
        if spec is not None:
            return spec
    return None


class _WrappedLoader:
    """Delegates to ``loader``, except that executing the module is ``run(module, loader)``."""

    def __init__(self, loader, run):
        self._loader, self._run = loader, run

    def __getattr__(self, name):  # get_source, get_filename, ... for tracebacks and inspect
        return getattr(self._loader, name)

    def create_module(self, spec):
        return self._loader.create_module(spec)

    def exec_module(self, module):
        self._run(module, self._loader)


# ----------------------------------------------------------------------- torchvision

def _strip_torchvision_fakes(tree):
    """Remove ``@...register_fake('torchvision::...')`` decorators from a module's AST."""
    import ast

    def is_fake(node):
        return (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and node.func.attr == 'register_fake' and node.args
                and isinstance(node.args[0], ast.Constant)
                and str(node.args[0].value).startswith('torchvision::'))

    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            node.decorator_list = [d for d in node.decorator_list if not is_fake(d)]


def _exec_torchvision_meta(module, loader):
    import ast

    import torchvision.extension
    source = None
    if not torchvision.extension._has_ops() and hasattr(loader, 'get_source'):
        source = loader.get_source(module.__name__)
    if source is None:  # compiled ops present (or no source): load as shipped
        return loader.exec_module(module)
    tree = ast.parse(source, module.__spec__.origin)
    _strip_torchvision_fakes(tree)
    exec(compile(tree, module.__spec__.origin, 'exec'), module.__dict__)


# ----------------------------------------------------------------------------- mmcv

def point_sample(input, points, align_corners=False, **kwargs):
    """mmcv's ``point_sample`` in pure PyTorch: sample ``input`` at ``points`` in [0, 1].

    Args:
        input (Tensor): Features, shape (N, C, H, W).
        points (Tensor): Coordinates, shape (N, P, 2) or (N, Hp, Wp, 2), in [0, 1].

    Returns:
        Tensor: (N, C, P) or (N, C, Hp, Wp).
    """
    import torch.nn.functional as F
    add_dim = points.dim() == 3
    if add_dim:
        points = points.unsqueeze(2)
    output = F.grid_sample(input, 2.0 * points - 1.0, align_corners=align_corners, **kwargs)
    return output.squeeze(3) if add_dim else output


def _missing_op(name):
    if name.startswith('__'):
        raise AttributeError(name)
    raise ModuleNotFoundError(
        f'mmcv.ops.{name} needs mmcv built with its compiled ops; mmcv-lite is installed '
        '(rebuild with MMCV_FULL=1 bash tools/install.sh)')


def _sigmoid_focal_loss(*args, **kwargs):
    _missing_op('sigmoid_focal_loss')


class _LiteOpsLoader:

    def create_module(self, spec):
        return None

    def exec_module(self, module):
        import warnings
        # expected without compiled ops: mmcv's transformer bricks report the absent op
        warnings.filterwarnings(
            'ignore', message='Fail to import ``MultiScaleDeformableAttention``',
            module='mmcv.cnn.bricks.transformer')
        module.point_sample = point_sample
        module.sigmoid_focal_loss = _sigmoid_focal_loss
        module.__getattr__ = _missing_op


# -------------------------------------------------------------------------- mmaction

class _DRNLoader:

    def create_module(self, spec):
        return None

    def exec_module(self, module):
        if module.__name__ == DRN_MODULE:
            module.__path__ = []
            return

        class DRN:  # noqa: D401 - placeholder with a clear message

            def __init__(self, *args, **kwargs):
                raise ImportError('mmaction.models.localizers.drn is missing from the '
                                  'installed mmaction2 wheel; DRN is unavailable.')

        module.DRN = DRN


# -------------------------------------------------------------------------- mmengine

def _history_buffer_method(owner, name):
    """``getattr`` restricted to the public methods of mmengine's ``HistoryBuffer``.

    A pickled ``HistoryBuffer`` holds its statistics (``HistoryBuffer.min``, ``.max``,
    ``.current``, ``.mean``), which pickle stores as ``getattr(HistoryBuffer, 'min')``.
    """
    import pickle

    from mmengine.logging.history_buffer import HistoryBuffer
    method = getattr(owner, name, None) if owner is HistoryBuffer else None
    if (name.startswith('_') or not callable(method)
            or not getattr(method, '__qualname__', '').startswith('HistoryBuffer.')):
        raise pickle.UnpicklingError(
            f'weights-only load: getattr({owner!r}, {name!r}) is not allowed; only public '
            'methods of mmengine.logging.history_buffer.HistoryBuffer are')
    return method


def runner_checkpoint_globals():
    """The non-tensor globals in mmengine Runner checkpoints, for
    ``torch.serialization.add_safe_globals``.

    Found by saving and resuming Runner checkpoints (``message_hub`` holds ``HistoryBuffer``
    objects with numpy arrays, metrics are numpy scalars): the class ``HistoryBuffer``, numpy's
    array and scalar reconstructors under their numpy 1 and numpy 2 module paths, the dtype
    classes of numpy's non-object dtypes, and ``builtins.getattr`` served by
    :func:`_history_buffer_method`. Everything else in those
    checkpoints (tensors, dicts, ``OrderedDict``, ``_codecs.encode``) torch allows already.
    """
    import numpy as np
    from mmengine.logging.history_buffer import HistoryBuffer
    try:
        from numpy._core.multiarray import _reconstruct, scalar
    except ImportError:  # numpy < 2
        from numpy.core.multiarray import _reconstruct, scalar
    names = [(HistoryBuffer, 'mmengine.logging.history_buffer.HistoryBuffer'),
             (np.ndarray, 'numpy.ndarray'), (np.dtype, 'numpy.dtype'),
             (_history_buffer_method, 'builtins.getattr')]
    for package in ('numpy.core', 'numpy._core'):
        names += [(_reconstruct, f'{package}.multiarray._reconstruct'),
                  (scalar, f'{package}.multiarray.scalar')]
    # a dtype's state is set on an instance of its class (numpy.dtypes.Float64DType, ...);
    # object arrays ('O') stay refused
    return names + list({type(np.dtype(code)) for code in np.typecodes['All'] if code != 'O'})


def _allow_runner_checkpoints(module, loader):
    loader.exec_module(module)
    import torch.serialization
    torch.serialization.add_safe_globals(runner_checkpoint_globals())


# ---------------------------------------------------------------------------- finder

class _RepairFinder:
    """Meta path finder: serves a repaired module only where the shipped one is broken."""

    mmvideomlp_envhooks = True

    def find_spec(self, name, path=None, target=None):
        if name == 'torchvision._meta_registrations':
            return self._wrapped(name, path, target, _exec_torchvision_meta)
        if name == 'mmengine.runner.checkpoint':
            return self._wrapped(name, path, target, _allow_runner_checkpoints)
        if name == 'mmcv.ops':
            if importlib.util.find_spec('mmcv._ext') is not None:
                return None  # full mmcv: its own ops
            return importlib.util.spec_from_loader(name, _LiteOpsLoader())
        if name in (DRN_MODULE, DRN_MODULE + '.drn'):
            if _other_finders_spec(self, name, path, target) is not None:
                return None  # a complete mmaction2
            package = name == DRN_MODULE
            return importlib.util.spec_from_loader(name, _DRNLoader(), is_package=package)
        return None

    def _wrapped(self, name, path, target, run):
        spec = _other_finders_spec(self, name, path, target)
        if spec is not None and spec.loader is not None:
            spec.loader = _WrappedLoader(spec.loader, run)
        return spec


def installed():
    """Whether the hooks are in ``sys.meta_path`` (from this file or another copy of it)."""
    return any(getattr(f, _MARK, False) for f in sys.meta_path)


def install():
    """Put the finder first in ``sys.meta_path`` (once per process) and repair what is
    already imported: allow-list the checkpoint types if mmengine's loader is loaded."""
    if installed():
        return
    sys.meta_path.insert(0, _RepairFinder())
    if 'mmengine.runner.checkpoint' in sys.modules:
        import torch.serialization
        torch.serialization.add_safe_globals(runner_checkpoint_globals())
