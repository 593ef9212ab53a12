"""MorphMLP backbone: shapes, any frame count and size, official settings, errors, knobs."""
import pytest
import torch

from mmvideomlp.models.backbones.morphmlp import MorphMLP, derive_temporal_groups

# official chunk lengths on narrow stages (every width divisible by its chunk length)
TINY = dict(embed_dims=[28, 56, 56, 98], depths=[1, 1, 2, 1], chunk_lengths=[14, 28, 28, 49],
            mlp_ratio=2)
# chunks for small maps (56x56 input: 14x14, 7x7, 4x4, 2x2)
SMALL_MAPS = dict(embed_dims=[16, 32, 32, 64], depths=[1, 1, 1, 1], chunk_lengths=[4, 4, 4, 4],
                  mlp_ratio=2)


def _init(model):
    model.init_weights()
    return model.eval()


def test_video_and_image_output_contracts():
    video = _init(MorphMLP(SMALL_MAPS, num_frames=8))
    with torch.no_grad():
        out = video(torch.randn(2, 3, 8, 56, 56))
    assert out.shape == (2, 64, 4, 2, 2)  # time halved once, one output: a tensor

    video = _init(MorphMLP(SMALL_MAPS, num_frames=5, out_indices=(0, -1)))
    with torch.no_grad():
        outs = video(torch.randn(1, 3, 5, 40, 56))
    assert [tuple(o.shape) for o in outs] == [(1, 16, 3, 10, 14), (1, 64, 3, 2, 2)]

    image = _init(MorphMLP(SMALL_MAPS, out_indices=(3, )))
    with torch.no_grad():
        outs = image(torch.randn(2, 3, 56, 56))
    assert isinstance(outs, tuple) and outs[0].shape == (2, 64, 2, 2)
    assert not hasattr(image.blocks1[0], 't_fc') and image.patch_embed1.proj1.kernel_size[0] == 1
    assert hasattr(image, 'norm4') and not hasattr(video, 'norm4')


@pytest.mark.parametrize('size', [256, 512])
def test_official_chunks_at_sizes_they_do_not_divide(size):
    """256 and 512 crash the official code; here each chunked FC pads and crops back."""
    model = _init(MorphMLP(TINY, out_indices=(0, 1, 2, 3)))
    x = torch.randn(1, 3, size, size - 32)
    with torch.no_grad():
        outs = model(x)
    s = size // 4
    assert [tuple(o.shape[2:]) for o in outs] == [(s, s - 8), (s // 2, s // 2 - 4),
                                                  (s // 4, s // 4 - 2), (s // 8, s // 8 - 1)]
    assert all(torch.isfinite(o).all() for o in outs)
    # the padding is per FC: a real token never sees another image's content
    with torch.no_grad():
        x2 = torch.cat([x, torch.randn_like(x)], 0)
        torch.testing.assert_close(model(x2)[3][:1], outs[3], rtol=1e-4, atol=1e-4)


def test_official_video_settings():
    with torch.device('meta'):  # shapes only, no memory
        _check_official_video_settings()


def _check_official_video_settings():
    assert derive_temporal_groups(392, 16) == 14  # the 32-frame stage-3 special case
    widths = [112, 224, 392, 784]
    # the derived default reproduces the official groups (8 and 16 temporal tokens)
    assert [derive_temporal_groups(c, 8) for c in widths] == [8, 8, 8, 8]
    assert [derive_temporal_groups(c, 16) for c in widths] == [16, 16, 14, 16]
    assert [derive_temporal_groups(c, 6) for c in widths] == [7, 7, 7, 7]  # 12 frames
    for name, frames, groups, t3, depths in [('s16', 16, [8, 8, 8, 8], 392, [3, 4, 9, 3]),
                                             ('b32', 32, [16, 16, 14, 16], 448, [4, 6, 15, 4])]:
        model = MorphMLP(name)
        assert model.num_frames == frames and model.temporal_groups == groups
        assert model.blocks3[0].t_fc.mlp_t.weight.shape == (t3, t3)
        assert model.blocks4[0].t_fc.mlp_t.weight.shape == (784, 784)
        assert [len(getattr(model, f'blocks{i}')) for i in range(1, 5)] == depths


def test_official_init():
    model = MorphMLP(TINY, num_frames=4, temporal_init='official')
    model.init_weights()
    block = model.blocks2[0]
    assert torch.all(block.t_fc.mlp_t.weight == 0) and torch.all(block.t_fc.mlp_t.bias == 0)
    assert torch.all(block.t_fc.proj.weight == 1) and torch.all(block.t_fc.proj.bias == 0)
    assert abs(block.fc.mlp_h.weight.std().item() - 0.02) < 0.003
    assert block.fc.mlp_h.weight.abs().max() < 0.2  # timm/mmengine bounds: ±2 absolute
    assert torch.all(block.norm1.weight == 1)
    x = torch.randn(1, 2, 7, 7, 56)  # 4 frames: 2 tokens
    assert torch.all(block.t_fc(block.t_norm1(x)) == 0)


@pytest.mark.parametrize('temporal_init', ['zero_proj', 'official'])
def test_only_the_default_temporal_init_lets_morphfc_t_learn(temporal_init):
    """Both inits output 0; with the official one the block's LayerNorm removes what
    MorphFC_t adds (the same value in every channel) and its gradient with it."""
    torch.manual_seed(0)
    model = MorphMLP(TINY, num_frames=4, temporal_init=temporal_init)
    model.init_weights()
    x = torch.randn(2, 3, 4, 32, 32)
    model(x).pow(2).mean().backward()
    for i in range(1, 5):
        t_fc, fc = getattr(model, f'blocks{i}')[0].t_fc, getattr(model, f'blocks{i}')[0].fc
        spatial = fc.mlp_c.weight.grad.norm()
        learns = t_fc.proj.weight.grad.norm() + t_fc.mlp_t.weight.grad.norm()
        if temporal_init == 'zero_proj':
            assert learns > 1e-3 * spatial, f'stage {i}: {learns:.1e} vs {spatial:.1e}'
        else:  # rounding noise only
            assert learns < 1e-5 * spatial, f'stage {i}: {learns:.1e} vs {spatial:.1e}'
    with pytest.raises(ValueError, match='temporal_init must be one of'):
        MorphMLP(TINY, temporal_init='random')


def test_static_clip_with_zero_temporal_fc_equals_image_model(tmp_path):
    """Video network (centre-inflated image weights, MorphFC_t at its zero init) on a
    static clip = the image network on each frame."""
    image = _init(MorphMLP(SMALL_MAPS, out_indices=(0, 1, 2, 3)))
    with torch.no_grad():  # non-trivial BN statistics
        for bn in (image.patch_embed1.norm1, image.patch_embed1.norm2):
            bn.running_mean.normal_()
            bn.running_var.uniform_(0.5, 2)
    ckpt = tmp_path / 'image.pth'
    torch.save({'state_dict': {f'backbone.{k}': v for k, v in image.state_dict().items()}},
               ckpt)
    video = _init(MorphMLP(SMALL_MAPS, num_frames=6, out_indices=(0, 1, 2, 3), out_norm=True,
                           pretrained=str(ckpt), inflate='center'))
    frame = torch.randn(2, 3, 56, 56)
    with torch.no_grad():
        image_outs = image(frame)
        video_outs = video(frame[:, :, None].expand(-1, -1, 6, -1, -1))
    for img, vid in zip(image_outs, video_outs):
        assert vid.shape[2] == 3
        for t in range(3):
            torch.testing.assert_close(vid[:, :, t], img, rtol=1e-4, atol=1e-5)


def test_average_inflation_of_the_stem(tmp_path):
    image = MorphMLP(SMALL_MAPS)
    kernel = image.patch_embed1.proj1.weight
    ckpt = tmp_path / 'image.pth'
    torch.save(image.state_dict(), ckpt)
    video = MorphMLP(SMALL_MAPS, num_frames=4, pretrained=str(ckpt))
    video.init_weights()
    inflated = video.patch_embed1.proj1.weight
    assert inflated.shape == (8, 3, 3, 3, 3)
    torch.testing.assert_close(inflated.sum(2), kernel[:, :, 0].detach())
    report = video.load_report
    assert [r[0] for r in report.resized] == ['patch_embed1.proj1.weight']
    assert 'average' in report.resized[0][3] and not report.missing
    assert report.unexpected == ['norm4.weight', 'norm4.bias']  # the image head's norm
    # the temporal layers an image network cannot have are reported as new
    assert report.new and all('.t_fc.' in k or '.t_norm1.' in k for k in report.new)
    # t_norm1, t_fc.mlp_t and t_fc.proj, weight and bias, in every block
    assert len(report.new) == 6 * sum(SMALL_MAPS['depths'])


def test_clear_errors():
    with pytest.raises(ValueError, match=r'chunk_lengths\[1\]=28 must divide embed_dims\[1\]='
                       r'48 .*allowed values: \[1, 2, 3, 4, 6, 8, 12, 16, 24, 48\]'):
        MorphMLP({**TINY, 'embed_dims': [28, 48, 56, 98]})
    with pytest.raises(ValueError, match=r'temporal_groups=5 must divide .*embed_dims=28'):
        MorphMLP(TINY, num_frames=8, temporal_groups=[5, 8, 8, 7])
    with pytest.raises(ValueError, match="unknown arch 'huge'"):
        MorphMLP('huge')
    with pytest.raises(ValueError, match=r"missing \['chunk_lengths'\]"):
        MorphMLP(dict(embed_dims=[8] * 4, depths=[1] * 4, mlp_ratio=3))
    with pytest.raises(ValueError, match='embed_dims must list 4 values'):
        MorphMLP({**TINY, 'embed_dims': [28, 56, 56]})
    with pytest.raises(ValueError, match='arch fixes num_frames=16 but num_frames=32'):
        MorphMLP('s16', num_frames=32)
    with pytest.raises(ValueError, match=r'out_indices must be in \[-4, 3\], got 4'):
        MorphMLP(TINY, out_indices=(4, ))
    with pytest.raises(ValueError, match='temporal_groups needs a video network'):
        MorphMLP(TINY, temporal_groups=[1, 1, 1, 1])
    video = MorphMLP(SMALL_MAPS, num_frames=8)
    with pytest.raises(ValueError, match='built for num_frames=8 and got 16 frames'):
        video(torch.randn(1, 3, 16, 56, 56))
    with pytest.raises(ValueError, match=r'expects \(N, C, T, H, W\)'):
        video(torch.randn(1, 3, 56, 56))
    with pytest.raises(ValueError, match=r'image network .* expects \(N, C, H, W\)'):
        MorphMLP(SMALL_MAPS)(torch.randn(1, 3, 8, 56, 56))


def test_with_cp_matches_plain_forward_and_backward():
    torch.manual_seed(0)
    plain = _init(MorphMLP(SMALL_MAPS, num_frames=4)).train()
    ckpt = MorphMLP(SMALL_MAPS, num_frames=4, with_cp=True).train()
    ckpt.load_state_dict(plain.state_dict())
    x = torch.randn(2, 3, 4, 32, 32)
    plain(x).square().sum().backward()
    ckpt(x).square().sum().backward()
    for (name, a), b in zip(plain.named_parameters(), ckpt.parameters()):
        torch.testing.assert_close(a.grad, b.grad, rtol=1e-4, atol=1e-6, msg=name)


def test_frozen_stages_norm_eval_and_drop_path():
    model = MorphMLP(SMALL_MAPS, num_frames=4, frozen_stages=2, norm_eval=True,
                     drop_path_rate=0.3)
    model.train()
    frozen = ['patch_embed1', 'blocks1', 'patch_embed2', 'blocks2']
    for name, param in model.named_parameters():
        assert param.requires_grad == (name.split('.')[0] not in frozen), name
    assert not model.blocks2[0].training and model.blocks3[0].training
    assert not model.patch_embed1.norm1.training  # BN kept in eval mode
    rates = [getattr(b.drop_path, 'drop_prob', 0.) for i in range(1, 5)
             for b in getattr(model, f'blocks{i}')]
    torch.testing.assert_close(torch.tensor(rates), torch.linspace(0, 0.3, 4))


def test_arguments_are_checked_with_the_allowed_values():
    with pytest.raises(TypeError, match="'qkv_bias' was renamed 'mixing_bias'"):
        MorphMLP(SMALL_MAPS, qkv_bias=False)
    with pytest.raises(TypeError, match=r"unexpected arguments \['num_segments'\]"):
        MorphMLP(SMALL_MAPS, num_segments=8)
    for frames in (0, -2, 2.5, True):
        with pytest.raises(ValueError, match=rf'num_frames must be a positive int .*or None '
                           rf'\(image network\), got {frames!r}'):
            MorphMLP(SMALL_MAPS, num_frames=frames)
    with pytest.raises(TypeError, match=r"mlp_ratio must be a number or 4 numbers, got 'x' for "
                       'stage 2'):
        MorphMLP({**SMALL_MAPS, 'mlp_ratio': [2, 2, 'x', 2]})
    with pytest.raises(ValueError, match=r'mlp_ratio needs 4 values \(one per stage\)'):
        MorphMLP({**SMALL_MAPS, 'mlp_ratio': [2, 2]})
    with pytest.raises(ValueError, match='mlp_ratio=0 of stage 0 leaves no hidden unit'):
        MorphMLP({**SMALL_MAPS, 'mlp_ratio': 0})
    with pytest.raises(ValueError, match=r'frozen_stages must be an int in \[-1, 4\].*got 9'):
        MorphMLP(SMALL_MAPS, frozen_stages=9)
    with pytest.raises(ValueError, match=r"inflate must be one of \('average', 'center'\)"):
        MorphMLP(SMALL_MAPS, inflate='middle')
    with pytest.raises(ValueError, match='drop_path_rate must be a number in'):
        MorphMLP(SMALL_MAPS, drop_path_rate=1.5)
    with pytest.raises(ValueError, match=r"unknown keys \['num_segments'\]"):
        MorphMLP({**SMALL_MAPS, 'num_segments': 8})
    with pytest.raises(ValueError, match='built with in_channels=3 and got 4 channels'):
        MorphMLP(SMALL_MAPS)(torch.randn(1, 4, 32, 32))
    # an image network in a video recognizer says how to build the video one
    with pytest.raises(ValueError, match='For a video recognizer set num_frames'):
        MorphMLP(SMALL_MAPS)(torch.randn(1, 3, 4, 32, 32))


def test_per_stage_mlp_ratios_and_bias_free_mixers():
    model = MorphMLP({**SMALL_MAPS, 'mlp_ratio': [3, 3, 3, 2]}, num_frames=4, mixing_bias=False)
    assert [getattr(model, f'blocks{i}')[0].mlp.fc1.out_features for i in range(1, 5)] == \
        [48, 96, 96, 128]
    block = model.blocks1[0]
    assert block.fc.mlp_h.bias is None and block.t_fc.mlp_t.bias is None
    assert block.fc.proj.bias is not None  # only the token-mixing FCs lose their bias
