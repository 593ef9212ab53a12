import importlib
import subprocess
import sys

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


def test_no_name_collides_once_every_codebase_is_loaded():
    """Registration leaves a codebase's models unloaded until a config needs them (mmseg);
    loading all three afterwards must neither fail nor shadow a name of this package."""
    code = (
        "import sys, importlib\n"
        "import mmvideomlp\n"
        "print('mmseg.models loaded by the import:', 'mmseg.models' in sys.modules)\n"
        "ours = {n: c for n, c in importlib.import_module('mmaction.registry').MODELS"
        ".module_dict.items() if c.__module__.startswith('mmvideomlp.')}\n"
        "for scope in ('mmaction', 'mmpretrain', 'mmseg'):\n"
        "    registry = importlib.import_module(f'{scope}.registry').MODELS\n"
        "    registry.import_from_location()\n"
        "    assert {n: registry.module_dict[n] for n in ours} == ours, scope\n"
        "print('checked', len(ours))\n")
    proc = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert 'mmseg.models loaded by the import: False' in proc.stdout
    assert int(proc.stdout.split('checked ')[1]) >= 9  # backbones, heads, recognizers


def test_a_late_collision_fails_loudly():
    code = (
        "import torch\n"
        "from mmvideomlp import register_model\n"
        "register_model(type('UPerHead', (torch.nn.Module, ), {}))  # an mmseg head's name\n"
        "import mmseg.models\n")
    proc = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode != 0
    assert 'KeyError: \'UPerHead is already registered in model at __main__\'' in proc.stderr
