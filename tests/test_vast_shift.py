"""The parameter-free spatio-temporal channel shift of VAST against an explicit reference."""
import itertools
import math

import pytest
import torch

from mmvideomlp.models.backbones.vast import VAST
from mmvideomlp.models.layers.affine_shift import ChannelShift, shift_group_sizes

# (channel-group name, axis in (T, H, W), step): out[p] = in[p + step] along the axis
DIRECTIONS = [('w+', 2, 1), ('w-', 2, -1), ('h+', 1, 1), ('h-', 1, -1), ('t+', 0, 1),
              ('t-', 0, -1)]


def reference_shift(x, ratios):
    """Element by element: each channel reads one neighbour, zero outside the grid."""
    n, t, h, w, c = x.shape
    sizes = [int(math.floor(c * r + 1e-6)) for r in ratios]
    step_of_channel = [(0, 0, 0)] * c
    start = 0
    for (_, axis, step), size in zip(DIRECTIONS, sizes):
        for ch in range(start, start + size):
            delta = [0, 0, 0]
            if (t, h, w)[axis] > 1:  # an axis of length 1 is not shifted
                delta[axis] = step
            step_of_channel[ch] = tuple(delta)
        start += size
    out = torch.zeros_like(x)
    for ti, hi, wi, ch in itertools.product(range(t), range(h), range(w), range(c)):
        dt, dh, dw = step_of_channel[ch]
        src = (ti + dt, hi + dh, wi + dw)
        if all(0 <= s < size for s, size in zip(src, (t, h, w))):
            out[:, ti, hi, wi, ch] = x[:, src[0], src[1], src[2], ch]
    return out


@pytest.mark.parametrize('shape, spatial, temporal', [
    ((2, 3, 5, 4, 24), 1 / 12, 1 / 8),
    ((1, 4, 3, 6, 16), (1 / 4, 1 / 8, 0., 1 / 16), (1 / 8, 1 / 4)),
    ((2, 1, 4, 5, 24), 1 / 12, 1 / 4),  # an image: the temporal groups stay in place
    ((1, 3, 1, 5, 12), 1 / 6, 1 / 6),  # height 1: the vertical groups stay in place
    ((1, 2, 3, 3, 8), (0., 0., 0., 0.), (1 / 2, 1 / 2)),  # everything shifted in time
])
def test_shift_matches_the_elementwise_reference(shape, spatial, temporal):
    torch.manual_seed(0)
    x = torch.randn(shape, dtype=torch.float64, requires_grad=True)
    shift = ChannelShift(shape[-1], spatial, temporal)
    ratios = list(spatial if isinstance(spatial, tuple) else (spatial, ) * 4) + list(
        temporal if isinstance(temporal, tuple) else (temporal, ) * 2)
    expected = reference_shift(x, ratios)
    out = shift(x)
    assert torch.equal(out, expected)
    # the backward pass (the opposite shift) equals the reference's autograd gradient
    grad = torch.randn_like(out)
    (got, ), (want, ) = (torch.autograd.grad(y, x, grad) for y in (out, expected))
    assert torch.equal(got, want)


def test_shift_indices_and_zero_borders():
    c = 24  # 2 channels per spatial direction, 3 per temporal direction
    shift = ChannelShift(c, 1 / 12, 1 / 8)
    assert shift.group_sizes == (2, 2, 2, 2, 3, 3)
    t, h, w = 3, 4, 5
    # each entry encodes its own position, so the output tells where it was read from
    pos = torch.arange(t * h * w, dtype=torch.float32).view(1, t, h, w, 1) + 1
    out = shift(pos.expand(1, t, h, w, c).contiguous())[0]
    code = pos[0, ..., 0]
    assert torch.equal(out[:, :, :-1, 0], code[:, :, 1:])  # w+: right neighbour
    assert torch.equal(out[:, :, -1, 0:2], torch.zeros(t, h, 2))  # border zero-filled
    assert torch.equal(out[:, :, 1:, 2], code[:, :, :-1])  # w-: left neighbour
    assert torch.equal(out[:, :, 0, 2:4], torch.zeros(t, h, 2))
    assert torch.equal(out[:, :-1, :, 4], code[:, 1:])  # h+: the row below
    assert torch.equal(out[:, -1, :, 4:6], torch.zeros(t, w, 2))
    assert torch.equal(out[:, 1:, :, 6], code[:, :-1])  # h-: the row above
    assert torch.equal(out[:-1, :, :, 8], code[1:])  # t+: the next frame
    assert torch.equal(out[-1, :, :, 8:11], torch.zeros(h, w, 3))
    assert torch.equal(out[1:, :, :, 11], code[:-1])  # t-: the previous frame
    assert torch.equal(out[0, :, :, 11:14], torch.zeros(h, w, 3))
    assert torch.equal(out[..., 14:], pos[0].expand(t, h, w, c - 14))  # the rest unshifted


def test_shift_in_time_only_touches_the_temporal_groups():
    shift = ChannelShift(16, 0., 1 / 4)
    x = torch.randn(2, 4, 3, 3, 16)
    out = shift(x)
    assert torch.equal(out[:, :-1, ..., :4], x[:, 1:, ..., :4])
    assert torch.equal(out[:, 1:, ..., 4:8], x[:, :-1, ..., 4:8])
    assert torch.equal(out[..., 8:], x[..., 8:])
    # a single frame (an image) is left as it is
    assert torch.equal(shift(x[:, :1]), x[:, :1])


def test_shift_of_half_precision_and_non_contiguous_input():
    shift = ChannelShift(24, 1 / 12, 1 / 8)
    x = torch.randn(2, 24, 3, 4, 5).permute(0, 2, 3, 4, 1)  # channels-last view
    expected = reference_shift(x, [1 / 12] * 4 + [1 / 8] * 2)
    assert torch.equal(shift(x), expected)
    assert torch.equal(shift(x.bfloat16()), expected.bfloat16())


def test_shift_compiles_into_one_graph():
    """torch.compile traces the shift and its gradient without a graph break."""
    shift = ChannelShift(24, 1 / 12, 1 / 12)
    x = torch.randn(2, 3, 4, 5, 24, requires_grad=True)
    out = torch.compile(shift, fullgraph=True)(x)
    assert torch.equal(out, reference_shift(x.detach(), [1 / 12] * 6))
    (grad, ) = torch.autograd.grad(out.square().sum(), x)
    (expected, ) = torch.autograd.grad(shift(x).square().sum(), x)  # eager: the adjoint shift
    assert torch.equal(grad, expected)


@pytest.mark.parametrize('kwargs, message', [
    (dict(channels=48, spatial_shift_ratio=1 / 8, temporal_shift_ratio=1 / 3),
     'the ratios of the six directions must add up to at most 1'),
    (dict(channels=8, spatial_shift_ratio=1 / 12), 'shifts no channel of 8 in direction w+'),
    (dict(channels=32, temporal_shift_ratio=(1 / 8, 1 / 64)), 'direction t-'),
    (dict(channels=32, spatial_shift_ratio=1.5), 'every ratio must lie in [0, 1]'),
    (dict(channels=32, temporal_shift_ratio=(1 / 8, 1 / 8, 1 / 8)), 'one per direction'),
])
def test_fractions_that_do_not_fit_the_channels_raise(kwargs, message):
    with pytest.raises(ValueError) as error:
        shift_group_sizes(**kwargs)
    assert message in str(error.value)


def test_backbone_reports_fractions_exceeding_a_stage():
    # 1/3 of 24 channels in each time direction plus 4 x 1/12 spatially: 16 + 8 = 24 fits;
    # 1/2 does not
    VAST(arch=dict(embed_dims=24, depths=(1, ), mlp_ratio=1.), temporal_shift_ratio=1 / 3)
    with pytest.raises(ValueError, match=r'temporal_shift_ratio=0\.5 shift 32 channels'):
        VAST(arch=dict(embed_dims=24, depths=(1, ), mlp_ratio=1.), temporal_shift_ratio=0.5)


def test_temporal_shift_interval():
    model = VAST(arch=dict(embed_dims=16, depths=(2, 2), mlp_ratio=1.), spatial_shift_ratio=1 / 8,
                 temporal_shift_ratio=1 / 8, temporal_shift_interval=2)
    groups = [b.mixer.shift.group_sizes for stage in model.stages for b in stage]
    assert [g[4:] for g in groups] == [(2, 2), (0, 0), (4, 4), (0, 0)]
