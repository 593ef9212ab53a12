"""PosMLP positional mixing: each unit against an explicit L x L matrix built from its
table, interleaved channel groups, padding, table resizing and clear errors."""
import itertools

import numpy as np
import pytest
import torch

from mmvideomlp.models.layers.posmlp_block import PoSGU, PoSTGU, PoTGU
from mmvideomlp.models.layers.posmlp_mixing import (QuadraticPositionMixing,
                                                    RelativePositionMixing, window_mix)
from mmvideomlp.weights.adapt import resize_relative_position_table


def offset_rows(window):
    """Table row of every relative offset: offsets enumerated lexicographically."""
    ranges = [range(-(w - 1), w) for w in window]
    return {off: row for row, off in enumerate(itertools.product(*ranges))}


def lrpe_matrix(table, window):
    """Explicit (L, L, g) matrix: W[m, n] = table[row of (p_m - p_n)]."""
    rows = offset_rows(window)
    positions = list(itertools.product(*[range(w) for w in window]))
    L = len(positions)
    W = torch.zeros(L, L, table.shape[1])
    for m, pm in enumerate(positions):
        for n, pn in enumerate(positions):
            W[m, n] = table[rows[tuple(a - b for a, b in zip(pm, pn))]]
    return W


def gqpe_matrix(centers, spreads, window):
    """Softmax over n of -1/2 (d - c)^T A A^T (d - c), d = (w_n - w_m, h_m - h_n)."""
    positions = list(itertools.product(*[range(w) for w in window]))
    L, g = len(positions), centers.shape[0]
    logits = torch.zeros(L, L, g)
    for m, (_, hm, wm) in enumerate(positions):
        for n, (_, hn, wn) in enumerate(positions):
            d = torch.tensor([wn - wm, hm - hn], dtype=torch.float)
            for s in range(g):
                e = d - centers[s]
                logits[m, n, s] = -0.5 * e @ (spreads[s] @ spreads[s].T) @ e
    return logits.softmax(dim=1)


def reference_mix(u, window, W, bias, pad_value=0.):
    """Loop over windows; zero-pad the input to whole windows; crop back."""
    N, T, H, W_, C = u.shape
    wt, wh, ww = window
    Tp, Hp, Wp = -(-T // wt) * wt, -(-H // wh) * wh, -(-W_ // ww) * ww
    padded = u.new_full((N, Tp, Hp, Wp, C), pad_value)
    padded[:, :T, :H, :W_] = u
    out = torch.zeros_like(padded)
    g = W.shape[-1]
    group = torch.arange(C) % g  # interleaved channel groups
    for t0, h0, w0 in itertools.product(range(0, Tp, wt), range(0, Hp, wh), range(0, Wp, ww)):
        tokens = padded[:, t0:t0 + wt, h0:h0 + wh, w0:w0 + ww].reshape(N, -1, C)
        mixed = torch.einsum('mnc,bnc->bmc', W[:, :, group], tokens) + bias[:, None]
        out[:, t0:t0 + wt, h0:h0 + wh, w0:w0 + ww] = mixed.view(N, wt, wh, ww, C)
    return out[:, :T, :H, :W_]


def randomise(module, seed=0):
    gen = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for p in module.parameters():
            p.copy_(torch.randn(p.shape, generator=gen))
    return module


@pytest.mark.parametrize('unit, window, shape', [
    (PoTGU(5, 2), (5, 1, 1), (2, 5, 3, 2, 8)),
    (PoSGU(3, 4), (1, 3, 3), (2, 2, 6, 3, 8)),
    (PoSTGU(2, 2, 2), (2, 2, 2), (1, 4, 4, 2, 6)),
])
def test_lrpe_units_equal_explicit_matrix(unit, window, shape):
    pos = randomise(unit.pos)
    W = lrpe_matrix(pos.relative_position_bias_table.detach(), window)
    u = torch.randn(shape)
    expected = reference_mix(u, window, W, pos.token_bias.detach())
    torch.testing.assert_close(pos(u), expected, rtol=1e-5, atol=1e-5)
    # the unit gates: first half mixed, second half multiplies
    v = torch.randn(shape)
    torch.testing.assert_close(unit(torch.cat([u, v], -1)), expected * v, rtol=1e-5,
                               atol=1e-5)


def test_gqpe_equals_explicit_gaussian_softmax():
    unit = PoSGU(3, 2, pos_type='gqpe')
    pos = unit.pos
    with torch.no_grad():
        pos.attention_centers.copy_(torch.randn(2, 2))
        pos.attention_spreads.copy_(torch.eye(2) + 0.3 * torch.randn(2, 2, 2))
        pos.token_bias.copy_(torch.randn(9))
    W = gqpe_matrix(pos.attention_centers.detach(), pos.attention_spreads.detach(),
                    (1, 3, 3))
    u = torch.randn(2, 1, 6, 3, 4)
    torch.testing.assert_close(pos(u), reference_mix(u, (1, 3, 3), W,
                                                     pos.token_bias.detach()),
                               rtol=1e-5, atol=1e-5)


def test_channel_groups_are_interleaved():
    g, C = 3, 9
    mixing = RelativePositionMixing((4, 1, 1), g)
    with torch.no_grad():  # group s: (s + 1) x identity (only offset 0, row T - 1 = 3)
        mixing.relative_position_bias_table[3] = torch.tensor([1., 2., 3.])
    u = torch.randn(1, 4, 2, 2, C)
    scale = torch.tensor([c % g + 1. for c in range(C)])  # channel c in group c mod g
    torch.testing.assert_close(mixing(u), u * scale)


def test_padding_and_small_inputs_are_exact():
    # LRPE: spatial 5x7 map with 3x3 windows (padded) and a 2-frame clip for a 4-frame
    # table and a 2x2 map for 3x3 windows (sub-window): zero tokens in the reference
    for window, shape in [((1, 3, 3), (1, 2, 5, 7, 4)), ((4, 1, 1), (2, 2, 3, 1, 4)),
                          ((2, 3, 3), (1, 3, 2, 2, 4)), ((1, 3, 3), (1, 1, 2, 2, 4))]:
        pos = randomise(RelativePositionMixing(window, 2))
        W = lrpe_matrix(pos.relative_position_bias_table.detach(), window)
        u = torch.randn(shape)
        torch.testing.assert_close(pos(u), reference_mix(u, window, W,
                                                         pos.token_bias.detach()),
                                   rtol=1e-5, atol=1e-5)
    # GQPE: padded tokens are left out of the softmax (reference: -inf logits)
    pos = QuadraticPositionMixing(3, 2)
    u = torch.randn(1, 1, 4, 5, 4)
    out = pos(u)
    W = gqpe_matrix(pos.attention_centers.detach(), pos.attention_spreads.detach(),
                    (1, 3, 3))
    for h0, w0 in [(0, 0), (3, 3), (0, 3)]:  # full, corner and edge windows
        hs, ws = range(h0, min(h0 + 3, 4)), range(w0, min(w0 + 3, 5))
        idx = [(h - h0) * 3 + (w - w0) for h in hs for w in ws]
        sub = torch.log(W[idx][:, idx]).softmax(dim=1)  # renormalised over real tokens
        tokens = u[0, 0, h0:h0 + 3, w0:w0 + 3].reshape(-1, 4)
        group = torch.arange(4) % 2
        expected = torch.einsum('mnc,nc->mc', sub[:, :, group], tokens)
        torch.testing.assert_close(out[0, 0, h0:h0 + 3, w0:w0 + 3].reshape(-1, 4), expected,
                                   rtol=1e-5, atol=1e-5)


def test_resize_same_size_is_identity():
    table = torch.randn(31 * 1, 4)
    assert resize_relative_position_table(table, (16, 1, 1), (16, 1, 1)) is table
    big = RelativePositionMixing((2, 3, 3), 2)
    state = {k: torch.randn_like(v) for k, v in randomise(big).state_dict().items()}
    big.load_state_dict(state)
    for k, v in big.state_dict().items():
        assert torch.equal(v, state[k])


def test_resize_temporal_table_interpolates_offsets():
    # 3 frames (offsets -2..2) -> 5 frames (offsets -4..4): new offset k reads old k / 2
    table = torch.tensor([[0., 10.], [1., 20.], [4., 30.], [9., 20.], [16., 10.]])
    resized = resize_relative_position_table(table, (3, 1, 1), (5, 1, 1))
    old = np.arange(-2, 3)
    for s in range(2):
        expected = np.interp(np.arange(-4, 5) / 2, old, table[:, s].numpy())
        np.testing.assert_allclose(resized[:, s].numpy(), expected, rtol=1e-6, atol=1e-6)


def test_resize_spatial_table_is_bilinear_over_offsets():
    table = torch.randn(9, 3)  # 2x2 window: offsets -1..1 in h and w
    resized = resize_relative_position_table(table, (1, 2, 2), (1, 3, 3))
    grid = table.view(3, 3, 3).numpy()
    new = np.arange(-2, 3) / 2  # 3x3 window offsets -2..2 scaled to -1..1
    for s in range(3):
        rows = np.stack([np.interp(new, [-1, 0, 1], grid[:, j, s]) for j in range(3)], 1)
        expected = np.stack([np.interp(new, [-1, 0, 1], rows[i]) for i in range(5)], 0)
        np.testing.assert_allclose(resized.view(5, 5, 3)[..., s].numpy(), expected,
                                   rtol=1e-5, atol=1e-5)


def test_loading_weights_of_another_frame_count_resizes():
    src = randomise(PoTGU(4, 2)).state_dict()
    dst = PoTGU(7, 2)
    dst.load_state_dict(src)
    table = dst.pos.relative_position_bias_table.detach()
    expected = resize_relative_position_table(src['pos.relative_position_bias_table'],
                                              (4, 1, 1), (7, 1, 1))
    torch.testing.assert_close(table, expected)
    assert not torch.equal(table, torch.zeros_like(table))  # never silently zero
    # centre offset 0 and the extreme offsets are kept
    assert torch.equal(table[6], src['pos.relative_position_bias_table'][3])
    assert torch.equal(table[0], src['pos.relative_position_bias_table'][0])
    assert dst.pos.token_bias.shape == (7, )


def test_clear_errors():
    with pytest.raises(ValueError, match=r'serves at most 8 .*got an input of 9.*num_frames=9'):
        PoTGU(8, 2)(torch.randn(1, 9, 2, 2, 8))
    with pytest.raises(ValueError, match='cannot form 3 groups'):
        PoSGU(2, 3)(torch.randn(1, 1, 2, 2, 8))
    with pytest.raises(ValueError, match='cannot tell which window'):
        PoTGU(8, 2).load_state_dict({'pos.relative_position_bias_table': torch.zeros(14, 2),
                                     'pos.token_bias': torch.zeros(8)})
    with pytest.raises(ValueError, match='groups'):
        PoTGU(8, 2).load_state_dict({'pos.relative_position_bias_table': torch.zeros(15, 4),
                                     'pos.token_bias': torch.zeros(8)})
    with pytest.raises(ValueError, match='spatial only'):
        QuadraticPositionMixing((2, 3, 3), 2)


@pytest.mark.parametrize('shape', [(2, 1, 8, 3, 1, 3, 1, 5, 4), (1, 2, 2, 2, 4, 1, 3, 3, 6),
                                   (1, 1, 4, 2, 2, 2, 2, 2, 3)])
def test_window_mix_equals_the_einsum_forward_and_backward(shape):
    wt, wh, ww, g = shape[2], shape[4], shape[6], shape[8]
    torch.manual_seed(0)
    u = torch.randn(*shape, dtype=torch.float64, requires_grad=True)
    weight = torch.randn(wt, wh, ww, wt, wh, ww, g, dtype=torch.float64, requires_grad=True)
    ours = window_mix(weight, u)
    reference = torch.einsum('abcdefs,nidjekfvs->niajbkcvs', weight, u)
    assert torch.equal(ours, reference)
    grad = torch.randn_like(reference)
    for a, b in zip(torch.autograd.grad(ours, (weight, u), grad),
                    torch.autograd.grad(reference, (weight, u), grad)):
        assert torch.allclose(a, b, atol=1e-12)


@pytest.mark.parametrize('make', [
    lambda: RelativePositionMixing((2, 3, 3), 4, table_init_std=0.02),
    lambda: QuadraticPositionMixing(3, 4, init_std=0.1),
])
def test_inference_reuses_the_mixing_matrix_until_a_weight_changes(make):
    """In eval mode without autograd the generated matrix is kept between calls: the same
    output, and a new one after an in-place update, a load, a dtype change or training."""
    torch.manual_seed(0)
    mixing = make().eval()
    mixing.init_weights()
    x = torch.randn(2, 2, 5, 5, 8)  # padded windows (and a masked softmax for GQPE)

    def fresh(module, inputs):
        with torch.enable_grad():
            return module(inputs).detach()

    with torch.inference_mode():
        first = mixing(x)
        assert mixing._operand_cache, 'nothing cached in inference'
        assert torch.equal(mixing(x), first)
    assert torch.equal(first, fresh(mixing, x))
    with torch.no_grad():
        for p in mixing.parameters():
            p.add_(0.05 * torch.randn_like(p))
        assert torch.equal(mixing(x), fresh(mixing, x)), 'in-place update not seen'
    other = make()
    other.load_state_dict(mixing.state_dict())
    with torch.no_grad():
        for p in other.parameters():
            p.mul_(2)
        cached = mixing(x)
        mixing.load_state_dict(other.state_dict())
        assert not torch.equal(mixing(x), cached)
        assert torch.equal(mixing(x), fresh(mixing, x)), 'loaded weights not seen'
        assert mixing.double()(x.double()).dtype == torch.float64
    mixing.train()
    assert not mixing._operand_cache
    with torch.enable_grad():
        mixing(x.double()).sum().backward()  # training: regathered with autograd
    assert all(p.grad is not None for p in mixing.parameters())
