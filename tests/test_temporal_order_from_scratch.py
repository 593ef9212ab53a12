"""Every family, trained from scratch by its own synthetic recipe, tells a motion from its time
reversal on clips it never saw.

Each family's ``configs/<family>_synthetic.py`` (its pipeline, augmentations with the
dataset's label maps, preprocessing, optimiser and schedule) at the tiny sizes of
``tiny_runs.py`` (8 frames of 32x32), trained through mmengine's Runner on the two translation
pairs of a small synthetic set (left/right, up/down: 24 videos a class). Held-out clips in
order must be classified well above chance (0.25); played backwards they must get the twin
label, so the original one well below chance. A model blind to the order of frames scores
the same both ways, at most 0.5 within a pair.
"""
import os.path as osp

import numpy as np
import pytest
import torch
from mmaction.registry import DATASETS
from mmengine.config import Config
from mmengine.dataset import pseudo_collate
from mmengine.runner import Runner

from tiny_runs import CONFIGS, tiny_options

CLASSES = ('moving_left', 'moving_right', 'moving_up', 'moving_down')
EPOCHS = dict(morphmlp=12, posmlp=12, vast=12, ila=12)


@pytest.fixture(scope='module')
def translations(tmp_path_factory):
    """The synthetic set at 32x32 with lists of its first four classes only."""
    from mmvideomlp.datasets import SyntheticVideoSpec, make_synthetic_videos
    root = str(tmp_path_factory.mktemp('translations'))
    spec = SyntheticVideoSpec(videos_per_class=dict(train=24, test=8), height=32, width=32)
    lists = make_synthetic_videos(root, spec, seed=5, progress=False)
    subset = osp.join(root, 'subset')
    for split, rows in (('train', lists['train']), ('val', lists['test']),
                        ('test', lists['test'])):
        write(osp.join(subset, f'{split}_list.txt'),
              [f'{rel} {label}' for rel, label in rows if label < len(CLASSES)])
    write(osp.join(subset, 'label_map.txt'), CLASSES)
    return root, subset


def write(path, lines):
    import os
    os.makedirs(osp.dirname(path), exist_ok=True)
    with open(path, 'w') as f:
        f.write('\n'.join(lines) + '\n')


def recipe(family, root, subset, work_dir):
    cfg = Config.fromfile(CONFIGS[family])
    cfg.merge_from_dict(tiny_options(family, root, subset))
    epochs = EPOCHS[family]
    cfg.merge_from_dict({
        'work_dir': work_dir, 'model.cls_head.num_classes': len(CLASSES),
        'randomness': dict(seed=0), 'train_dataloader.batch_size': 8,
        'train_cfg.max_epochs': epochs, 'train_cfg.val_interval': epochs + 1,
        'default_hooks.logger.interval': 50,
        'default_hooks.checkpoint': dict(type='CheckpointHook', interval=-1, save_last=False),
        'visualizer.vis_backends': [dict(type='LocalVisBackend')]})
    if family == 'ila':
        cfg.model.cls_head.class_names = osp.join(subset, 'label_map.txt')
    cosine = cfg.param_scheduler[-1]
    cosine.update(end=epochs, T_max=epochs - cosine.get('begin', 0))
    return cfg


def held_out_accuracy(model, dataset_cfg, reverse):
    """Top-1 of ``model`` on the test clips (played backwards with ``reverse``) against their
    own labels."""
    pipeline = list(dataset_cfg.pipeline)
    if reverse:  # right after the frame sampler, as tools/test.py --time-reversed does
        pipeline.insert(2, dict(type='ReverseFrameOrder'))
    dataset = DATASETS.build(dict(dataset_cfg, pipeline=pipeline))
    hits = []
    model.eval()
    with torch.no_grad():
        for start in range(0, len(dataset), 8):
            batch = pseudo_collate([dataset[i] for i in range(start, min(start + 8, len(dataset)))])
            for sample in model.test_step(batch):
                hits.append(int(sample.pred_score.argmax()) == int(sample.gt_label))
    return float(np.mean(hits))


@pytest.mark.parametrize('family', list(CONFIGS))
def test_learns_the_order_of_frames_from_scratch(family, translations, tmp_path):
    root, subset = translations
    cfg = recipe(family, root, subset, str(tmp_path))
    runner = Runner.from_cfg(cfg)
    runner.train()
    in_order = held_out_accuracy(runner.model, cfg.test_dataloader.dataset, reverse=False)
    backwards = held_out_accuracy(runner.model, cfg.test_dataloader.dataset, reverse=True)
    print(f'{family}: held-out top-1 in order {in_order:.2f}, played backwards {backwards:.2f}')
    assert in_order >= 0.7, f'top-1 {in_order:.2f} on held-out clips in order (chance 0.25)'
    assert backwards <= 0.15, f'top-1 {backwards:.2f} on held-out clips played backwards'
