"""Registration of the package's models and hooks into the OpenMMLab codebases.

One class is registered into the ``MODELS`` (or ``HOOKS``) registries of mmaction2,
mmpretrain and mmsegmentation (hooks also into mmengine's root registry), so configs under
any default scope resolve it by name. A name that one of those registries already holds is
an error, never a silent override.

Only ``<codebase>.registry`` is imported here. A codebase whose models are not loaded yet
(mmseg's take half a second, mostly scipy) is not loaded for the check: mmengine loads it
when a config first builds under its scope, and a model of the same name there would then
fail that import with mmengine's ``KeyError: '<name> is already registered'``
(tests/test_registry.py loads all three codebases after this package to rule that out).
"""
import importlib

CODEBASES = ('mmaction', 'mmpretrain', 'mmseg')


def _registries(kind, scopes=CODEBASES):
    registries = []
    for scope in scopes:
        try:
            module = importlib.import_module(f'{scope}.registry')
        except ImportError:  # a codebase that is not installed is simply not served
            continue
        registries.append(getattr(module, kind))
    return registries


def _register(kind, scopes, cls, name):

    def register(module):
        key = name or module.__name__
        for registry in _registries(kind, scopes):
            existing = registry.module_dict.get(key)
            if existing is module:
                continue
            if existing is not None:
                raise KeyError(f'{key} is already registered in {registry.scope}::'
                               f'{registry.name} by {existing.__module__}; choose another name')
            registry.register_module(name=key, module=module)
        return module

    return register if cls is None else register(cls)


def register_model(cls=None, *, name=None):
    """Register a model class under every installed OpenMMLab default scope.

    Use as ``@register_model`` or ``@register_model(name='Other')``.

    Raises:
        KeyError: if ``mmaction``, ``mmpretrain`` or ``mmseg`` already has a model of
            that name.
    """
    return _register('MODELS', CODEBASES, cls, name)


def register_hook(cls=None, *, name=None):
    """Register a hook class in mmengine's ``HOOKS`` and every installed codebase's, so
    ``custom_hooks=[dict(type=...)]`` resolves under any default scope.

    Raises:
        KeyError: if one of those registries already has a hook of that name.
    """
    return _register('HOOKS', ('mmengine', ) + CODEBASES, cls, name)
