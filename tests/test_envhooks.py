"""The lazy environment repairs (mmvideomlp/envhooks.py) and their absence of side effects."""
import os
import os.path as osp
import subprocess
import sys

import pytest
import torch

from mmvideomlp import envhooks

# every test starts a fresh interpreter without the hooks that the venv's .pth may install
NO_HOOKS = ("import sys\n"
            "sys.meta_path[:] = [f for f in sys.meta_path\n"
            "                    if not getattr(f, 'mmvideomlp_envhooks', 0)]\n"
            "sys.modules.pop('mmvideomlp.envhooks', None)\n")


def _python(code):
    proc = subprocess.run([sys.executable, '-c', NO_HOOKS + code], capture_output=True, text=True,
                          timeout=120, env=dict(os.environ, PYTHONWARNINGS='ignore'))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc.stdout


def test_importing_the_package_patches_nothing():
    out = _python(
        "import torch, torch.library, torch.serialization\n"
        "from mmengine.runner.checkpoint import CheckpointLoader\n"
        "before = (torch.load, torch.library.register_fake, dict(CheckpointLoader._schemes))\n"
        "safe = list(torch.serialization.get_safe_globals())\n"
        "import mmvideomlp\n"
        "from mmvideomlp.envhooks import runner_checkpoint_globals\n"
        "after = (torch.load, torch.library.register_fake, dict(CheckpointLoader._schemes))\n"
        "assert after[0] is before[0] and after[1] is before[1], 'torch patched'\n"
        "assert after[2] == before[2], 'mmengine loaders changed'\n"
        "added = [g for g in torch.serialization.get_safe_globals() if g not in safe]\n"
        "ours = [g for g in added if not getattr(g, '__module__', '').startswith('torch.')]\n"
        "assert set(map(repr, ours)) == set(map(repr, runner_checkpoint_globals())), added\n"
        "assert 'mmvideomlp_envhooks' in type(sys.meta_path[0]).__dict__\n"
        "print('OK', len(added))\n")
    assert out.startswith('OK')


def test_installing_the_hooks_imports_nothing():
    out = _python(
        "before = set(sys.modules)\n"
        "import importlib.util as u\n"
        "folder = u.find_spec('mmvideomlp').submodule_search_locations[0]\n"
        "spec = u.spec_from_file_location('hooks', folder + '/envhooks.py')\n"
        "hooks = u.module_from_spec(spec); spec.loader.exec_module(hooks)\n"
        "hooks.install(); hooks.install()\n"
        "new = {m.split('.')[0] for m in set(sys.modules) - before}\n"
        "heavy = {'torch', 'torchvision', 'mmcv', 'mmengine', 'mmaction', 'numpy', 'mmvideomlp'}\n"
        "assert not new & heavy, new\n"
        "assert hooks.installed()\n"
        "assert len([f for f in sys.meta_path if getattr(f, 'mmvideomlp_envhooks', 0)]) == 1\n"
        "print('OK')\n")
    assert out.startswith('OK')


def test_torchvision_imports_with_the_original_register_fake():
    out = _python(
        "import torch.library\n"
        "original = torch.library.register_fake\n"
        "import mmvideomlp.envhooks\n"
        "import torchvision, torchvision.ops\n"
        "assert torch.library.register_fake is original\n"
        "from torchvision.ops import box_convert\n"
        "box = box_convert(torch.tensor([[1., 2., 3., 4.]]), 'xywh', 'xyxy')\n"
        "print(torchvision.extension._has_ops(), box.tolist())\n"
        "try:\n"
        "    torchvision.ops.nms(torch.zeros(1, 4), torch.zeros(1), 0.5)\n"
        "except RuntimeError as err:\n"
        "    print('nms:', err)\n")
    if out.startswith('True'):
        pytest.skip('torchvision has its compiled ops here: the module loads unchanged')
    assert out.startswith('False [[1.0, 2.0, 4.0, 6.0]]')
    assert "Couldn't load custom C++ ops" in out


def test_missing_drn_gets_a_placeholder():
    from mmaction.models import localizers
    if os.path.isdir(os.path.join(localizers.__path__[0], 'drn')):
        assert localizers.DRN.__module__ == 'mmaction.models.localizers.drn.drn'
        pytest.skip('complete mmaction2: its own DRN is used')
    with pytest.raises(ImportError, match='mmaction.models.localizers.drn is missing from the '
                       'installed mmaction2 wheel; DRN is unavailable'):
        localizers.DRN()


def test_mmcv_lite_gets_pure_pytorch_point_sample():
    import importlib.util

    import mmcv.ops
    if importlib.util.find_spec('mmcv._ext') is not None:
        assert mmcv.ops.point_sample is not envhooks.point_sample
        pytest.skip('full mmcv: its own mmcv.ops is used')
    assert mmcv.ops.point_sample is envhooks.point_sample
    feats = torch.arange(16.).view(1, 1, 4, 4)
    corners = torch.tensor([[[0.125, 0.125], [0.875, 0.875], [0.375, 0.125]]])
    assert mmcv.ops.point_sample(feats, corners).tolist() == [[[0., 15., 1.]]]
    with pytest.raises(ModuleNotFoundError, match='mmcv.ops.nms needs mmcv built with its '
                       'compiled ops; mmcv-lite is installed'):
        mmcv.ops.nms


def test_runner_checkpoint_globals_allow_only_history_buffer_methods(tmp_path):
    from mmengine.logging import HistoryBuffer, MessageHub
    import numpy as np

    hub = MessageHub('envhooks_test')
    hub.update_scalar('train/loss', 0.5)
    hub.update_info('best_score', np.float64(0.75))
    path = tmp_path / 'hub.pth'
    torch.save(dict(message_hub=hub.state_dict(), dtype=np.dtype('int16')), path)
    loaded = torch.load(path)  # torch's default: weights_only=True
    assert loaded['message_hub']['log_scalars']['train/loss'].current() == 0.5
    assert loaded['message_hub']['runtime_info']['best_score'] == np.float64(0.75)
    assert loaded['dtype'] == np.dtype('int16')

    class Sneaky:
        def __reduce__(self):
            return getattr, (HistoryBuffer, '__init__')

    torch.save(Sneaky(), tmp_path / 'sneaky.pth')
    with pytest.raises(Exception, match=r"getattr\(.*HistoryBuffer.*'__init__'\) is not allowed"):
        torch.load(tmp_path / 'sneaky.pth')


def test_the_pth_line_of_install_sh_installs_the_hooks(tmp_path, repo_root):
    script = osp.join(repo_root, 'tools', 'install.sh')
    # evaluate only the pth_line assignment of the script
    assignment = f"sed -n '/^pth_line=/,/install()\"$/p' {script}"
    line = subprocess.run(['bash', '-c', f'eval "$({assignment})"; printf %s "$pth_line"'],
                          capture_output=True, text=True).stdout
    assert line.startswith('import ') and '\n' not in line
    (tmp_path / 'mmvideomlp_envhooks.pth').write_text(line + '\n')
    out = _python(
        "import site, time\n"
        f"start = time.perf_counter(); site.addsitedir({str(tmp_path)!r})\n"
        "print('ms', (time.perf_counter() - start) * 1000)\n"
        "hooks = sys.modules['mmvideomlp.envhooks']\n"
        "assert hooks.installed() and 'mmvideomlp' not in sys.modules\n"
        "import mmvideomlp\n"
        "assert mmvideomlp.envhooks is hooks\n"
        "print('OK')\n")
    assert out.endswith('OK\n'), out
