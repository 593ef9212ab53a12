"""The ILA module: flat-top mask, pair merge rule, jitter, alignment loss."""
import itertools

import pytest
import torch

from mmvideomlp.models.backbones.ila import ILAViT
from mmvideomlp.models.layers.ila_align import (JITTER_OFFSETS, ILAAlignment, flat_top_mask,
                                                merge_pairs)

TINY = dict(image_size=56, patch_size=14, width=32, layers=2, heads=1, embed_dim=16)


def closed_form(x, y, h, w):
    """The plateau-and-ramp mask evaluated pixel by pixel."""

    def f(d):
        d = abs(d)
        return 1.0 if d <= 0.25 else max(0.0, 1 - 1.5 * (d - 0.25))

    return torch.tensor([[f((2 * j / (h - 1) - 1) - y) * f((2 * i / (w - 1) - 1) - x)
                          for i in range(w)] for j in range(h)])


@pytest.mark.parametrize('size', [(7, 7), (14, 14), (4, 6)])
def test_mask_matches_closed_form(size):
    points = torch.tensor([[0., 0.], [0.3, -0.5], [-0.75, 0.75], [0.1, 0.2]])
    masks = flat_top_mask(points, size)
    for (x, y), mask in zip(points.tolist(), masks):
        torch.testing.assert_close(mask, closed_form(x, y, *size), atol=1e-6, rtol=0)
    # values: 1 on the plateau |d| <= 0.25, 0 beyond 0.25 + 2/3, linear between
    centre = flat_top_mask(torch.zeros(2), (13, 13))
    assert centre[6, 6] == 1 and centre[0, 0] == 0 and centre.max() == 1
    assert centre[6, 4].item() == pytest.approx(1 - 1.5 * (2 / 6 - 0.25))


def test_jittered_mask_is_mean_of_nine_masks():
    module = ILAAlignment(8, channels=16)
    point = torch.tensor([0.2, -0.1])
    offsets = torch.tensor(JITTER_OFFSETS, dtype=torch.float) * 0.2
    expected = torch.stack([closed_form(*(point + o).tolist(), 7, 7) for o in offsets]).mean(0)
    jittered = flat_top_mask(point + module.jitter_offsets * 0.2, (7, 7)).mean(0)
    torch.testing.assert_close(jittered, expected, atol=1e-6, rtol=0)


def test_merge_rule():
    pre = torch.arange(3.).view(1, 3) + 10  # pairs (0,1), (1,2), (2,3)
    cur = torch.arange(3.).view(1, 3) + 20
    merged = merge_pairs(pre, cur, dim=1)
    assert merged.tolist() == [[10., (11 + 20) / 2, (12 + 21) / 2, 22.]]
    assert merge_pairs(pre[:, :1], cur[:, :1], dim=1).tolist() == [[10., 20.]]  # T = 2


def test_points_start_at_centre_and_output_shapes():
    module = ILAAlignment(8, interactive='conv', channels=16)
    module.init_weights()
    tokens = torch.randn(1 + 16, 2 * 5, 8)
    aligned, inter, loss, points = module(tokens, 5, (4, 4), jitter_scale=0.2)
    assert aligned.shape == inter.shape == tokens.shape
    assert points.shape == (2, 4, 4) and not points.any()  # zero-initialised last layer
    # the CLS slot of G and I is each frame's own message-space CLS token
    torch.testing.assert_close(aligned[0], tokens[0])
    torch.testing.assert_close(inter[0], tokens[0])
    assert loss.ndim == 0


@pytest.mark.parametrize('training', [False, True])
def test_alignment_loss_is_zero_for_identical_frames(training):
    """Same frames and the same point in both frames of a pair: identical pooled tokens."""
    torch.manual_seed(0)
    module = ILAAlignment(8, channels=16).train(training)
    for p in module.parameters():  # move every weight off its initialisation
        p.data.add_(0.1 * torch.randn_like(p))
    last = module.prediction_block[12]  # ... but predict one shared, off-centre point
    last.weight.data.zero_()
    last.bias.data.copy_(torch.tensor([0.4, -0.2, 0.4, -0.2]))
    frame = torch.randn(1 + 16, 2, 1, 8)
    jitter = 0.2 if training else None
    loss = module(frame.expand(-1, -1, 4, -1).reshape(17, 8, 8), 4, (4, 4), jitter)[2]
    assert loss.abs() < 1e-6
    assert module(torch.randn(17, 8, 8), 4, (4, 4), jitter)[2] > 1e-4
    # in the backbone: a static clip gives a zero loss in the first block (later blocks see
    # the zero-padded temporal convolution of the interactive path)
    model = ILAViT(arch=TINY, interactive_channels=16)
    model.init_weights()
    model.train(training)
    _, losses = model(torch.randn(2, 3, 1, 56, 56).expand(-1, -1, 4, -1, -1),
                      return_align_loss=True)
    assert losses.shape == (2, ) and losses[0].abs() < 1e-6


def test_jitter_schedule_and_eval_without_jitter():
    model = ILAViT(arch=TINY, interactive_channels=16)
    model.init_weights()
    for epoch, scale in [(0, 0.2), (29, 0.2), (30, 0.1), (31, 0.05), (39, 0.2 * 0.5**10)]:
        model.set_epoch(epoch)
        assert model.jitter_scale == pytest.approx(scale)
    # eval: a single point per pair; training: 9 jittered points (different masks)
    block = model.transformer.resblocks[0]
    with torch.no_grad():
        block.message_attn.prediction_block[12].bias.fill_(0.3)
    x = torch.randn(2, 3, 3, 56, 56)
    model.eval()
    out_eval = model(x)[1]
    model.train()
    for m in model.modules():  # compare with the same BN statistics
        if isinstance(m, torch.nn.BatchNorm2d):
            m.eval()
    out_train = model(x)[1]
    torch.testing.assert_close(out_eval, out_train)  # skip projections are still zero
    with torch.no_grad():
        block.temporal_skip_align_fc.weight.normal_(0, 0.1)
    model.set_epoch(0)
    model.eval()
    out_eval = model(x)[1]
    model.train()
    for m in model.modules():
        if isinstance(m, torch.nn.BatchNorm2d):
            m.eval()
    assert not torch.allclose(out_eval, model(x)[1])


def test_any_resolution_and_clear_errors():
    model = ILAViT(arch=TINY, interactive_channels=16).eval()
    patches, frames = model(torch.randn(1, 3, 3, 60, 70))  # padded to 5x5 patches of 14
    assert patches.shape == (1, 32, 3, 5, 5) and frames.shape == (1, 16, 3)
    with pytest.raises(ValueError, match='at least 2 frames'):
        model(torch.randn(1, 3, 1, 56, 56))
    with pytest.raises(ValueError, match='at least 4x4'):
        model(torch.randn(1, 3, 2, 42, 56))
    for T, H in itertools.product([2, 5], [56]):
        assert model(torch.randn(1, 3, T, H, H))[1].shape == (1, 16, T)
