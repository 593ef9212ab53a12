"""Shape adaptations between a checkpoint and a model: one function per kind.

* convolution kernels: image → video (:func:`inflate_kernel`);
* relative-position tables and per-token biases of another window (PosMLP:
  :func:`resize_relative_position_table`, :func:`resize_token_bias`, with
  :func:`window_candidates` telling which window a checkpoint's table was trained for);
* ViT position embeddings of another patch grid (:func:`resize_pos_embed`).
"""
import math

import torch
import torch.nn.functional as F

INFLATE_METHODS = ('average', 'center')


def inflate_kernel(weight, shape, method='average'):
    """A 2-D kernel ``(O, I, kh, kw)`` or a one-tap 3-D kernel ``(O, I, 1, kh, kw)`` as a 3-D
    kernel of ``shape`` ``(O, I, kt, kh, kw)``.

    ``'average'`` repeats it over the ``kt`` taps and divides by ``kt`` (I3D); ``'center'``
    puts it in the middle tap and zeros elsewhere (a static clip then reproduces the image
    features). Returns None when the shapes differ otherwise.
    """
    if method not in INFLATE_METHODS:
        raise ValueError(f'inflate method must be one of {INFLATE_METHODS}, got {method!r}')
    if weight.dim() == 4:
        weight = weight.unsqueeze(2)
    shape = tuple(shape)
    if weight.dim() != 5 or len(shape) != 5 or weight.shape[2] != 1 or \
            tuple(weight.shape[:2]) + tuple(weight.shape[3:]) != shape[:2] + shape[3:]:
        return None
    taps = shape[2]
    if method == 'average' or taps == 1:
        return weight.repeat(1, 1, taps, 1, 1) / taps
    out = weight.new_zeros(shape)
    out[:, :, taps // 2] = weight[:, :, 0]
    return out


def resize_pos_embed(pos, shape):
    """Bicubic resize of a ``(1 + g*g, C)`` ViT position embedding (class token first) to
    ``shape`` ``(1 + g'*g', C)``. Returns None for other shapes."""
    if pos.dim() != 2 or len(shape) != 2 or pos.shape[1] != shape[1]:
        return None
    src, dst = math.isqrt(pos.shape[0] - 1), math.isqrt(shape[0] - 1)
    if src * src + 1 != pos.shape[0] or dst * dst + 1 != shape[0]:
        return None
    grid = pos[1:].reshape(1, src, src, -1).permute(0, 3, 1, 2)
    grid = F.interpolate(grid.float(), size=(dst, dst), mode='bicubic', align_corners=False)
    return torch.cat([pos[:1], grid.permute(0, 2, 3, 1).reshape(dst * dst, -1).to(pos.dtype)])


# ---------------------------------------------------------------- relative-position tables
def _as_window(window, name='window'):
    window = tuple(int(w) for w in window)
    if len(window) != 3 or min(window) < 1:
        raise ValueError(f'{name} must be 3 positive ints (t, h, w), got {window}')
    return window


def window_candidates(like, num_tokens=None, table_rows=None):
    """Windows ``(t, h, w)`` with ``num_tokens`` tokens and/or a relative-position table of
    ``table_rows`` offsets (``prod(2w - 1)``), shaped like the window ``like``.

    Axes of size 1 in ``like`` stay 1, and a window square in space stays square. When
    several windows fit, those keeping ``like``'s spatial window (another frame count) come
    first, then those keeping its temporal window (another spatial window); the caller
    decides whether the first one is unambiguous (see :func:`pick_window`).
    """
    limit = num_tokens or table_rows
    if limit is None:
        return []
    # sizes an axis can have: divisors of the token count with 2w - 1 dividing the rows
    sizes = [w for w in range(1, limit + 1)
             if (num_tokens is None or num_tokens % w == 0) and
             (table_rows is None or table_rows % (2 * w - 1) == 0)]
    found = []
    for t in ([1] if like[0] == 1 else sizes):
        for h in ([1] if like[1] == 1 else sizes):
            for w in ([h] if like[1] == like[2] else ([1] if like[2] == 1 else sizes)):
                if num_tokens is not None and t * h * w != num_tokens:
                    continue
                if table_rows is not None and \
                        (2 * t - 1) * (2 * h - 1) * (2 * w - 1) != table_rows:
                    continue
                found.append((t, h, w))
    return found


def pick_window(like, num_tokens=None, table_rows=None):
    """The one window :func:`window_candidates` allows, preferring the candidates that keep
    ``like``'s spatial window, then those keeping its temporal window; None when no window
    or several equally likely windows fit."""
    found = window_candidates(like, num_tokens, table_rows)
    for keep in (lambda w: w[1:] == tuple(like[1:]), lambda w: w[0] == like[0]):
        if len(found) > 1 and any(keep(w) for w in found):
            found = [w for w in found if keep(w)]
    return found[0] if len(found) == 1 else None


def _resize_grid(grid, size, align_corners):
    """Resize the 3 leading axes of ``grid`` (channels last) by linear interpolation.

    An axis resized to 1 keeps its centre entry (``align_corners``, tables) or its mean.
    """
    for k, n in enumerate(size):
        if grid.shape[k] != n and n == 1:
            centre = (grid.shape[k] - 1) // 2
            grid = grid.narrow(k, centre, 1) if align_corners else grid.mean(k, keepdim=True)
    if tuple(grid.shape[:3]) == tuple(size):
        return grid
    x = grid.permute(3, 0, 1, 2).unsqueeze(0).float()
    x = F.interpolate(x, size=tuple(size), mode='trilinear', align_corners=True)
    return x[0].permute(1, 2, 3, 0).to(grid.dtype)


def resize_relative_position_table(table, src_window, dst_window):
    """Resize a relative-position table ``(prod(2w - 1), groups)`` from the window
    ``src_window`` ``(t, h, w)`` to ``dst_window``.

    The table is a grid over the relative offsets ``-(w-1) .. (w-1)`` of every axis; it is
    interpolated linearly with the extreme offsets aligned (``align_corners``), so offset 0
    stays in the centre and offsets scale with the window (as Swin's tables are resized).
    The same window returns ``table`` itself.
    """
    src_window = _as_window(src_window, 'src_window')
    dst_window = _as_window(dst_window, 'dst_window')
    if src_window == dst_window:
        return table
    src = [2 * w - 1 for w in src_window]
    dst = [2 * w - 1 for w in dst_window]
    if table.dim() != 2 or table.shape[0] != math.prod(src):
        raise ValueError(f'a table for window {src_window} has {math.prod(src)} rows, '
                         f'got {tuple(table.shape)}')
    grid = table.reshape(*src, table.shape[1])
    return _resize_grid(grid, dst, align_corners=True).reshape(math.prod(dst), -1)


def resize_token_bias(bias, src_window, dst_window):
    """Resize a per-token bias ``(t*h*w,)`` of a window by linear interpolation (an axis
    shrunk to 1 keeps its mean). The same window returns ``bias`` itself."""
    src_window = _as_window(src_window, 'src_window')
    dst_window = _as_window(dst_window, 'dst_window')
    if src_window == dst_window:
        return bias
    if bias.numel() != math.prod(src_window):
        raise ValueError(f'a token bias for window {src_window} has {math.prod(src_window)} '
                         f'entries, got {tuple(bias.shape)}')
    grid = bias.reshape(*src_window, 1)
    return _resize_grid(grid, dst_window, align_corners=False).reshape(-1)
