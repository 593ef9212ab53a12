"""Real videos (mp4 and avi) through mmaction2's own decoding pipeline."""
import os.path as osp

import decord
import pytest
from mmaction.datasets import VideoDataset
from mmengine.registry import init_default_scope

DEMO_FRAMES, DEMO_SIZE = 280, (256, 340)  # demo/demo.mp4, shipped in the repository
PIPELINE = [
    dict(type='DecordInit'),
    dict(type='SampleFrames', clip_len=8, frame_interval=4, num_clips=2, test_mode=True),
    dict(type='DecordDecode'),
    dict(type='Resize', scale=(-1, 128)),
    dict(type='CenterCrop', crop_size=112),
    dict(type='FormatShape', input_format='NCTHW'),
    dict(type='PackActionInputs'),
]


def _decode_through_pipeline(root, name, frames, size, tmp_path):
    reader = decord.VideoReader(osp.join(root, name))
    assert len(reader) == frames
    assert reader[0].shape == (*size, 3)
    ann = tmp_path / 'list.txt'
    ann.write_text(f'{name} 3\n')
    init_default_scope('mmaction')
    dataset = VideoDataset(str(ann), PIPELINE, data_prefix=dict(video=root), test_mode=True)
    item = dataset[0]
    assert tuple(item['inputs'].shape) == (2, 3, 8, 112, 112)
    assert item['data_samples'].gt_label.item() == 3
    assert item['inputs'].float().std() > 5  # real image content, not a blank frame


def test_decode_shipped_demo_video(repo_root, tmp_path):
    _decode_through_pipeline(osp.join(repo_root, 'demo'), 'demo.mp4', DEMO_FRAMES, DEMO_SIZE,
                             tmp_path)


@pytest.mark.parametrize('name,frames,size', [('test.mp4', 300, (256, 340)),
                                               ('test.avi', 164, (240, 320))])
def test_decode_real_video_through_pipeline(shared_data, tmp_path, name, frames, size):
    _decode_through_pipeline(shared_data, name, frames, size, tmp_path)


def test_corrupt_video_gives_a_clear_error(tmp_path):
    from mmengine.config import Config

    from mmvideomlp.utils.inference import classify_video
    bad = tmp_path / 'broken.mp4'
    bad.write_bytes(b'\x00\x00\x00\x18ftypmp42' + b'\x00' * 64)
    ckpt = tmp_path / 'model.pth'
    ckpt.write_bytes(b'')
    cfg = Config(dict(model=dict(cls_head=dict(num_classes=2)),
                      test_pipeline=PIPELINE))
    with pytest.raises(ValueError, match='cannot decode video .*broken.mp4'):
        classify_video(cfg, str(ckpt), str(bad), ['a', 'b'])
