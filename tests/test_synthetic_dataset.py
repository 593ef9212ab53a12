import dataclasses
import hashlib
import os.path as osp
from collections import Counter

import cv2
import decord
import numpy as np
import pytest

from mmvideomlp.datasets import (CLASSES, ReverseFrameOrder, SyntheticVideoSpec, is_generated,
                                 load_label_maps, make_synthetic_videos, render_video,
                                 reversed_class)
from mmvideomlp.datasets.synthetic import _trajectory
from mmvideomlp.datasets.synthetic_dynamics import CLASSES as DYNAMICS_CLASSES
from mmvideomlp.datasets.synthetic_dynamics import _body_paths, _zoom_path


def _digest(root, items):
    h = hashlib.sha1()
    for rel, label in items:
        h.update(f'{rel} {label}'.encode())
        h.update(decord.VideoReader(osp.join(root, rel)).get_batch([0, 7]).asnumpy().tobytes())
    return h.hexdigest()


def test_same_seed_same_dataset_other_seed_other_dataset(tmp_path):
    spec = SyntheticVideoSpec(videos_per_class=dict(train=1, val=1), num_frames=8,
                              height=48, width=64)
    a = make_synthetic_videos(str(tmp_path / 'a'), spec, seed=3, progress=False)
    b = make_synthetic_videos(str(tmp_path / 'b'), spec, seed=3, progress=False)
    c = make_synthetic_videos(str(tmp_path / 'c'), spec, seed=4, progress=False)
    assert a == b == c  # same names and labels
    digest = [_digest(str(tmp_path / d), a['train']) for d in 'abc']
    assert digest[0] == digest[1] != digest[2]
    # the spec record tells a finished dataset from one made otherwise
    assert is_generated(str(tmp_path / 'a'), spec, seed=3)
    assert not is_generated(str(tmp_path / 'c'), spec, seed=3)
    assert not is_generated(str(tmp_path / 'a'), SyntheticVideoSpec(), seed=3)
    assert not is_generated(str(tmp_path / 'missing'), spec, seed=3)


def test_lists_label_map_and_class_balance(synthetic_videos):
    with open(osp.join(synthetic_videos, 'label_map.txt')) as f:
        assert tuple(f.read().split()) == CLASSES
    for split, per_class in (('train', 8), ('val', 2), ('test', 2)):
        with open(osp.join(synthetic_videos, f'{split}_list.txt')) as f:
            rows = [line.split() for line in f]
        assert Counter(int(label) for _, label in rows) == {c: per_class for c in range(10)}
        for rel, _ in rows[:3]:
            reader = decord.VideoReader(osp.join(synthetic_videos, rel))
            assert len(reader) == 16 and reader[0].shape == (64, 64, 3)


@pytest.mark.parametrize('label', range(len(CLASSES)))
def test_twin_class_is_the_same_motion_played_backwards(label):
    """With the same random draws, the twin's motion is the class's motion reversed in time
    (every per-frame parameter moves with the opposite velocity), and the clip changes."""
    spec = SyntheticVideoSpec(num_frames=12, num_distractors=(0, 0))
    twin = reversed_class(label)
    assert twin != label and reversed_class(twin) == label
    assert CLASSES[twin] != CLASSES[label]
    motion = _trajectory(np.random.default_rng(5), label, spec, sprite=21)
    twin_motion = _trajectory(np.random.default_rng(5), twin, spec, sprite=21)
    moving = 0
    for name, a, b in zip(('cx', 'cy', 'angle', 'scale', 'alpha'), motion, twin_motion):
        np.testing.assert_allclose(np.diff(a[::-1]), np.diff(b), atol=1e-9, err_msg=name)
        moving += np.ptp(a) > 1e-3
    assert moving == 1  # exactly one parameter carries the class's motion
    # compared blurred: the sensor noise of each frame is drawn in the order of rendering
    frames = _blurred(render_video(label, np.random.default_rng(1), spec))
    assert np.abs(frames[0] - frames[-1]).mean() > 1.5
    if CLASSES[label].startswith('rotating'):
        return  # the twin turns the other way from the same start angle
    twin_frames = _blurred(render_video(twin, np.random.default_rng(1), spec))
    np.testing.assert_allclose(twin_frames, frames[::-1], atol=10)  # motion errors: tens


def _blurred(frames):
    return np.stack([cv2.GaussianBlur(f.astype(np.float32), (0, 0), 2) for f in frames])


def test_invalid_spec_is_rejected(tmp_path):
    with pytest.raises(ValueError, match='num_frames must be at least 4'):
        SyntheticVideoSpec(num_frames=2)
    with pytest.raises(ValueError, match='unknown splits'):
        make_synthetic_videos(str(tmp_path), SyntheticVideoSpec(videos_per_class=dict(dev=1)))


def test_reverse_frame_order_within_each_clip():
    out = ReverseFrameOrder()(dict(frame_inds=np.arange(8), clip_len=4))
    assert out['frame_inds'].tolist() == [3, 2, 1, 0, 7, 6, 5, 4]
    with pytest.raises(ValueError, match='do not split into clips of 3'):
        ReverseFrameOrder()(dict(frame_inds=np.arange(8), clip_len=3))


@pytest.mark.parametrize('label', range(len(DYNAMICS_CLASSES)))
def test_dynamics_twin_is_the_same_motion_played_backwards(label):
    """In the dynamics set too, the twin's bodies (or camera) follow the class's path in
    reverse with the same random draws, and every class moves something."""
    spec = SyntheticVideoSpec(num_frames=12, motion_set='dynamics')
    twin = spec.label_maps['time_reversal'][label]
    assert spec.label_maps['time_reversal'][twin] == label and twin != label
    t = np.linspace(0, 1, 12)
    if label // 2 == 3:
        _, zoom = _zoom_path(np.random.default_rng(5), label, t, 64, 64)
        _, twin_zoom = _zoom_path(np.random.default_rng(5), twin, t, 64, 64)
        np.testing.assert_allclose(zoom, twin_zoom[::-1])
        assert np.ptp(zoom) > 0.4
    elif label // 2 == 1:  # orbits: the twin turns the other way, as the reversed clip does
        def turn(path):
            v = np.diff(path[0], axis=0)
            return np.sign(v[:-1, 0] * v[1:, 1] - v[:-1, 1] * v[1:, 0])
        path = _body_paths(np.random.default_rng(5), label, t, 64, 64)
        twin_path = _body_paths(np.random.default_rng(5), twin, t, 64, 64)
        assert set(turn(path)) == {1 if label == 2 else -1}  # y points down: +1 is clockwise
        assert set(turn(twin_path)) == set(turn(path[:, ::-1])) == {-turn(path)[0]}
    else:
        path = _body_paths(np.random.default_rng(5), label, t, 64, 64)
        twin_path = _body_paths(np.random.default_rng(5), twin, t, 64, 64)
        np.testing.assert_allclose(path, twin_path[:, ::-1])
        assert np.abs(path[:, -1] - path[:, 0]).max() > 8  # pixels
    frames = render_video(label, np.random.default_rng(1), spec).astype(np.float32)
    assert frames.shape == (12, 64, 64, 3)
    assert np.abs(frames[0] - frames[-1]).mean() > 5.0


def test_motion_sets_write_their_classes_and_symmetries(tmp_path):
    spec = SyntheticVideoSpec(videos_per_class=dict(train=1), num_frames=6, motion_set='dynamics')
    lists = make_synthetic_videos(str(tmp_path), spec, seed=0, progress=False)
    assert [label for _, label in lists['train']] == list(range(8))
    with open(tmp_path / 'label_map.txt') as f:
        assert tuple(f.read().split()) == DYNAMICS_CLASSES
    maps = load_label_maps(str(tmp_path / 'spec.json'))
    assert maps['time_reversal'] == {k: k ^ 1 for k in range(8)}
    assert maps['horizontal_flip'] == {2: 3, 3: 2} and maps['vertical_flip'] is None
    assert is_generated(str(tmp_path), spec, seed=0)
    assert not is_generated(str(tmp_path), dataclasses.replace(spec, motion_set='shapes'), seed=0)
    with pytest.raises(ValueError, match="unknown motion_set 'birds'; allowed"):
        SyntheticVideoSpec(motion_set='birds')
    with pytest.raises(ValueError, match="label 8 is outside \\[0, 7\\] of the 'dynamics'"):
        render_video(8, np.random.default_rng(0), spec)


@pytest.mark.parametrize('motion_set', ['shapes', 'dynamics'])
def test_static_regions_are_rarely_exactly_constant_after_mp4_coding(tmp_path, motion_set):
    """Sensor noise keeps the temporal-mean-subtracted clips off exact zeros: with generator
    version 2, 42% of the values of a shapes clip were zero, and a zero patch embedding hits
    LayerNorm's eps (first gradients of ~1e9). mp4 coding still flattens the noise of a few
    blocks of the faintest clips (about 0.1% of the 4x4 patches of the shapes set)."""
    spec = SyntheticVideoSpec(videos_per_class=dict(train=1), motion_set=motion_set)
    lists = make_synthetic_videos(str(tmp_path), spec, seed=0, progress=False)
    zeros, static = [], []
    for rel, _ in lists['train']:
        clip = decord.VideoReader(str(tmp_path / rel)).get_batch(range(16)).asnumpy()
        centred = clip.astype(np.float32) - clip.astype(np.float32).mean(0)
        zeros.append((centred == 0).mean())
        # a 4x4 patch that never changes over the clip
        static.append((np.abs(centred).reshape(16, 16, 4, 16, 4, 3).sum((0, 2, 4, 5)) == 0).mean())
    assert np.mean(zeros) < 0.05, f'{np.mean(zeros):.1%} of the centred values are zero'
    assert np.mean(static) < 0.01, f'{np.mean(static):.2%} of the 4x4 patches are static'
