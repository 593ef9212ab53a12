import importlib

import pytest
import torch
from mmengine.config import Config
from mmengine.registry import DefaultScope

from mmvideomlp import register_model
from mmvideomlp.registry import CODEBASES


def _registry(scope):
    return importlib.import_module(f'{scope}.registry').MODELS


def _package_models():
    models = {name: cls for name, cls in _registry('mmaction').module_dict.items()
              if cls.__module__.startswith('mmvideomlp.')}
    assert 'TokenNormHead' in models
    return models


@pytest.mark.parametrize('scope', CODEBASES)
def test_every_model_resolves_in_every_scope(scope):
    registry = _registry(scope)
    for name, cls in _package_models().items():
        with DefaultScope.overwrite_default_scope(scope):
            assert registry.get(name) is cls, f'{name} does not resolve under {scope}'


@pytest.mark.parametrize('scope', CODEBASES)
def test_config_with_custom_imports_builds_under_scope(tmp_path, scope):
    cfg_file = tmp_path / f'head_{scope}.py'
    cfg_file.write_text(
        f"default_scope = '{scope}'\n"
        "custom_imports = dict(imports=['mmvideomlp'], allow_failed_imports=False)\n"
        "model = dict(type='TokenNormHead', num_classes=3, in_channels=8)\n")
    cfg = Config.fromfile(str(cfg_file))
    with DefaultScope.overwrite_default_scope(cfg.default_scope):
        head = _registry(scope).build(cfg.model)
    assert head(torch.randn(2, 8, 2, 3, 3)).shape == (2, 3)


def test_registering_an_existing_name_is_refused():
    class I3DHead(torch.nn.Module):  # mmaction2 already has one
        pass

    with pytest.raises(KeyError, match='I3DHead is already registered in mmaction'):
        register_model(I3DHead)
    assert _registry('mmaction').get('I3DHead').__module__.startswith('mmaction')


def test_registering_is_one_line_and_idempotent():
    @register_model(name='MmvideomlpTestOnlyModule')
    class Module(torch.nn.Module):
        pass

    register_model(name='MmvideomlpTestOnlyModule')(Module)  # same class again: fine
    for scope in CODEBASES:
        assert _registry(scope).get('MmvideomlpTestOnlyModule') is Module
        _registry(scope)._module_dict.pop('MmvideomlpTestOnlyModule')
