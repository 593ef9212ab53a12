"""A synthetic action dataset whose classes differ only in temporal order.

Every class comes with its time-reversed twin, so no single frame, nor any orderless set of
frames, tells a class from its twin: a model must use the order of frames to exceed 50% on
a pair. Two independent motion sets:

* ``shapes`` (the default): one textured shape on a smooth textured background with static
  distractors, moving left/right, up/down, rotating clockwise/anticlockwise, growing/
  shrinking or appearing/disappearing, at constant speed, with sensor noise;
* ``dynamics`` (:mod:`.synthetic_dynamics`): bodies converging/diverging, orbiting
  clockwise/anticlockwise, falling/rising, and the camera zooming in/out, with varied speed
  profiles, striped backgrounds, sensor noise and drifting distractors.

Videos are real mp4 files that decord reads; annotation lists follow mmaction2's
``VideoDataset`` format (``relative/path.mp4 label`` per line). ``spec.json`` records the
spec, the class names and the set's symmetries as label maps (``time_reversal``,
``horizontal_flip``, ``vertical_flip``; ``null`` when the transform is no symmetry of the
set), which label-changing augmentations read through the dataset's ``label_maps``.
"""
import json
import os
import os.path as osp
from dataclasses import asdict, dataclass
from typing import Callable, NamedTuple

import cv2
import numpy as np

from . import synthetic_dynamics

CLASSES = ('moving_left', 'moving_right', 'moving_up', 'moving_down', 'rotating_clockwise',
           'rotating_anticlockwise', 'growing', 'shrinking', 'appearing', 'disappearing')
LABEL_MAPS = dict(
    time_reversal={label: label ^ 1 for label in range(len(CLASSES))},
    horizontal_flip={0: 1, 1: 0, 4: 5, 5: 4},
    vertical_flip={2: 3, 3: 2, 4: 5, 5: 4})
SPLITS = ('train', 'val', 'test')
# bumped whenever the same spec and seed would render other frames: a folder written by an
# older generator is then not "generated" any more (spec.json), and is written anew
GENERATOR_VERSION = 3


def reversed_class(label):
    """Label of the class that plays ``label`` backwards (its twin)."""
    return label ^ 1


@dataclass
class SyntheticVideoSpec:
    """Size of the generated dataset.

    Args:
        videos_per_class (dict): Videos per class for each split.
        num_frames (int): Frames per video.
        height (int): Frame height in pixels.
        width (int): Frame width in pixels.
        fps (int): Frame rate written into the container.
        num_distractors (tuple): Min and max number of distractors (static shapes in
            ``shapes``, drifting discs in ``dynamics``).
        motion_set (str): ``'shapes'`` or ``'dynamics'`` (see the module's docstring).
    """
    videos_per_class: dict = None
    num_frames: int = 16
    height: int = 64
    width: int = 64
    fps: int = 8
    num_distractors: tuple = (1, 3)
    motion_set: str = 'shapes'

    def __post_init__(self):
        if self.videos_per_class is None:
            self.videos_per_class = dict(train=64, val=10, test=10)
        if self.num_frames < 4:
            raise ValueError(f'num_frames must be at least 4, got {self.num_frames}')
        if min(self.height, self.width) < 32:
            raise ValueError(f'height and width must be at least 32, got {self.height}x{self.width}')
        if self.motion_set not in MOTION_SETS:
            raise ValueError(f'unknown motion_set {self.motion_set!r}; allowed: '
                             f'{sorted(MOTION_SETS)}')

    @property
    def classes(self):
        return MOTION_SETS[self.motion_set].classes

    @property
    def label_maps(self):
        return MOTION_SETS[self.motion_set].label_maps


def _smooth_texture(rng, height, width, cells):
    """Random colour texture: a coarse random grid upsampled with cubic interpolation."""
    grid = rng.uniform(0, 255, size=(cells, cells, 3)).astype(np.float32)
    return cv2.resize(grid, (width, height), interpolation=cv2.INTER_CUBIC).clip(0, 255)


def _shape_mask(rng, size):
    """A random filled shape (rectangle, ellipse or triangle) on a ``size``² canvas."""
    mask = np.zeros((size, size), np.float32)
    c, r = size // 2, size // 2 - 1
    kind = rng.integers(3)
    if kind == 0:
        a, b = int(r * rng.uniform(0.5, 1.0)), int(r * rng.uniform(0.35, 0.7))
        cv2.rectangle(mask, (c - a, c - b), (c + a, c + b), 1.0, -1)
    elif kind == 1:
        axes = (int(r * rng.uniform(0.6, 1.0)), int(r * rng.uniform(0.3, 0.6)))
        cv2.ellipse(mask, (c, c), axes, 0, 0, 360, 1.0, -1)
    else:
        pts = np.array([[c - r, c + r // 2], [c + r, c + r // 2], [c - r // 3, c - r]], np.int32)
        cv2.fillPoly(mask, [pts], 1.0)
    return mask


def _trajectory(rng, label, spec, sprite):
    """Per-frame centre, angle (degrees), scale and opacity of the moving object."""
    t = np.linspace(0.0, 1.0, spec.num_frames)
    h, w = spec.height, spec.width
    margin = sprite * 0.45
    cx = np.full_like(t, rng.uniform(margin, w - margin))
    cy = np.full_like(t, rng.uniform(margin, h - margin))
    angle = np.full_like(t, rng.uniform(0, 360))
    scale = np.full_like(t, rng.uniform(0.8, 1.1))
    alpha = np.ones_like(t)
    family, backwards = divmod(label, 2)
    if family in (0, 1):  # horizontal / vertical motion across a random span
        extent = w if family == 0 else h
        span = rng.uniform(0.4, 0.65) * (extent - 2 * margin)
        start = rng.uniform(margin, extent - margin - span)
        pos = start + span * t
        pos = pos[::-1] if backwards == 0 else pos  # left (0) and up (2) decrease
        if family == 0:
            cx = pos
        else:
            cy = pos
    elif family == 2:  # rotation; image y points down, so a growing angle turns anticlockwise
        turn = rng.uniform(120, 240) * t
        angle = angle + (turn if backwards else -turn)
    elif family == 3:  # growing / shrinking
        lo, hi = rng.uniform(0.3, 0.5), rng.uniform(1.0, 1.3)
        scale = lo + (hi - lo) * t
        scale = scale[::-1] if backwards else scale
    else:  # appearing / disappearing: fade over a random window of the clip
        a, b = sorted(rng.uniform(0.1, 0.9, size=2))
        b = max(b, a + 0.25)
        alpha = np.clip((t - a) / (b - a), 0, 1)
        alpha = alpha[::-1] if backwards else alpha
    return cx, cy, angle, scale, alpha


def render_video(label, rng, spec):
    """Render one clip of class ``label`` of ``spec.motion_set`` as uint8 frames
    ``(T, H, W, 3)`` (BGR)."""
    motion_set = MOTION_SETS[spec.motion_set]
    if not 0 <= label < len(motion_set.classes):
        raise ValueError(f'label {label} is outside [0, {len(motion_set.classes) - 1}] of the '
                         f'{spec.motion_set!r} motion set')
    return motion_set.render(label, rng, spec)


def _render_shapes_video(label, rng, spec):
    h, w = spec.height, spec.width
    background = _smooth_texture(rng, h, w, int(rng.integers(2, 6)))
    background = 0.45 * background + 0.55 * rng.uniform(0, 255, size=3)
    for _ in range(int(rng.integers(spec.num_distractors[0], spec.num_distractors[1] + 1))):
        size = int(rng.integers(6, max(8, min(h, w) // 5)))
        y, x = int(rng.integers(0, h - size)), int(rng.integers(0, w - size))
        background[y:y + size, x:x + size] = rng.uniform(0, 255, size=3)
    sprite = int(min(h, w) * rng.uniform(0.32, 0.45)) | 1
    texture = _smooth_texture(rng, sprite, sprite, int(rng.integers(2, 4)))
    # a bright stripe makes the orientation of symmetric shapes visible (rotation classes)
    texture[:, : sprite // 4] = rng.uniform(180, 255, size=3)
    mask = _shape_mask(rng, sprite)
    trajectory = _trajectory(rng, label, spec, sprite)
    # A fading shape is a light, brighter than whatever it covers. A shape of any colour
    # would make the pair ambiguous once the temporal mean is subtracted (as every synthetic
    # recipe does): fading in a shape of colour bg + d over [a, b] and fading out one of
    # colour bg - d over the same window give the same centred clip.
    glow = rng.uniform(70, 120) if label // 2 == 4 else None
    # Sensor noise, as in any camera. Without it the static background of a clip is exactly
    # zero once its temporal mean is subtracted, and so are the patch embeddings there:
    # LayerNorm then divides by sqrt(eps) (~300x) at every norm of the residual stream, and
    # the first gradients reach ~1e9, which stalled or derailed training from scratch.
    noise = rng.uniform(2, 6)
    frames = np.empty((spec.num_frames, h, w, 3), np.uint8)
    c = (sprite - 1) / 2.0
    for i, (cx, cy, ang, sc, al) in enumerate(zip(*trajectory)):
        m = cv2.getRotationMatrix2D((c, c), float(ang), float(sc))
        m[:, 2] += (cx - c, cy - c)
        obj = cv2.warpAffine(texture, m, (w, h), flags=cv2.INTER_LINEAR)
        if glow is not None:
            obj = background + glow * (0.5 + obj / 510)
        cover = cv2.warpAffine(mask, m, (w, h), flags=cv2.INTER_LINEAR)[..., None] * al
        frame = background * (1 - cover) + obj * cover + rng.normal(0, noise, size=(h, w, 3))
        frames[i] = frame.clip(0, 255).astype(np.uint8)
    return frames


def write_mp4(path, frames, fps):
    """Write BGR uint8 frames ``(T, H, W, 3)`` to an mp4 (MPEG-4 part 2) file."""
    h, w = frames.shape[1:3]
    writer = cv2.VideoWriter(path, cv2.VideoWriter_fourcc(*'mp4v'), fps, (w, h))
    if not writer.isOpened():
        raise RuntimeError(f'OpenCV cannot write mp4 files ({path}); is opencv-python installed?')
    for frame in frames:
        writer.write(frame)
    writer.release()


def make_synthetic_videos(out_dir, spec=None, seed=0, progress=True):
    """Write the dataset under ``out_dir``.

    Layout::

        out_dir/label_map.txt                 class names, one per line, in label order
        out_dir/{train,val,test}_list.txt     "videos/<split>/<name>.mp4 <label>" per line
        out_dir/videos/<split>/*.mp4
        out_dir/spec.json                     the spec, seed, classes and label maps
                                              (written last)

    Every split holds the same number of videos per class. The same ``seed`` and ``spec``
    give the same frames and lists.

    Returns:
        dict: split name → list of ``(relative path, label)``.
    """
    spec = spec or SyntheticVideoSpec()
    unknown = set(spec.videos_per_class) - set(SPLITS)
    if unknown:
        raise ValueError(f'unknown splits {sorted(unknown)}; allowed: {SPLITS}')
    classes = spec.classes
    jobs = []
    for split_index, split in enumerate(SPLITS):
        for i in range(spec.videos_per_class.get(split, 0) * len(classes)):
            jobs.append((split_index, split, i, i % len(classes)))
    os.makedirs(out_dir, exist_ok=True)
    with open(osp.join(out_dir, 'label_map.txt'), 'w') as f:
        f.write('\n'.join(classes) + '\n')
    iterator = jobs
    if progress:
        from tqdm import tqdm
        iterator = tqdm(jobs, desc='synthetic videos', unit='video')
    lists = {split: [] for split in SPLITS if spec.videos_per_class.get(split, 0)}
    for split_index, split, i, label in iterator:
        rng = np.random.default_rng([seed, split_index, i])
        rel = f'videos/{split}/{split}_{i:05d}_{classes[label]}.mp4'
        os.makedirs(osp.join(out_dir, 'videos', split), exist_ok=True)
        write_mp4(osp.join(out_dir, rel), render_video(label, rng, spec), spec.fps)
        lists[split].append((rel, label))
    for split, items in lists.items():
        with open(osp.join(out_dir, f'{split}_list.txt'), 'w') as f:
            f.writelines(f'{rel} {label}\n' for rel, label in items)
    with open(osp.join(out_dir, 'spec.json'), 'w') as f:
        json.dump(_spec_record(spec, seed), f, indent=1)
    return lists


def _spec_record(spec, seed):
    """The spec, seed, classes and label maps as they read back from ``spec.json``."""
    return json.loads(json.dumps(dict(spec=asdict(spec), seed=seed, generator=GENERATOR_VERSION,
                                      classes=spec.classes, label_maps=spec.label_maps)))


def is_generated(out_dir, spec=None, seed=0):
    """Whether ``out_dir`` holds a complete dataset made with this ``spec`` and ``seed``."""
    path = osp.join(out_dir, 'spec.json')
    if not osp.isfile(path):
        return False
    with open(path) as f:
        return json.load(f) == _spec_record(spec or SyntheticVideoSpec(), seed)


class MotionSet(NamedTuple):
    classes: tuple
    render: Callable  # (label, rng, spec) -> uint8 frames (T, H, W, 3)
    label_maps: dict


MOTION_SETS = dict(
    shapes=MotionSet(CLASSES, _render_shapes_video, LABEL_MAPS),
    dynamics=MotionSet(synthetic_dynamics.CLASSES, synthetic_dynamics.render_dynamics_video,
                       synthetic_dynamics.LABEL_MAPS))
