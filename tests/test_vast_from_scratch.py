"""The parts of VAST that its from-scratch recipe relies on (the learning itself:
tests/test_temporal_order_from_scratch.py): affine generators near the identity, and 3-frame
patches that still load image (AST) weights."""
import pytest
import torch

from mmvideomlp.models.backbones.vast import VAST


def test_affine_init_std_starts_near_the_identity():
    from mmvideomlp.models.layers.affine_shift import build_affine
    affine = build_affine('token', 64, init_std=0.1)
    affine.init_weights()
    assert abs(affine.proj.weight.std().item() - 0.1) < 0.01  # truncated at 2 std
    assert affine.proj.bias.abs().max() == 0
    zero = build_affine('token', 64)
    zero.init_weights()
    assert zero.proj.weight.abs().max() == 0
    with pytest.raises(ValueError, match='affine_init_std must be a number >= 0, got -1'):
        build_affine('token', 64, init_std=-1)


def test_temporal_patch_embedding_loads_image_weights():
    """AST weights in a VAST with 3x4x4 patches (centre inflation) and no temporal shift give
    the AST features of every frame; the patch kernel must be odd to keep the frames."""
    from mmvideomlp.models.backbones.vast import AffineShiftTransformer
    from mmvideomlp.models.layers.stem import ConvDownsample
    arch = dict(embed_dims=16, depths=(1, 1), mlp_ratio=2.)
    torch.manual_seed(0)
    ast = AffineShiftTransformer(arch, affine_init_std=0.1)
    ast.init_weights()
    vast = VAST(arch, patch_temporal_size=3, temporal_shift_ratio=0.)
    report = vast.load_checkpoint(dict(state_dict=ast.state_dict()))
    assert report.complete
    assert tuple(vast.patch_embed.proj.weight.shape[2:]) == (3, 4, 4)
    video = torch.randn(2, 3, 5, 32, 32)
    with torch.no_grad():
        frames = torch.stack([ast(video[:, :, t])[0] for t in range(5)], dim=2)
        torch.testing.assert_close(vast(video), frames, rtol=1e-4, atol=1e-4)
    with pytest.raises(ValueError, match='temporal_kernel must be an odd int >= 1'):
        ConvDownsample(3, 8, kernel_size=4, stride=4, temporal_kernel=2)
