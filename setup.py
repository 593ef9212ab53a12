"""Packaging of mmvideomlp; metadata lives in setup.cfg.

mim (``mim search/train/test mmvideomlp``) looks for a ``.mim`` folder inside the installed
package holding ``configs/``, ``tools/`` and ``model-index.yml``. ``add_mim_extension`` fills
``mmvideomlp/.mim`` before setuptools runs: links to the repository's folders for editable
installs (``pip install -e .``), copies for wheels and regular installs.
"""
import os
import os.path as osp
import shutil
import sys

from setuptools import setup

MIM_FILES = ('configs', 'tools', 'model-index.yml')


def add_mim_extension():
    """Populate ``mmvideomlp/.mim`` with links (editable) or copies (wheel, install)."""
    if any(cmd in sys.argv for cmd in ('develop', 'editable_wheel')):
        mode = 'symlink'
    elif any(cmd in sys.argv for cmd in ('install', 'bdist_wheel', 'sdist', 'build')):
        mode = 'copy'
    else:
        return
    repo = osp.dirname(osp.abspath(__file__))
    mim_root = osp.join(repo, 'mmvideomlp', '.mim')
    os.makedirs(mim_root, exist_ok=True)
    for name in MIM_FILES:
        src, dst = osp.join(repo, name), osp.join(mim_root, name)
        if not osp.exists(src):
            raise FileNotFoundError(f'add_mim_extension: {src} is missing from the source tree')
        if osp.islink(dst) or osp.isfile(dst):
            os.remove(dst)
        elif osp.isdir(dst):
            shutil.rmtree(dst)
        if mode == 'symlink':
            os.symlink(osp.relpath(src, mim_root), dst)
        elif osp.isdir(src):
            shutil.copytree(src, dst, ignore=shutil.ignore_patterns('__pycache__', '*.pyc'))
        else:
            shutil.copyfile(src, dst)


if __name__ == '__main__':
    add_mim_extension()
    setup()
