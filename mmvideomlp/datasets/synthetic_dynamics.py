"""The ``dynamics`` motion set of the synthetic temporal-order dataset.

Four time-reversal pairs, each a kind of motion the ``shapes`` set has not: two bodies
converging / diverging, a body orbiting a centre clockwise / anticlockwise, a body falling
under gravity (accelerating down) / rising (decelerating up), and the camera zooming in /
out of the whole scene. The speed profiles differ per clip (uniform, ease in, ease out,
ease in-out; free fall is always uniformly accelerated). The scene is a striped pattern of
random orientation, period and colours with per-frame sensor noise, and small discs that
drift at constant velocity in random directions as distractors: reversing a distractor's
motion gives an equally likely one, so only the classes' own motion carries the order.

Symmetries (the dataset's label maps): time reversal swaps the two classes of every pair;
a horizontal flip swaps the orbits' senses and keeps every other class; a vertical flip is
no symmetry of the set (it turns a fall into an accelerating rise, which is no class).
"""
import cv2
import numpy as np

CLASSES = ('converging', 'diverging', 'orbiting_clockwise', 'orbiting_anticlockwise',
           'falling', 'rising', 'zooming_in', 'zooming_out')
LABEL_MAPS = dict(
    time_reversal={label: label ^ 1 for label in range(len(CLASSES))},
    horizontal_flip={2: 3, 3: 2},
    vertical_flip=None)

_PROFILES = (
    lambda t: t,  # uniform
    lambda t: t * t,  # ease in
    lambda t: 1 - (1 - t)**2,  # ease out
    lambda t: t * t * (3 - 2 * t),  # ease in-out
)


def _stripes(rng, height, width):
    """Two-colour stripes (a sine grating) at a random angle and period."""
    angle = rng.uniform(0, np.pi)
    period = rng.uniform(6, 20)
    y, x = np.mgrid[:height, :width].astype(np.float32)
    phase = (x * np.cos(angle) + y * np.sin(angle)) * 2 * np.pi / period
    weight = (0.5 + 0.5 * np.sin(phase + rng.uniform(0, 2 * np.pi)))[..., None]
    a, b = rng.uniform(40, 215, size=(2, 3))
    return (a * weight + b * (1 - weight)).astype(np.float32)


def _disc(canvas, cx, cy, radius, colour):
    cv2.circle(canvas, (int(round(cx * 4)), int(round(cy * 4))), int(round(radius * 4)),
               colour.tolist(), -1, lineType=cv2.LINE_AA, shift=2)


def _body(rng):
    """Radius and two colours (fill, ring) of a moving body."""
    return rng.uniform(4.5, 7.5), rng.uniform(0, 255, size=3), rng.uniform(0, 255, size=3)


def _draw_body(canvas, cx, cy, body):
    radius, fill, ring = body
    _disc(canvas, cx, cy, radius, ring)
    _disc(canvas, cx, cy, radius * 0.55, fill)


def _zoom(image, cx, cy, scale):
    m = np.float32([[scale, 0, (1 - scale) * cx], [0, scale, (1 - scale) * cy]])
    return cv2.warpAffine(image, m, image.shape[1::-1], flags=cv2.INTER_LINEAR,
                          borderMode=cv2.BORDER_REFLECT)


def _body_paths(rng, label, t, h, w):
    """Centres ``(num_bodies, T, 2)`` of the moving bodies of class ``label``."""
    family, backwards = divmod(label, 2)
    progress = _PROFILES[int(rng.integers(len(_PROFILES)))](t)
    if family == 0:  # converging (0) / diverging (1) along a random axis
        angle = rng.uniform(0, np.pi)
        axis = np.array([np.cos(angle), np.sin(angle)])
        centre = np.array([rng.uniform(0.35, 0.65) * w, rng.uniform(0.35, 0.65) * h])
        far, near = rng.uniform(18, 24), rng.uniform(6, 9)
        gap = far + (near - far) * progress
        gap = gap[::-1] if backwards else gap
        return np.stack([centre - gap[:, None] * axis, centre + gap[:, None] * axis])
    if family == 1:  # orbiting; image y points down, so a growing angle turns clockwise
        centre = np.array([rng.uniform(0.4, 0.6) * w, rng.uniform(0.4, 0.6) * h])
        radius = rng.uniform(12, 18)
        sweep = np.deg2rad(rng.uniform(180, 300)) * progress
        angle = rng.uniform(0, 2 * np.pi) + (-sweep if backwards else sweep)
        return (centre + radius * np.stack([np.cos(angle), np.sin(angle)], 1))[None]
    if family == 2:  # falling (4): y grows as t², with a slow sideways drift; rising (5)
        drop = rng.uniform(0.5, 0.75) * h
        top = rng.uniform(0.1, 0.9 * h - drop)
        y = top + drop * t * t
        x = rng.uniform(0.2, 0.8) * w + rng.uniform(-6, 6) * t
        path = np.stack([x, y], 1)
        return (path[::-1] if backwards else path)[None]
    return np.empty((0, len(t), 2))  # zooming: the camera moves, no body


def _zoom_path(rng, label, t, h, w):
    """Centre and per-frame magnification of the camera zooming in (6) / out (7)."""
    centre = rng.uniform(0.35, 0.65, size=2) * (w, h)
    zoom = np.exp(np.log(rng.uniform(1.5, 1.9)) *
                  _PROFILES[int(rng.integers(len(_PROFILES)))](t))
    return centre, (zoom[::-1] if label == 7 else zoom)


def render_dynamics_video(label, rng, spec):
    """Render one clip of class ``label`` as uint8 frames ``(T, H, W, 3)`` (BGR)."""
    h, w, n = spec.height, spec.width, spec.num_frames
    t = np.linspace(0.0, 1.0, n)
    scene = _stripes(rng, h, w)
    bodies = _body_paths(rng, label, t, h, w)
    looks = [_body(rng)] * len(bodies)  # the bodies of one clip look alike
    zooming = label // 2 == 3
    if zooming:  # static bodies in the scene, which the camera zooms into or out of
        for _ in range(int(rng.integers(2, 4))):
            _draw_body(scene, rng.uniform(0.2, 0.8) * w, rng.uniform(0.2, 0.8) * h, _body(rng))
        zoom_centre, zoom = _zoom_path(rng, label, t, h, w)
    num_distractors = int(rng.integers(spec.num_distractors[0], spec.num_distractors[1] + 1))
    start = rng.uniform(0, 1, size=(num_distractors, 2)) * (w, h)
    heading = rng.uniform(0, 2 * np.pi, size=num_distractors)
    speed = rng.uniform(0, 20, size=num_distractors)
    velocity = np.stack([np.cos(heading), np.sin(heading)], 1) * speed[:, None]
    distractor_radius = rng.uniform(1.5, 3, size=num_distractors)
    distractor_colour = rng.uniform(0, 255, size=(num_distractors, 3))
    noise = rng.uniform(2, 8)
    frames = np.empty((n, h, w, 3), np.uint8)
    for i in range(n):
        frame = _zoom(scene, *zoom_centre, zoom[i]) if zooming else scene.copy()
        for path, look in zip(bodies, looks):
            _draw_body(frame, *path[i], look)
        for p, r, c in zip(start + velocity * t[i], distractor_radius, distractor_colour):
            _disc(frame, p[0] % w, p[1] % h, r, c)
        frame += rng.normal(0, noise, size=frame.shape).astype(np.float32)
        frames[i] = frame.clip(0, 255).astype(np.uint8)
    return frames
