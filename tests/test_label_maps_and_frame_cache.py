"""The dataset's label maps drive the label-changing augmentations, and CachedDecordInit
gives the frames of DecordInit while reading each file once."""
import os.path as osp
import shutil

import numpy as np
import pytest
from mmaction.datasets.transforms import DecordDecode, DecordInit
from mmaction.registry import DATASETS
from mmengine.registry import init_default_scope

from mmvideomlp.datasets import (CachedDecordInit, LabelMappedFlip, ReverseFrameOrder,
                                 clear_frame_cache, load_label_maps)


def decode(init, path, frame_inds):
    results = init(dict(filename=path))
    results['frame_inds'] = np.asarray(frame_inds)
    return results['total_frames'], np.stack(DecordDecode()(results)['imgs'])


@pytest.mark.parametrize('source', ['synthetic', 'real'])
def test_cached_frames_are_the_decoded_frames(source, request, tmp_path):
    if source == 'synthetic':
        root = request.getfixturevalue('synthetic_videos')
        original = osp.join(root, 'videos', 'train', 'train_00003_moving_down.mp4')
    else:
        original = osp.join(request.getfixturevalue('shared_data'), 'test.avi')
    path = str(tmp_path / osp.basename(original))
    shutil.copy(original, path)
    clear_frame_cache()
    total, stock = decode(DecordInit(), path, [0, 3, 1, 7, 7])
    cached_total, cached = decode(CachedDecordInit(), path, [0, 3, 1, 7, 7])
    assert cached_total == total
    np.testing.assert_array_equal(cached, stock)
    shutil.move(path, path + '.gone')  # a cached video is not read again
    _, again = decode(CachedDecordInit(), path, [0, 3, 1, 7, 7])
    np.testing.assert_array_equal(again, stock)
    clear_frame_cache()


def test_frame_cache_budget(synthetic_videos, tmp_path):
    path = str(tmp_path / 'clip.mp4')
    shutil.copy(osp.join(synthetic_videos, 'videos', 'val', 'val_00000_moving_left.mp4'), path)
    clear_frame_cache()
    decode(CachedDecordInit(max_cache_mb=0), path, [0])  # over budget: read from the file
    shutil.move(path, path + '.gone')
    with pytest.raises(Exception):
        decode(CachedDecordInit(max_cache_mb=0), path, [0])
    with pytest.raises(ValueError, match='max_cache_mb must be >= 0'):
        CachedDecordInit(max_cache_mb=-1)


def test_dataset_label_maps_relabel_reversed_and_flipped_clips(synthetic_videos):
    init_default_scope('mmaction')
    pipeline = [dict(type='CachedDecordInit'),
                dict(type='CheckedSampleFrames', clip_len=4, frame_interval=1, num_clips=1,
                     test_mode=True),
                dict(type='ReverseFrameOrder', label_map='time_reversal'),
                dict(type='DecordDecode'),
                dict(type='LabelMappedFlip', flip_ratio=1., label_map='horizontal_flip')]
    dataset = DATASETS.build(dict(type='CheckedVideoDataset', data_root=synthetic_videos,
                                  ann_file='test_list.txt', data_prefix=dict(video=''),
                                  label_maps='spec.json', pipeline=pipeline, test_mode=True))
    # moving_left (0) reversed is moving_right (1), flipped back to moving_left;
    # moving_up (2) reversed is moving_down (3), which a horizontal flip keeps
    assert [dataset[i]['label'] for i in range(4)] == [0, 1, 3, 2]
    assert np.diff(dataset[0]['frame_inds']).tolist() == [-1, -1, -1] and dataset[0]['flip']


def test_null_map_means_no_symmetry_and_missing_maps_are_errors():
    frames = [np.full((4, 4, 3), i, np.uint8) for i in range(4)]
    maps = load_label_maps(dict(vertical_flip=None, time_reversal={'0': '1', '1': 0}))
    assert maps == dict(vertical_flip=None, time_reversal={0: 1, 1: 0})
    sample = dict(imgs=list(frames), label=0, label_maps=maps, img_shape=(4, 4))
    out = LabelMappedFlip(flip_ratio=1., direction='vertical', label_map='vertical_flip')(sample)
    assert out['label'] == 0 and not out['flip'] and out['imgs'][0] is frames[0]
    out = ReverseFrameOrder(label_map='time_reversal')(
        dict(frame_inds=np.arange(4), clip_len=4, label=0, label_maps=maps))
    assert out['label'] == 1 and out['frame_inds'].tolist() == [3, 2, 1, 0]
    with pytest.raises(KeyError, match="label_map='time_reversal' names a label map of the "
                       'dataset, but the dataset declares none'):
        ReverseFrameOrder(label_map='time_reversal')(dict(frame_inds=np.arange(4), clip_len=4))
    with pytest.raises(KeyError, match="no label map 'horizontal_flip'; it has "
                       r"\['time_reversal', 'vertical_flip'\]"):
        LabelMappedFlip(label_map='horizontal_flip')(dict(sample, label_maps=maps))
    with pytest.raises(ValueError, match='the label map comes from the dataset'):
        LabelMappedFlip(label_map='horizontal_flip', flip_label_map={0: 1})
    with pytest.raises(ValueError, match="label map 'time_reversal' must map labels to labels"):
        load_label_maps(dict(time_reversal=[1, 0]))


def test_dataset_checks_its_label_maps(synthetic_videos, tmp_path):
    kwargs = dict(type='CheckedVideoDataset', data_root=synthetic_videos,
                  ann_file='test_list.txt', data_prefix=dict(video=''), pipeline=[])
    with pytest.raises(ValueError, match="label map 'time_reversal' has label 9, outside "
                       r'\[0, 8\]'):
        DATASETS.build(dict(kwargs, label_maps='spec.json', num_classes=9,
                            ann_file=str(write_list(tmp_path))))
    with pytest.raises(FileNotFoundError, match='label_maps file not found: .*nothing.json'):
        DATASETS.build(dict(kwargs, label_maps='nothing.json'))


def write_list(tmp_path):
    path = tmp_path / 'list.txt'
    path.write_text('videos/test/test_00000_moving_left.mp4 0\n')
    return path
