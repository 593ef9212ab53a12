"""The Affine-Shift block: affine options, zero initialisation, checkpointing."""
import pytest
import torch

from mmvideomlp.models.backbones.vast import AffineShiftTransformer
from mmvideomlp.models.layers.affine_shift import (AFFINE_MODES, AffineShiftBlock,
                                                   PooledAffine, QueryKeyAffine, StaticAffine,
                                                   TokenAffine)

C = 24


def make_block(affine, **kwargs):
    torch.manual_seed(0)
    block = AffineShiftBlock(C, mlp_ratio=2., spatial_shift_ratio=1 / 12,
                             temporal_shift_ratio=1 / 8, affine=affine, **kwargs)
    block.init_weights()
    return block.eval()


def plain_projected_shift(block, x):
    """What the block computes with an identity affine: projection + shift + MLP."""
    mixer = block.mixer
    y = x + mixer.proj(mixer.shift(mixer.value(block.norm1(x))))
    return y + block.ffn(block.norm2(y))


def randomise(module):
    torch.manual_seed(1)
    with torch.no_grad():
        for p in module.parameters():
            p.normal_(0, 0.5)


@pytest.mark.parametrize('affine', AFFINE_MODES)
def test_zero_init_makes_the_block_a_projected_shift(affine):
    block = make_block(affine)
    x = torch.randn(2, 3, 4, 5, C)
    torch.testing.assert_close(block(x), plain_projected_shift(block, x), rtol=0, atol=1e-6)


@pytest.mark.parametrize('affine', AFFINE_MODES)
def test_zero_init_survives_the_backbone_init_cfg(affine):
    """The truncated-normal init_cfg of the backbone must not overwrite the zero init."""
    model = AffineShiftTransformer(arch=dict(embed_dims=C, depths=(1, 1), mlp_ratio=2.),
                                   affine=affine, temporal_shift_ratio=1 / 8)
    model.init_weights()
    for stage in model.stages:
        block = stage[0]
        x = torch.randn(1, 2, 4, 4, block.norm1.normalized_shape[0])
        torch.testing.assert_close(block(x), plain_projected_shift(block, x), rtol=0,
                                   atol=1e-6)


def test_affine_parameter_counts():
    counts = {
        mode: sum(p.numel() for p in make_block(mode).mixer.parameters())
        for mode in AFFINE_MODES
    }
    base = counts['none']
    assert base == 2 * (C * C + C)  # value and output projections
    assert counts['token'] - base == C * 2 * C + 2 * C  # W_a: C -> 2C
    assert counts['qk'] - base == C * 2 * C + 2 * C  # query and key: C -> 2C
    assert counts['pooled'] - base == (C * (C // 4) + C // 4) + (C // 4 * 2 * C + 2 * C)
    assert counts['static'] - base == 2 * C


def test_affine_data_dependence():
    z = torch.randn(2, 3, 4, 5, C)
    v = torch.randn(2, 3, 4, 5, C)

    token = TokenAffine(C)
    randomise(token)
    g, b = token.proj(z).chunk(2, dim=-1)
    torch.testing.assert_close(token(z, v, None), (1 + g) * v + b)
    # every token has its own scale: the same v at two positions is modulated differently
    assert not torch.allclose(g[0, 0, 0, 0], g[0, 0, 0, 1])

    pooled = PooledAffine(C)
    randomise(pooled)
    ones = torch.ones_like(v)
    gain = pooled(z, ones, None) - pooled(z, torch.zeros_like(v), None)  # = 1 + G
    # one scale per sample and frame, shared by all positions of the frame
    torch.testing.assert_close(gain, gain[:, :, :1, :1].expand_as(gain))
    assert not torch.allclose(gain[:, 0], gain[:, 1])
    assert not torch.allclose(gain[0], gain[1])

    static = StaticAffine(C)
    randomise(static)
    gain = static(z, ones, None) - static(z, torch.zeros_like(v), None)
    torch.testing.assert_close(gain, (1 + static.scale).expand_as(gain))

    qk = QueryKeyAffine(C)
    randomise(qk)
    q, k = qk.proj(z).chunk(2, dim=-1)
    shifted = torch.roll(k, 1, dims=2)  # any shift: the generator uses the one it is given
    torch.testing.assert_close(qk(z, v, lambda t: torch.roll(t, 1, dims=2)),
                               v * (1 + q * shifted))


@pytest.mark.parametrize('affine', ['token', 'pooled', 'qk', 'static'])
def test_affine_generator_learns_from_zero_init(affine):
    block = make_block(affine).train()
    x = torch.randn(2, 3, 4, 5, C)
    block(x).square().sum().backward()
    grads = [p.grad for p in block.mixer.affine.parameters()]
    assert any(g is not None and g.abs().sum() > 0 for g in grads)


def test_unknown_affine_option():
    with pytest.raises(ValueError, match="affine='dynamic' is not supported"):
        AffineShiftTransformer(arch=dict(embed_dims=C, depths=(1, ), mlp_ratio=1.),
                               affine='dynamic')
