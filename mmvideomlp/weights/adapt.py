"""Shape adaptations between a checkpoint and a model: one function per kind.

* convolution kernels: image → video (:func:`inflate_kernel`);
* relative-position tables and token biases of another window (PosMLP,
  :mod:`mmvideomlp.models.layers.posmlp_mixing`);
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
