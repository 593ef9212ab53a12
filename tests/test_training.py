"""tools/train.py, tools/test.py and tools/dist_train.sh on the synthetic dataset (CPU)."""
import json
import os
import os.path as osp
import pickle

import numpy as np
import pytest
import torch
from tool_runner import REPO, free_port, run_tool, training_log, video_subset_options

CONFIG = 'configs/quickstart_synthetic.py'
# a narrow network, one batch of all ten videos per epoch, no validation until the end
SMALL = ['model.backbone.base_channels=8', 'model.cls_head.in_channels=64',
         'model.cls_head.dropout_ratio=0', 'default_hooks.logger.interval=1',
         'train_dataloader.batch_size=10', 'val_dataloader.batch_size=10',
         'test_dataloader.batch_size=10', 'train_cfg.val_interval=100',
         'param_scheduler.0.start_factor=1.0', 'optim_wrapper.optimizer.lr=0.005']


@pytest.fixture(scope='module')
def ten_videos(synthetic_videos, tmp_path_factory):
    """One video per class in each split: a set a model can fit."""
    return video_subset_options(synthetic_videos, str(tmp_path_factory.mktemp('ten')))


def test_training_lowers_the_loss_then_resumes(ten_videos, tmp_path):
    work = str(tmp_path / 'work')
    run_tool('tools/train.py', CONFIG, '--work-dir', work, '--seed', '0', '--cfg-options',
             *ten_videos, *SMALL, 'train_cfg.max_epochs=12', 'param_scheduler.1.T_max=16')
    losses = [r['loss'] for r in training_log(work) if 'loss' in r]
    assert len(losses) == 12
    first, last = np.mean(losses[:3]), np.mean(losses[-3:])
    assert last < first - 0.2, f'loss did not fall: {first:.3f} -> {last:.3f}'

    out = run_tool('tools/train.py', CONFIG, '--work-dir', work, '--resume', '--cfg-options',
                   *ten_videos, *SMALL, 'train_cfg.max_epochs=14', 'param_scheduler.1.T_max=16')
    assert 'resumed epoch: 12, iter: 12' in out
    steps = [r['step'] for r in training_log(work) if 'loss' in r]
    assert steps[-1] == 14 and steps.count(13) == 1  # continued, not restarted
    assert osp.isfile(osp.join(work, 'epoch_14.pth'))

    dump, metrics = str(tmp_path / 'preds.pkl'), str(tmp_path / 'metrics.json')
    run_tool('tools/test.py', CONFIG, osp.join(work, 'epoch_14.pth'), '--work-dir',
             str(tmp_path / 'test'), '--dump', dump, '--metrics-json', metrics,
             '--cfg-options', *ten_videos, *SMALL)
    # the reported top-1 is the accuracy of the dumped predictions on the test list
    with open(dump, 'rb') as f:
        predictions = pickle.load(f)
    test_list = next(o for o in ten_videos if o.startswith('test_dataloader.dataset.ann_file'))
    with open(test_list.split('=', 1)[1]) as f:
        labels = [int(line.split()[1]) for line in f]
    assert len(predictions) == len(labels) == 10
    hits = [int(p['pred_score'].argmax()) == label for p, label in zip(predictions, labels)]
    with open(metrics) as f:
        assert json.load(f)['acc/top1'] == pytest.approx(np.mean(hits))


# A hook module imported by the training processes: after training, every rank writes the
# sum of each of its parameters, so the test can check that the two ranks stayed identical.
WEIGHT_SUMS_HOOK = """
import json, os.path as osp
import torch.distributed as dist
from mmengine.hooks import Hook
from mmengine.registry import HOOKS


@HOOKS.register_module()
class WeightSumsHook(Hook):
    def after_train(self, runner):
        rank = dist.get_rank() if dist.is_initialized() else 0
        model = getattr(runner.model, 'module', runner.model)
        sums = {k: float(v.double().sum()) for k, v in model.state_dict().items()}
        with open(osp.join(runner.work_dir, f'weight_sums_rank{rank}.json'), 'w') as f:
            json.dump(sums, f)
"""


def test_dist_train_two_processes_on_cpu(ten_videos, tmp_path):
    work = str(tmp_path / 'dist')
    (tmp_path / 'weight_sums_hook.py').write_text(WEIGHT_SUMS_HOOK)
    config = tmp_path / 'config.py'
    config.write_text(f"_base_ = ['{osp.join(REPO, CONFIG)}']\n"
                      "custom_imports = dict(imports=['mmvideomlp', 'weight_sums_hook'])\n"
                      "custom_hooks = [dict(type='WeightSumsHook')]\n")
    out = run_tool('tools/dist_train.sh', str(config), '2', '--work-dir', work, '--seed', '0',
                   '--cfg-options', *ten_videos, *SMALL, 'train_dataloader.batch_size=5',
                   'train_cfg.max_epochs=2', 'train_cfg.val_interval=2',
                   env=dict(PORT=str(free_port()), OMP_NUM_THREADS='1',
                            PYTHONPATH=os.pathsep.join([str(tmp_path),
                                                        os.environ.get('PYTHONPATH', '')])))
    assert 'Distributed training: True' in out and "'backend': 'gloo'" in out
    # 10 videos over 2 ranks at batch 5: one iteration per rank and epoch, both trained
    steps = [r['step'] for r in training_log(work) if 'loss' in r]
    assert steps == [1, 2]
    sums = [json.loads((tmp_path / 'dist' / f'weight_sums_rank{r}.json').read_text())
            for r in (0, 1)]
    assert sums[0] == sums[1]  # DDP kept the replicas identical, buffers included
    # the weights moved from the initialisation, and the saved checkpoint holds them
    checkpoint = torch.load(osp.join(work, 'epoch_2.pth'), map_location='cpu',
                            weights_only=False)['state_dict']
    assert {k: float(v.double().sum()) for k, v in checkpoint.items()} == sums[0]
