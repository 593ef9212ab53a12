"""Bad data never fails silently or anonymously: unreadable and short videos, labels out of
range, empty or missing lists, wrong channel counts."""
import contextlib
import glob
import logging
import os.path as osp
import shutil

import numpy as np
import pytest
import torch
from mmengine.config import Config
from mmengine.registry import init_default_scope
from mmengine.runner import Runner
from tool_runner import run_tool, video_data_options

from mmvideomlp.datasets import (ClipTooShortError, SyntheticVideoSpec, VideoReadError,
                                 make_synthetic_videos)

REPO = osp.dirname(osp.dirname(osp.abspath(__file__)))
CONFIG = osp.join(REPO, 'configs', 'vast_synthetic.py')  # 8 frames of 32x32, interval 2


@pytest.fixture(scope='module')
def bad_videos(synthetic_videos, tmp_path_factory):
    """A folder with the synthetic videos plus ``truncated.mp4`` (the first 1500 bytes of a
    real video), ``text.mp4`` (a text file) and ``short_*.mp4`` (6-frame videos)."""
    root = tmp_path_factory.mktemp('bad')
    shutil.copytree(synthetic_videos, root, dirs_exist_ok=True)
    with open(osp.join(synthetic_videos, 'train_list.txt')) as f:
        first = f.readline().split()[0]
    with open(osp.join(synthetic_videos, first), 'rb') as f:
        (root / 'truncated.mp4').write_bytes(f.read()[:1500])
    (root / 'text.mp4').write_text('not a video\n')
    short = root / 'short'
    make_synthetic_videos(str(short), SyntheticVideoSpec(
        videos_per_class=dict(train=1, val=0, test=0), num_frames=6), seed=1, progress=False)
    for path in glob.glob(str(short / 'videos' / 'train' / '*.mp4'))[:2]:
        shutil.copy(path, root / f'short_{osp.basename(path)}')
    return str(root)


def _rows(root, split='train', count=4):
    with open(osp.join(root, f'{split}_list.txt')) as f:
        return f.readlines()[:count]


def _write_list(path, rows):
    path.write_text(''.join(r if r.endswith('\n') else r + '\n' for r in rows))
    return str(path)


def _dataset(ann_file, root, split='test', **kwargs):
    from mmaction.registry import DATASETS
    init_default_scope('mmaction')
    cfg = Config.fromfile(CONFIG)
    loader = cfg[f'{split}_dataloader']
    return DATASETS.build(dict(loader.dataset, ann_file=ann_file, data_root=root,
                               data_prefix=dict(video=root), **kwargs))


@contextlib.contextmanager
def _warnings():
    """The messages logged through mmengine's current logger inside the block."""
    from mmengine.logging import MMLogger
    messages = []
    handler = logging.Handler(level=logging.WARNING)
    handler.emit = lambda record: messages.append(record.getMessage())
    logger = MMLogger.get_current_instance()
    logger.addHandler(handler)
    try:
        yield messages
    finally:
        logger.removeHandler(handler)


def _short_names(root):
    return sorted(osp.basename(p) for p in glob.glob(osp.join(root, 'short_*.mp4')))


# --------------------------------------------------------------- unreadable videos
@pytest.mark.parametrize('name', ['truncated.mp4', 'text.mp4'])
def test_unreadable_video_names_file_and_index(bad_videos, tmp_path, name):
    ann = _write_list(tmp_path / 'list.txt', _rows(bad_videos) + [f'{name} 3'])
    dataset = _dataset(ann, bad_videos)
    assert dataset[0]['inputs'].shape == (1, 3, 8, 32, 32)
    with pytest.raises(VideoReadError) as err:
        dataset[4]
    message = str(err.value)
    assert f'cannot read {osp.join(bad_videos, name)}' in message
    assert f'dataset index 4, {ann}, line 5; CachedDecordInit' in message
    assert 'skip_unreadable=True' in message


def test_skip_unreadable_resamples_and_records(bad_videos, tmp_path):
    ann = _write_list(tmp_path / 'list.txt',
                      _rows(bad_videos) + ['truncated.mp4 3', 'text.mp4 4'])
    dataset = _dataset(ann, bad_videos, skip_unreadable=True)
    dataset.unreadable_log = str(tmp_path / 'log.txt')
    for _ in range(3):  # the same file is logged once
        item = dataset[4]
        assert item['inputs'].shape == (1, 3, 8, 32, 32)
        dataset[5]
    assert sorted(dataset.unreadable) == [osp.join(bad_videos, n)
                                          for n in ('text.mp4', 'truncated.mp4')]
    lines = (tmp_path / 'log.txt').read_text().splitlines()
    assert [line.split('\t')[:2] for line in lines] == [
        [osp.join(bad_videos, 'truncated.mp4'), '4'], [osp.join(bad_videos, 'text.mp4'), '5']]


def test_training_run_fails_with_the_file_name_through_workers(bad_videos, tmp_path):
    lists = tmp_path / 'lists'
    lists.mkdir()
    for split in ('train', 'val', 'test'):
        _write_list(lists / f'{split}_list.txt', _rows(bad_videos, split) + ['text.mp4 1'])
    options = video_data_options(bad_videos, workers=1, lists=str(lists))
    out = run_tool('tools/train.py', CONFIG, '--work-dir', str(tmp_path / 'w'), '--cfg-options',
                   *options, 'train_cfg.max_epochs=1', 'train_dataloader.batch_size=5',
                   'train_dataloader.sampler.shuffle=False', check=False)
    assert f'cannot read {osp.join(bad_videos, "text.mp4")} (dataset index 4' in out


def test_training_run_skips_and_reports_unreadable_videos(bad_videos, tmp_path):
    lists = tmp_path / 'lists'
    lists.mkdir()
    for split in ('train', 'val', 'test'):
        bad = ['truncated.mp4 0', 'text.mp4 1'] if split == 'train' else []
        _write_list(lists / f'{split}_list.txt', _rows(bad_videos, split) + bad)
    work = tmp_path / 'w'
    options = video_data_options(bad_videos, workers=2, lists=str(lists))
    out = run_tool('tools/train.py', CONFIG, '--work-dir', str(work), '--cfg-options', *options,
                   'train_dataloader.dataset.skip_unreadable=True', 'train_cfg.max_epochs=2',
                   'train_cfg.val_interval=2', 'train_dataloader.batch_size=6')
    files = sorted(osp.join(bad_videos, n) for n in ('text.mp4', 'truncated.mp4'))
    assert '2 unreadable train video(s) skipped so far' in out
    assert ', '.join(files) in out
    [summary] = glob.glob(str(work / '*' / 'unreadable_videos.txt'))
    with open(summary) as f:
        rows = [line.split('\t') for line in f.read().splitlines()]
    assert [r[:2] for r in rows] == [['train', files[0]], ['train', files[1]]]
    assert 'Epoch(val) [2]' in out


def test_check_videos_tool_lists_unreadable_short_and_missing(bad_videos, tmp_path):
    short = _short_names(bad_videos)
    ann = _write_list(tmp_path / 'list.txt', _rows(bad_videos, count=2) + [
        'truncated.mp4 0', 'text.mp4 1', f'{short[0]} 2', 'gone.mp4 3'])
    report = tmp_path / 'report.tsv'
    proc_out = run_tool('tools/data/check_videos.py', ann, '--data-prefix', bad_videos,
                        '--clip-len', '8', '--frame-interval', '2', '--out', str(report),
                        check=False)
    assert ('6 videos in' in proc_out and '2 ok, 2 unreadable, 1 missing, '
            '1 shorter than 16 frames' in proc_out)
    rows = [line.split('\t') for line in report.read_text().splitlines()]
    assert rows[0] == ['status', 'line', 'file', 'frames', 'needed', 'error']
    assert [r[:5] for r in rows[1:]] == [
        ['unreadable', '3', 'truncated.mp4', '0', '16'], ['unreadable', '4', 'text.mp4', '0', '16'],
        ['too_short', '5', short[0], '6', '16'], ['missing', '6', 'gone.mp4', '0', '16']]


# --------------------------------------------------------------- short clips
def test_short_video_is_an_error_naming_file_and_counts(bad_videos, tmp_path):
    name = _short_names(bad_videos)[0]
    ann = _write_list(tmp_path / 'list.txt', [f'{name} 0'])
    for split in ('train', 'test'):
        with pytest.raises(ClipTooShortError) as err:
            _dataset(ann, bad_videos, split=split)[0]
        assert (f'{osp.join(bad_videos, name)} has 6 frames; the clip needs 16 '
                '(clip_len x frame_interval = 8 x 2)') in str(err.value)
        assert 'dataset index 0' in str(err.value)


@pytest.mark.parametrize('policy,indices', [('loop', [0, 2, 4, 0, 2, 4, 0, 2]),
                                            ('pad', [0, 2, 4, 4, 4, 4, 4, 4])])
def test_short_video_loop_and_pad_warn_with_the_file(bad_videos, tmp_path, policy, indices):
    from mmaction.registry import TRANSFORMS
    init_default_scope('mmaction')
    name = osp.join(bad_videos, _short_names(bad_videos)[0])
    ann = _write_list(tmp_path / 'list.txt', [f'{osp.basename(name)} 0'])
    dataset = _dataset(ann, bad_videos)
    dataset.pipeline.transforms[1] = TRANSFORMS.build(dict(
        type='CheckedSampleFrames', clip_len=8, frame_interval=2, test_mode=True,
        short_clip=policy))
    with _warnings() as log:
        for _ in range(2):
            item = dataset[0]
    assert item['inputs'].shape == (1, 3, 8, 32, 32)
    inputs = item['inputs'][0].float()
    repeats = [torch.equal(inputs[:, t], inputs[:, t - 3]) for t in (3, 4, 5)] if \
        policy == 'loop' else [torch.equal(inputs[:, t], inputs[:, 2]) for t in (3, 4, 5, 6, 7)]
    assert all(repeats) and not torch.equal(inputs[:, 0], inputs[:, 2])
    sampled = dataset.pipeline.transforms[1](dict(filename=name, total_frames=6, start_index=0))
    assert sampled['frame_inds'].tolist() == indices
    expected = (f'{name} has 6 frames; the clip needs 16 (clip_len x frame_interval = 8 x 2): '
                f'frames {"looped" if policy == "loop" else "padded with the last sampled one"}')
    assert [m for m in log if 'has 6 frames' in m] == [f'CheckedSampleFrames: {expected} '
                                                       f"(short_clip='{policy}')"]  # once


def test_uniform_sampler_policy():
    from mmaction.registry import TRANSFORMS
    init_default_scope('mmaction')
    sampler = TRANSFORMS.build(dict(type='CheckedUniformSample', clip_len=8))
    with pytest.raises(ClipTooShortError, match=r'v.mp4 has 5 frames; the clip needs 8 '
                                                r'\(clip_len = 8\)'):
        sampler(dict(filename='v.mp4', total_frames=5, start_index=0))
    padded = TRANSFORMS.build(dict(type='CheckedUniformSample', clip_len=8, short_clip='pad'))
    inds = padded(dict(filename='v.mp4', total_frames=5, start_index=0))['frame_inds']
    assert len(inds) == 8 and (np.diff(inds) >= 0).all()  # repeated in order
    with pytest.raises(ValueError, match="short_clip must be one of \\('error', 'pad'\\)"):
        TRANSFORMS.build(dict(type='CheckedUniformSample', clip_len=8, short_clip='loop'))


# --------------------------------------------------------------- labels and lists
@pytest.mark.parametrize('label', [12, -1])
def test_label_out_of_range_when_the_dataset_is_built(bad_videos, tmp_path, label):
    rows = _rows(bad_videos)
    rows[2] = f'{rows[2].split()[0]} {label}'
    ann = _write_list(tmp_path / 'list.txt', ['\n'] + rows)  # a blank first line
    with pytest.raises(ValueError) as err:
        _dataset(ann, bad_videos, num_classes=10)
    assert str(err.value).startswith(f'{ann}, line 4: label {label} is outside [0, 9] '
                                     '(num_classes=10)')


def _runner(cfg, tmp_path):
    cfg.work_dir = str(tmp_path / 'work')
    cfg.load_from = None
    return Runner.from_cfg(cfg)


@pytest.mark.parametrize('split', ['train', 'val', 'test'])
def test_label_out_of_range_found_at_run_start(bad_videos, tmp_path, split):
    """The config sets no num_classes on its datasets: DataCheckHook takes the model's."""
    lists = tmp_path / 'lists'
    lists.mkdir()
    for name in ('train', 'val', 'test'):
        rows = _rows(bad_videos, name)
        if name == split:
            rows[1] = f'{rows[1].split()[0]} 12'
        _write_list(lists / f'{name}_list.txt', rows)
    cfg = Config.fromfile(CONFIG)
    for key in ('train', 'val', 'test'):
        loader = cfg[f'{key}_dataloader']
        loader.dataset.update(ann_file=str(lists / f'{key}_list.txt'),
                              data_prefix=dict(video=bad_videos), label_maps=None)
        loader.update(num_workers=0, persistent_workers=False)
    cfg.train_cfg.max_epochs = 1
    runner = _runner(cfg, tmp_path)
    with pytest.raises(ValueError) as err:
        runner.test() if split == 'test' else runner.train()
    assert str(err.value).startswith(
        f'{lists}/{split}_list.txt, line 2: label 12 is outside [0, 9] (num_classes=10)')


def test_image_dataset_label_checked_at_run_start(tmp_path):
    import cv2
    root = tmp_path / 'imagenet'
    (root / 'val').mkdir(parents=True)
    (root / 'meta').mkdir()
    for i in range(3):
        cv2.imwrite(str(root / 'val' / f'{i}.JPEG'), np.full((40, 40, 3), 50 * i, np.uint8))
    (root / 'meta' / 'val.txt').write_text('0.JPEG 0\n1.JPEG 1\n2.JPEG 1000\n')
    cfg = Config.fromfile(osp.join(REPO, 'configs', 'morphmlp/morphmlp-t_8xb128_in1k.py'))
    cfg.model.backbone.arch = dict(embed_dims=[16, 32, 32, 64], depths=[1, 1, 1, 1],
                                   chunk_lengths=[4, 4, 4, 4], mlp_ratio=2)
    cfg.model.head.in_channels = 64
    cfg.test_dataloader.dataset.data_root = str(root)
    cfg.test_dataloader.num_workers = 0
    cfg.test_dataloader.persistent_workers = False
    with pytest.raises(ValueError) as err:
        _runner(cfg, tmp_path).test()
    assert f"{root / 'meta' / 'val.txt'}, line 3 ({root / 'val' / '2.JPEG'}): label 1000 " \
        'is outside [0, 999] (num_classes=1000)' in str(err.value)


def test_empty_or_missing_list_names_the_file(bad_videos, tmp_path):
    empty = tmp_path / 'empty.txt'
    empty.write_text('\n\n')
    with pytest.raises(ValueError, match=f'annotation list {empty} has no samples'):
        _dataset(str(empty), bad_videos)
    with pytest.raises(FileNotFoundError, match='annotation list not found: .*nothere.txt'):
        _dataset(str(tmp_path / 'nothere.txt'), bad_videos)
    from mmengine.registry import DefaultScope
    from mmpretrain.registry import DATASETS
    with DefaultScope.overwrite_default_scope('mmpretrain'), \
            pytest.raises(ValueError, match=f'CheckedImageNet: {empty} has no samples'):
        DATASETS.build(dict(type='CheckedImageNet', data_root=str(tmp_path), split='val',
                            ann_file=empty.name, pipeline=[]))
    bad = _write_list(tmp_path / 'bad.txt', ['a.mp4 3', 'b.mp4 x'])
    with pytest.raises(ValueError, match=f"{bad}, line 2: cannot read 'b.mp4 x'"):
        _dataset(bad, bad_videos)


# --------------------------------------------------------------- channels
@pytest.mark.parametrize('channels', [4, 1])
def test_wrong_channel_count_names_in_channels(channels):
    from mmaction.structures import ActionDataSample
    from mmvideomlp.utils.complexity import build_model_from_cfg
    model = build_model_from_cfg(Config.fromfile(CONFIG))
    data = dict(inputs=[torch.zeros(1, channels, 8, 56, 56, dtype=torch.uint8)],
                data_samples=[ActionDataSample().set_gt_label(0)])
    with pytest.raises(ValueError) as err:
        model.test_step(data)
    assert (f'input 0 of the batch has shape (1, {channels}, 8, 56, 56): {channels} channels '
            'on the C axis of NCTHW, but the model takes in_channels=3') in str(err.value)
    data['inputs'] = [torch.zeros(1, 3, 8, 56, 56, dtype=torch.uint8)]
    assert model.test_step(data)[0].pred_score.shape == (10, )


# --------------------------------------------------------------- configs
VIDEO_TYPES = {'CheckedVideoDataset', 'CheckedRepeatAugDataset', 'CheckedRawframeDataset'}


@pytest.mark.parametrize('path', sorted(glob.glob(osp.join(REPO, 'configs', '*.py'))
                                        + glob.glob(osp.join(REPO, 'configs', '[!_]*', '*.py'))),
                         ids=osp.basename)
def test_every_config_loads_and_uses_the_checks(path):
    cfg = Config.fromfile(path)
    if cfg.default_scope == 'mmseg':
        return
    assert 'DataCheckHook' in [h['type'] for h in cfg.get('custom_hooks', [])]
    if cfg.default_scope == 'mmpretrain':
        assert {cfg[f'{s}_dataloader'].dataset.type for s in ('train', 'val', 'test')} == {
            'CheckedImageNet'}
        return
    assert cfg.model.data_preprocessor.type == 'CheckedActionDataPreprocessor'
    for split in ('train', 'val', 'test'):
        dataset = cfg[f'{split}_dataloader'].dataset
        assert dataset.type in VIDEO_TYPES, (split, dataset.type)
        assert dataset.pipeline[0 if 'Rawframe' in dataset.type else 1].type in (
            'CheckedSampleFrames', 'CheckedUniformSample')
