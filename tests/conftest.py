import os
import os.path as osp

import pytest
import torch

import mmvideomlp  # noqa: F401  (compatibility fixes and registration)

REPO = osp.dirname(osp.dirname(osp.abspath(__file__)))
SHARED_DATA = osp.join(REPO, '..', 'shared', 'data')


@pytest.fixture(scope='session')
def repo_root():
    return REPO


@pytest.fixture(scope='session')
def shared_data():
    """The folder of real third-party videos beside the checkout (absent for end users)."""
    if not osp.isdir(SHARED_DATA):
        pytest.skip(f'real test videos not found: {osp.abspath(SHARED_DATA)} is absent')
    return osp.abspath(SHARED_DATA)


@pytest.fixture(scope='session')
def synthetic_videos(tmp_path_factory):
    """A small synthetic temporal-order dataset: 10 classes, 16 frames of 64x64.

    Returns the dataset folder (``label_map.txt``, ``{train,val,test}_list.txt``,
    ``videos/``); 8 training, 2 validation and 2 test videos per class.
    """
    from mmvideomlp.datasets import SyntheticVideoSpec, make_synthetic_videos
    root = str(tmp_path_factory.mktemp('synthetic'))
    spec = SyntheticVideoSpec(videos_per_class=dict(train=8, val=2, test=2))
    make_synthetic_videos(root, spec, seed=0, progress=False)
    return root


def pytest_configure(config):
    # Tests run several processes side by side on small machines.
    os.environ.setdefault('OMP_NUM_THREADS', '2')


@pytest.fixture
def one_thread():
    """One intra-op thread: fastest for tiny tensors and immune to a busy machine."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)
