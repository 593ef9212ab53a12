"""MorphMLP token-mixing layers against direct per-chunk / per-group computations."""
import pytest
import torch
import torch.nn as nn

from mmvideomlp.models.layers.morphmlp_fc import (MorphFCSpatial, MorphFCSpatialStrided,
                                                  MorphFCTemporal, SplitAttention, chunk_fc,
                                                  chunk_padding, strided_chunk_fc)


def _linear(C, seed):
    torch.manual_seed(seed)
    fc = nn.Linear(C, C)
    nn.init.normal_(fc.weight, std=0.2)
    nn.init.normal_(fc.bias, std=0.2)
    return fc


def reference_row_chunks(x, fc, L):
    """One FC call per (frame, chunk, group): chunks of L consecutive row-major tokens
    (after the bottom/right zero padding of ``chunk_padding``), vector index l * D + d."""
    B, T, H, W, C = x.shape
    D = C // L
    ph, pw = chunk_padding(H, W, L)
    xp = torch.zeros(B, T, H + ph, W + pw, C)
    xp[:, :, :H, :W] = x
    Wp = W + pw
    seq = xp.reshape(B, T, -1, C)
    out = torch.zeros_like(seq)
    for n in range(seq.shape[2] // L):
        for g in range(L):
            v = seq[:, :, n * L:(n + 1) * L, g * D:(g + 1) * D].reshape(B, T, L * D)
            out[:, :, n * L:(n + 1) * L, g * D:(g + 1) * D] = fc(v).reshape(B, T, L, D)
    return out.reshape(B, T, H + ph, Wp, C)[:, :, :H, :W]


def reference_strided_chunks(x, fc, L):
    """Token p = i * J + j is position i of chunk j (J = ceil(HW / L), zero-padded end)."""
    B, T, H, W, C = x.shape
    D, N = C // L, H * W
    J = -(-N // L)
    seq = torch.zeros(B, T, J * L, C)
    seq[:, :, :N] = x.reshape(B, T, N, C)
    out = torch.zeros_like(seq)
    for j in range(J):
        idx = torch.arange(L) * J + j
        for g in range(L):
            v = seq[:, :, idx, g * D:(g + 1) * D].reshape(B, T, L * D)
            out[:, :, idx, g * D:(g + 1) * D] = fc(v).reshape(B, T, L, D)
    return out[:, :, :N].reshape(B, T, H, W, C)


@pytest.mark.parametrize('H, W, L', [
    (6, 8, 4),    # chunks inside rows (W % L == 0)
    (6, 2, 4),    # chunks of two whole rows (L % W == 0)
    (4, 6, 8),    # official layout where chunks straddle rows (HW % L == 0)
    (5, 7, 4),    # padded: right to 8
    (5, 3, 4),    # padded: right to 4, one chunk per row
    (3, 2, 8),    # padded: chunks of 4 rows of 2, bottom to 4 rows
])
def test_row_chunks_match_direct_computation(H, W, L):
    C = 2 * L
    x = torch.randn(2, 3, H, W, C)
    fc = _linear(C, seed=H * W)
    with torch.no_grad():
        torch.testing.assert_close(chunk_fc(x, fc, L), reference_row_chunks(x, fc, L),
                                   rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize('H, W, L', [(6, 8, 4), (8, 3, 4), (5, 7, 4)])
def test_column_chunks_are_row_chunks_of_the_transposed_map(H, W, L):
    """The H branch flattens column-major: p = w * H + h."""
    C = 2 * L
    x = torch.randn(1, 2, H, W, C)
    fc = _linear(C, seed=3)
    with torch.no_grad():
        ours = chunk_fc(x.transpose(2, 3), fc, L).transpose(2, 3)
        ref = reference_row_chunks(x.transpose(2, 3).contiguous(), fc, L).transpose(2, 3)
    torch.testing.assert_close(ours, ref, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize('H, W, L', [(3, 3, 9), (6, 6, 9), (4, 5, 9), (2, 2, 7)])
def test_strided_chunks_match_direct_computation(H, W, L):
    C = 2 * L
    x = torch.randn(2, 2, H, W, C)
    fc = _linear(C, seed=L)
    with torch.no_grad():
        torch.testing.assert_close(strided_chunk_fc(x, fc, L),
                                   reference_strided_chunks(x, fc, L), rtol=1e-5, atol=1e-5)


def test_padding_rule():
    # official sizes (224 and 448 inputs) need no padding
    for rows, chunk in [(56, 14), (28, 28), (14, 28), (112, 14), (56, 28), (28, 28)]:
        assert chunk_padding(rows, rows, chunk) == (0, 0)
    # 512 input: 128 -> 140 (10 chunks a row), 64 -> 84, 32 -> 56 (2 chunks a row)
    assert chunk_padding(128, 128, 14) == (0, 12)
    assert chunk_padding(64, 64, 28) == (0, 20)
    assert chunk_padding(32, 32, 28) == (0, 24)
    # 256 input: stage 3 is 16x16 -> rows of 28; 7x7 maps with 28-chunks: 4 rows of 7
    assert chunk_padding(16, 16, 28) == (0, 12)
    assert chunk_padding(7, 7, 28) == (1, 0)
    assert chunk_padding(13, 13, 28) == (1, 1)  # 14x14: two rows of 14, as at 224


def test_temporal_fc_matches_direct_computation():
    B, T, H, W, C, G = 2, 4, 3, 2, 12, 3
    S = C // G
    layer = MorphFCTemporal(C, T, G)
    for p in layer.parameters():
        nn.init.normal_(p, std=0.2)
    x = torch.randn(B, T, H, W, C)
    with torch.no_grad():
        mixed = torch.zeros_like(x)
        for g in range(G):  # vector index t * S + s
            v = x[..., g * S:(g + 1) * S].permute(0, 2, 3, 1, 4).reshape(B, H, W, T * S)
            y = layer.mlp_t(v).reshape(B, H, W, T, S).permute(0, 3, 1, 2, 4)
            mixed[..., g * S:(g + 1) * S] = y
        torch.testing.assert_close(layer(x), layer.proj(mixed), rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize('init_mode', ['zero_proj', 'official'])
def test_temporal_fc_init_outputs_zero(init_mode):
    layer = MorphFCTemporal(16, 4, 4, init_mode=init_mode)
    layer.init_weights()
    if init_mode == 'official':
        assert torch.all(layer.proj.weight == 1) and torch.all(layer.mlp_t.weight == 0)
    else:
        assert torch.all(layer.proj.weight == 0) and layer.mlp_t.weight.abs().sum() > 0
    assert torch.all(layer(torch.randn(1, 4, 2, 2, 16)) == 0)
    with pytest.raises(ValueError, match="init_mode must be one of"):
        MorphFCTemporal(16, 4, 4, init_mode='zeros')
    with pytest.raises(ValueError, match='built for 4 temporal tokens and got 3'):
        layer(torch.randn(1, 3, 2, 2, 16))


def test_split_attention_is_interleaved_softmax():
    torch.manual_seed(0)
    C = 8
    attn = SplitAttention(C, 3)
    branches = [torch.randn(2, 2, 3, 3, C) for _ in range(3)]
    logits = attn.fc2(attn.act(attn.fc1(sum(branches).mean((1, 2, 3)))))
    expected = 0
    for k in range(3):  # row 3c + k belongs to branch k of channel c
        weight = torch.stack([logits[:, 3 * c:3 * c + 3].softmax(-1)[:, k] for c in range(C)], 1)
        expected = expected + branches[k] * weight[:, None, None, None]
    torch.testing.assert_close(attn(branches), expected)


def test_spatial_mixers_compose_branches():
    torch.manual_seed(0)
    x = torch.randn(1, 2, 5, 7, 8)
    layer = MorphFCSpatial(8, 4)
    h = reference_row_chunks(x.transpose(2, 3).contiguous(), layer.mlp_h, 4).transpose(2, 3)
    w = reference_row_chunks(x, layer.mlp_w, 4)
    expected = layer.proj(layer.reweight([h, w, layer.mlp_c(x)]))
    torch.testing.assert_close(layer(x), expected, rtol=1e-5, atol=1e-5)

    strided = MorphFCSpatialStrided(8, 4)
    h = reference_strided_chunks(x, strided.mlp_h, 4)
    expected = strided.proj(strided.reweight([h, strided.mlp_c(x)]))
    torch.testing.assert_close(strided(x), expected, rtol=1e-5, atol=1e-5)
    assert [n for n, _ in strided.named_children()][:2] == ['mlp_c', 'mlp_h']  # official order


def test_mixers_reject_indivisible_channels():
    with pytest.raises(ValueError, match=r'chunk_length=5 must divide the channels '
                       r'embed_dims=12; allowed values: \[1, 2, 3, 4, 6, 12\]'):
        MorphFCSpatial(12, 5)
    with pytest.raises(ValueError, match='temporal_groups=5 must divide'):
        MorphFCTemporal(12, 4, 5)
