"""The model zoo as mim sees it: model-index.yml, the family metafiles and `mim search`."""
import glob
import os
import os.path as osp
import shutil
import subprocess
import sys

import pytest
import yaml

REPO = osp.dirname(osp.dirname(osp.abspath(__file__)))
MIM = 'import sys; from mim.cli import cli; sys.exit(cli())'  # the `mim` command


def _metafiles():
    with open(osp.join(REPO, 'model-index.yml')) as f:
        return [osp.join(REPO, p) for p in yaml.safe_load(f)['Import']]


def test_every_family_config_is_in_a_metafile_and_resolves():
    from mmengine.config import Config
    listed = set()
    for path in _metafiles():
        with open(path) as f:
            meta = yaml.safe_load(f)
        for collection in meta['Collections']:
            assert osp.isfile(osp.join(REPO, collection['README'])), collection['README']
            assert collection['Paper']['URL'].startswith('https://arxiv.org/abs/')
        for model in meta['Models']:
            assert model['Name'] == osp.basename(model['Config'])[:-3]
            assert {'Training Data', 'Training Resources', 'Resolution'} <= set(model['Metadata'])
            listed.add(model['Config'])
    on_disk = {osp.relpath(p, REPO) for p in glob.glob(osp.join(REPO, 'configs', '[!_]*', '*.py'))}
    assert listed == on_disk
    for config in sorted(listed)[::7]:  # a sample resolves (every config: test_data_checks)
        Config.fromfile(osp.join(REPO, config))


def test_mim_search_lists_the_installed_models(tmp_path):
    pytest.importorskip('mim', reason='openmim is a test requirement (requirements/tests.txt)')
    # build from a copy: setuptools writes build/, *.egg-info and mmvideomlp/.mim in the tree
    src, site = tmp_path / 'src', tmp_path / 'site'
    ignore = shutil.ignore_patterns('__pycache__', '*.pyc', '.mim', 'build', '*.egg-info')
    for name in ('mmvideomlp', 'configs', 'tools'):
        shutil.copytree(osp.join(REPO, name), src / name, ignore=ignore)
    for name in ('setup.py', 'setup.cfg', 'README.md', 'LICENSE', 'model-index.yml'):
        shutil.copy(osp.join(REPO, name), src / name)
    subprocess.run([sys.executable, '-m', 'pip', 'install', '-q', '--no-deps',
                    '--no-build-isolation', '--no-compile', '--target', str(site), str(src)],
                   check=True, cwd=tmp_path)
    assert (site / 'mmvideomlp' / '.mim' / 'configs' / 'morphmlp' / 'metafile.yml').is_file()
    assert (site / 'mmvideomlp' / '.mim' / 'tools' / 'train.py').is_file()
    env = dict(os.environ, PYTHONPATH=str(site))
    out = subprocess.run([sys.executable, '-c', MIM, 'search', 'mmvideomlp'],
                         capture_output=True, text=True, env=env, cwd=tmp_path, check=True).stdout
    assert 'config id: morphmlp-b_in1k-pre_8xb8-u32-64e_sthv2-rgb' in out
    assert 'config id: ila-vit-large-p14-res336_clip-pre_8xb8-u16-50e_kinetics400-rgb' in out
    assert 'something-something v2/top_1_accuracy' in out and '196.70g' in out
    assert out.count('config id:') == sum(
        len(yaml.safe_load(open(p))['Models']) for p in _metafiles())
