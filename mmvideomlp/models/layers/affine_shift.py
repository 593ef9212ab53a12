"""The Affine-Shift block of VAST and the Affine-Shift Transformer.

Bulat, Martinez, Tzimiropoulos, "Efficient Attention-free Video Shift Transformers",
arXiv:2208.11108, 2022. No code was released and the method section is not public; the
block below is a reconstruction (see ``docs/vast.md``): it keeps the skeleton of a
pre-norm multi-head self-attention layer (value projection, token mixing, output
projection, MLP) and replaces the attention matrix by a parameter-free shift of channel
groups by one position, followed by a data-dependent per-channel scale and bias::

    Z = LN(X);  V = Shift(Z W_v);  (G, B) = Affine(Z);  U = (1 + G) * V + B
    Y = X + DropPath(U W_o);  X' = Y + DropPath(MLP(LN(Y)))

Every tensor is channels-last, ``(N, T, H, W, C)``; images are ``T = 1``.
"""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmcv.cnn import build_activation_layer, build_norm_layer
from mmcv.cnn.bricks import DropPath
from mmcv.cnn.bricks.transformer import FFN
from mmengine.model import BaseModule
from mmengine.model.weight_init import constant_init, trunc_normal_init


# Shift directions in channel order: output position p reads input position p + step
# along the axis (0: T, 1: H, 2: W); positions read from outside the grid are zero.
SHIFT_DIRECTIONS = (('w+', 2, 1), ('w-', 2, -1), ('h+', 1, 1), ('h-', 1, -1),
                    ('t+', 0, 1), ('t-', 0, -1))
AFFINE_MODES = ('token', 'pooled', 'qk', 'static', 'none')


def _per_direction(value, count, name):
    values = tuple(value) if isinstance(value, (tuple, list)) else (value, ) * count
    if len(values) != count:
        raise ValueError(f'{name} must be a number or {count} numbers (one per direction), '
                         f'got {value!r}')
    for v in values:
        if not 0 <= v <= 1:
            raise ValueError(f'{name}={value!r}: every ratio must lie in [0, 1]')
    return values


def shift_group_sizes(channels, spatial_shift_ratio=1 / 12, temporal_shift_ratio=0.):
    """Channels shifted in each direction ``(w+, w-, h+, h-, t+, t-)``.

    Args:
        channels (int): Channels of the shifted tensor.
        spatial_shift_ratio (float | tuple[float]): Fraction of the channels per spatial
            direction; one number for all four or four numbers ``(w+, w-, h+, h-)``.
        temporal_shift_ratio (float | tuple[float]): Fraction per temporal direction;
            one number or ``(t+, t-)``.

    Returns:
        tuple[int]: Six group sizes, ``floor(channels * ratio)`` each.

    Raises:
        ValueError: if a ratio is outside [0, 1], a positive ratio selects no channel, or
            the groups need more channels than there are.
    """
    ratios = (_per_direction(spatial_shift_ratio, 4, 'spatial_shift_ratio') +
              _per_direction(temporal_shift_ratio, 2, 'temporal_shift_ratio'))
    sizes = tuple(int(math.floor(channels * r + 1e-6)) for r in ratios)
    for (direction, _, _), ratio, size in zip(SHIFT_DIRECTIONS, ratios, sizes):
        if ratio > 0 and size == 0:
            setting = 'spatial' if direction[0] in 'wh' else 'temporal'
            raise ValueError(
                f'{setting}_shift_ratio: a ratio of {ratio:g} shifts no channel of {channels} '
                f'in direction {direction}; use a ratio of at least 1/{channels}, more '
                'channels, or 0 to disable that direction')
    if sum(sizes) > channels:
        raise ValueError(
            f'spatial_shift_ratio={spatial_shift_ratio!r} and temporal_shift_ratio='
            f'{temporal_shift_ratio!r} shift {sum(sizes)} channels per token '
            f'({"+".join(map(str, sizes))}) but the layer has only {channels}; the ratios '
            'of the six directions must add up to at most 1')
    return sizes


def _gather_plan(runs, sizes, channels, device, reverse=False):
    """Padding per axis and the flat read positions of :func:`_gather_shifted`.

    Plain integer arithmetic (nothing data-dependent), so ``torch.compile`` traces it.

    Args:
        runs (list[tuple]): ``(first channel, channels, (dt, dh, dw))`` per channel group,
            covering all C channels.
        sizes (tuple[int]): ``(T, H, W)`` of the input; axes of length 1 are not shifted.
        channels (int): C.
        device (torch.device): Where the read positions go.
        reverse (bool): Plan the opposite shift (the adjoint).

    Returns:
        None when nothing moves, else ``(padding per axis, read positions relative to the
        first read (a ``(C,)`` tensor on ``device``), offset of the first read, span of the
        reads)``.
    """
    sign = -1 if reverse else 1
    steps = [(start, size, [sign * step * (length > 1) for step, length in zip(move, sizes)])
             for start, size, move in runs]
    reach = [max([abs(step[axis]) for _, _, step in steps] + [0]) for axis in range(3)]
    if not any(reach):
        return None
    _, h, w = sizes
    rt, rh, rw = reach
    strides = ((h + 2 * rh) * (w + 2 * rw) * channels, (w + 2 * rw) * channels, channels)
    # flat position, in the padded grid, of the input read by a run's first channel at
    # the grid origin; the channels of a run read consecutive positions
    bases = [start + sum((step[a] + reach[a]) * strides[a] for a in range(3))
             for start, _, step in steps]
    first = min(bases)
    span = max(base + size for base, (_, size, _) in zip(bases, steps)) - first
    reads = torch.cat([torch.arange(base - first, base - first + size, device=device)
                       for base, (_, size, _) in zip(bases, steps)])
    return (rt, rh, rw), reads, first, span


def _gather_shifted(x, plan):
    """``out[n, t, h, w, c] = x[n, t + dt_c, h + dh_c, w + dw_c, c]``, 0 outside the grid.

    One zero-padded copy of ``x`` and one gather: the padded tensor is viewed (without a
    copy) as ``(N, T, H, W, K)`` windows whose last axis runs over the K flat positions
    that the channels read, and each channel picks its own position in its window.
    """
    (rt, rh, rw), reads, first, span = plan
    n, t, h, w, c = x.shape
    padded = F.pad(x, (0, 0, rw, rw, rh, rh, rt, rt))
    windows = padded.as_strided((n, t, h, w, span), (padded.stride(0), *padded.stride()[1:4], 1),
                                first)
    return torch.gather(windows, -1, reads.expand(n, t, h, w, c))


def _sliced_shifted(x, runs):
    """:func:`_gather_shifted` as one zero-padded copy, a slice per channel group and a
    concatenation: the form ONNX export takes (no ``as_strided``), same result."""
    n, t, h, w, c = x.shape
    padded = F.pad(x, (0, 0, 1, 1, 1, 1, 1, 1))
    parts = []
    for start, size, move in runs:
        dt, dh, dw = (1 + step * (length > 1) for step, length in zip(move, (t, h, w)))
        parts.append(padded[:, dt:dt + t, dh:dh + h, dw:dw + w, start:start + size])
    return torch.cat(parts, dim=-1)


class _ChannelShiftFunction(torch.autograd.Function):
    """The shift and, as its gradient, its adjoint: the opposite shift (zero-filled)."""

    @staticmethod
    def forward(ctx, x, plan, adjoint_plan):
        ctx.adjoint_plan = adjoint_plan
        return _gather_shifted(x, plan)

    @staticmethod
    def backward(ctx, grad):
        return _gather_shifted(grad, ctx.adjoint_plan), None, None


class ChannelShift(nn.Module):
    """Parameter-free shift of channel groups by one position, with zero-filled borders.

    Channels are laid out as ``[w+ | w- | h+ | h- | t+ | t- | unshifted]``; group
    ``w+`` reads its right neighbour (``out[w] = in[w + 1]``), ``w-`` its left one, and so
    on. Along an axis of length 1 (the time of an image) nothing is shifted. Forward and
    backward each cost one padded copy and one gather, whatever the number of groups.

    Args:
        channels (int): Channels of the input.
        spatial_shift_ratio (float | tuple[float]): Fraction of the channels per spatial
            direction, or ``(w+, w-, h+, h-)``. Defaults to 1/12.
        temporal_shift_ratio (float | tuple[float]): Fraction per temporal direction, or
            ``(t+, t-)``. Defaults to 0.

    Shapes:
        ``(N, T, H, W, C)`` → ``(N, T, H, W, C)``.
    """

    def __init__(self, channels, spatial_shift_ratio=1 / 12, temporal_shift_ratio=0.):
        super().__init__()
        self.channels = channels
        self.group_sizes = shift_group_sizes(channels, spatial_shift_ratio,
                                             temporal_shift_ratio)
        self.runs = []  # (first channel, channels, (dt, dh, dw)) per group, unshifted last
        start = 0
        for (_, axis, step), size in zip(SHIFT_DIRECTIONS, self.group_sizes):
            if size:
                self.runs.append((start, size, tuple(step * (a == axis) for a in range(3))))
            start += size
        if start < channels:
            self.runs.append((start, channels - start, (0, 0, 0)))
        self._plans = {}

    def plan(self, sizes, device, reverse=False):
        if torch.compiler.is_compiling():  # traced into the graph instead of cached
            return _gather_plan(self.runs, tuple(sizes), self.channels, device, reverse)
        key = (tuple(sizes), str(device), reverse)
        if key not in self._plans:
            self._plans[key] = _gather_plan(self.runs, tuple(sizes), self.channels, device,
                                            reverse)
        return self._plans[key]

    def forward(self, x):
        if x.dim() != 5 or x.shape[-1] != self.channels:
            raise ValueError(f'ChannelShift: expected (N, T, H, W, {self.channels}), got '
                             f'shape {tuple(x.shape)}')
        if torch.onnx.is_in_onnx_export():
            return _sliced_shifted(x, self.runs)
        plan = self.plan(x.shape[1:4], x.device)
        if plan is None:
            return x
        if torch.is_grad_enabled() and x.requires_grad and not torch.jit.is_tracing():
            adjoint = self.plan(x.shape[1:4], x.device, reverse=True)
            return _ChannelShiftFunction.apply(x, plan, adjoint)
        return _gather_shifted(x, plan)

    def extra_repr(self):
        names = [d[0] for d in SHIFT_DIRECTIONS]
        groups = ', '.join(f'{n}={s}' for n, s in zip(names, self.group_sizes) if s)
        return f'channels={self.channels}, {groups or "no shift"}'


def _init_generator(linear, init_std):
    """Zero bias; zero weights (the identity affine) or truncated normal of ``init_std``."""
    if init_std > 0:
        trunc_normal_init(linear, std=init_std, bias=0.)
    else:
        constant_init(linear, 0., bias=0.)


class TokenAffine(BaseModule):
    """Option A: per-token scale and bias from the normalised input, ``Z W_a + b_a``.

    ``b_a`` starts at zero and ``W_a`` at zero (the affine starts as the identity) or, with
    ``init_std > 0``, small random values (near the identity, with a data-dependent
    product of every token and its shifted neighbours from the first step).
    """

    def __init__(self, channels, init_std=0., init_cfg=None):
        super().__init__(init_cfg=init_cfg)
        self.init_std = init_std
        self.proj = nn.Linear(channels, 2 * channels)

    def init_weights(self):
        _init_generator(self.proj, self.init_std)

    def forward(self, z, v, shift):
        gamma, beta = self.proj(z).chunk(2, dim=-1)
        return torch.addcmul(v + beta, gamma, v)


class PooledAffine(BaseModule):
    """Option B: squeeze-and-excitation style scale and bias, one per sample and frame.

    ``mean_{H,W}(Z)`` → Linear(C → C/r) → GELU → Linear(C/r → 2C) (zero-initialised, or
    truncated normal of ``init_std``).
    """

    def __init__(self, channels, reduction=4, act_cfg=dict(type='GELU'), init_std=0.,
                 init_cfg=None):
        super().__init__(init_cfg=init_cfg)
        self.init_std = init_std
        hidden = max(channels // reduction, 1)
        self.reduce = nn.Linear(channels, hidden)
        self.act = build_activation_layer(act_cfg)
        self.expand = nn.Linear(hidden, 2 * channels)

    def init_weights(self):
        _init_generator(self.expand, self.init_std)

    def forward(self, z, v, shift):
        # sum, unlike mean, reduces bf16 without an fp32 copy of the input
        pooled = z.sum(dim=(2, 3), keepdim=True) / (z.shape[2] * z.shape[3])
        gamma, beta = self.expand(self.act(self.reduce(pooled))).chunk(2, dim=-1)
        return torch.addcmul(v + beta, gamma, v)


class QueryKeyAffine(BaseModule):
    """Option C: the scale compares a query with the shifted key, ``1 + q ⊙ Shift(k)``.

    The element-wise analogue of the attention logit ``q_i · k_{i+δ}``; no bias. The query
    half of the projection starts at zero (or truncated normal of ``init_std``).
    """

    def __init__(self, channels, init_std=0., init_cfg=None):
        super().__init__(init_cfg=init_cfg)
        self.init_std = init_std
        self.channels = channels
        self.proj = nn.Linear(channels, 2 * channels)

    def init_weights(self):
        trunc_normal_init(self.proj, std=.02, bias=0.)
        if not self.init_std > 0:
            with torch.no_grad():
                self.proj.weight[:self.channels].zero_()

    def forward(self, z, v, shift):
        query, key = self.proj(z).chunk(2, dim=-1)
        return torch.addcmul(v, query * shift(key.contiguous()), v)


class StaticAffine(BaseModule):
    """Ablation: a learned per-channel scale and bias, the same for every input."""

    def __init__(self, channels, init_std=0., init_cfg=None):
        super().__init__(init_cfg=init_cfg)
        self.init_std = init_std
        self.scale = nn.Parameter(torch.empty(channels))
        self.bias = nn.Parameter(torch.empty(channels))

    def init_weights(self):
        nn.init.zeros_(self.bias)
        if self.init_std > 0:
            nn.init.trunc_normal_(self.scale, std=self.init_std, a=-2 * self.init_std,
                                  b=2 * self.init_std)
        else:
            nn.init.zeros_(self.scale)

    def forward(self, z, v, shift):
        return torch.addcmul(v + self.bias, self.scale, v)


def build_affine(mode, channels, reduction=4, act_cfg=dict(type='GELU'), init_std=0.):
    """The affine generator of ``mode`` (one of :data:`AFFINE_MODES`); None for 'none'.
    ``init_std``: 0 starts it at the identity, a positive std near it (see
    :class:`TokenAffine`)."""
    if not isinstance(init_std, (int, float)) or isinstance(init_std, bool) or init_std < 0:
        raise ValueError(f'affine_init_std must be a number >= 0, got {init_std!r}')
    if mode == 'token':
        return TokenAffine(channels, init_std)
    if mode == 'pooled':
        return PooledAffine(channels, reduction, act_cfg, init_std)
    if mode == 'qk':
        return QueryKeyAffine(channels, init_std)
    if mode == 'static':
        return StaticAffine(channels, init_std)
    if mode == 'none':
        return None
    raise ValueError(f'affine={mode!r} is not supported; choose one of {AFFINE_MODES}')


class AffineShift(BaseModule):
    """The token mixer: value projection, channel shift, affine, output projection.

    Args:
        embed_dims (int): Channels.
        spatial_shift_ratio (float | tuple[float]): See :class:`ChannelShift`.
            Defaults to 1/12.
        temporal_shift_ratio (float | tuple[float]): See :class:`ChannelShift`.
            Defaults to 0.
        affine (str): ``'token'`` (option A, per-token linear), ``'pooled'`` (option B,
            SE-style per sample and frame), ``'qk'`` (option C, query-key product),
            ``'static'`` (learned per-channel constants) or ``'none'``. Defaults to
            ``'token'``.
        affine_reduction (int): Hidden reduction of the ``'pooled'`` generator.
            Defaults to 4.
        act_cfg (dict): Activation of the ``'pooled'`` generator. Defaults to GELU.
        affine_init_std (float): Std of the generator's last weights at initialisation;
            0 (default) starts the affine at the identity.
    """

    def __init__(self,
                 embed_dims,
                 spatial_shift_ratio=1 / 12,
                 temporal_shift_ratio=0.,
                 affine='token',
                 affine_reduction=4,
                 act_cfg=dict(type='GELU'),
                 affine_init_std=0.,
                 init_cfg=None):
        super().__init__(init_cfg=init_cfg)
        self.value = nn.Linear(embed_dims, embed_dims)
        self.shift = ChannelShift(embed_dims, spatial_shift_ratio, temporal_shift_ratio)
        self.affine = build_affine(affine, embed_dims, affine_reduction, act_cfg,
                                   affine_init_std)
        self.proj = nn.Linear(embed_dims, embed_dims)

    def forward(self, z):
        v = self.shift(self.value(z))
        if self.affine is not None:
            v = self.affine(z, v, self.shift)
        return self.proj(v)


class AffineShiftBlock(BaseModule):
    """Pre-norm Affine-Shift block: ``x + DP(AffineShift(LN(x)))``, then ``+ DP(MLP(LN))``.

    Args:
        embed_dims (int): Channels.
        mlp_ratio (float): Hidden width of the MLP relative to ``embed_dims``.
            Defaults to 4.
        spatial_shift_ratio, temporal_shift_ratio, affine, affine_reduction,
            affine_init_std: See :class:`AffineShift`.
        drop_path (float): Stochastic depth rate. Defaults to 0.
        norm_cfg (dict): Norm layers. Defaults to LN with eps 1e-5.
        act_cfg (dict): Activation of the MLP. Defaults to GELU.

    Shapes:
        ``(N, T, H, W, C)`` → ``(N, T, H, W, C)``.
    """

    def __init__(self,
                 embed_dims,
                 mlp_ratio=4.,
                 spatial_shift_ratio=1 / 12,
                 temporal_shift_ratio=0.,
                 affine='token',
                 affine_reduction=4,
                 drop_path=0.,
                 norm_cfg=dict(type='LN', eps=1e-5),
                 act_cfg=dict(type='GELU'),
                 affine_init_std=0.,
                 init_cfg=None):
        super().__init__(init_cfg=init_cfg)
        self.norm1 = build_norm_layer(norm_cfg, embed_dims)[1]
        self.mixer = AffineShift(embed_dims, spatial_shift_ratio, temporal_shift_ratio,
                                 affine, affine_reduction, act_cfg, affine_init_std)
        self.norm2 = build_norm_layer(norm_cfg, embed_dims)[1]
        self.ffn = FFN(embed_dims, int(embed_dims * mlp_ratio), num_fcs=2, act_cfg=act_cfg,
                       add_identity=False)
        self.drop_path = DropPath(drop_path) if drop_path > 0 else nn.Identity()

    def forward(self, x):
        x = x + self.drop_path(self.mixer(self.norm1(x)))
        return x + self.drop_path(self.ffn(self.norm2(x)))
