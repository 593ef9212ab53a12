"""PosMLP blocks, backbone contracts, converter and configs."""
import re
import runpy
import sys
from collections import OrderedDict

import pytest
import torch

from mmvideomlp.converters.posmlp import convert_posmlp_official, convert_file
from mmvideomlp.models.backbones.posmlp import PosMLP
from mmvideomlp.models.layers.posmlp_block import PosMLPBlock
from mmvideomlp.models.layers.posmlp_mixing import relative_position_index

TINY = dict(embed_dims=[8, 16, 16, 32], depths=[1, 2, 1, 1], window_sizes=[3, 3, 2, 1],
            groups=[2, 4, 4, 8])


def randomise(module, seed=0, scale=0.2):
    gen = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for p in module.parameters():
            p.add_(torch.randn(p.shape, generator=gen) * scale)
    return module


@pytest.mark.parametrize('block_type', ['parallel', 'sequential', 'joint', 'spatial'])
def test_block_types(block_type):
    block = PosMLPBlock(8, block_type, window_size=2, groups=2, max_frames=4,
                        temporal_window=2,
                        init_cfg=dict(type='TruncNormal', layer='Linear', std=.02, bias=0.))
    block.init_weights()
    block.eval()
    x = torch.randn(2, 4, 4, 4, 8)
    # official init (zero tables and biases): the mixed half is 0, so is every branch
    assert torch.equal(block(x), x)
    randomise(block)
    with torch.no_grad():
        out = block(x)
        if block_type == 'parallel':
            expected = x + (block.fc(x) + block.t_fc(x))
        elif block_type == 'sequential':
            y = x + block.t_fc(x)
            expected = y + block.fc(y)
        elif block_type == 'joint':
            expected = x + block.st_fc(x)
        else:
            expected = x + block.fc(x)
    assert torch.equal(out, expected)
    names = {n.split('.')[0] for n, _ in block.named_parameters()}
    assert names == {'parallel': {'fc', 't_fc'}, 'sequential': {'fc', 't_fc'},
                     'joint': {'st_fc'}, 'spatial': {'fc'}}[block_type]
    # the joint unit mixes across frames inside its window, not across windows
    if block_type == 'joint':
        x2 = x.clone()
        x2[:, 2:] += 1  # change frames of the second temporal window only
        with torch.no_grad():
            assert torch.equal(block(x2)[:, :2], out[:, :2])
            assert not torch.allclose(block(x2)[:, 2:], out[:, 2:])


def test_video_and_image_contracts():
    video = PosMLP(TINY, num_frames=4, out_indices=(0, 3)).eval()
    feats = video(torch.randn(2, 3, 4, 32, 32))
    assert [tuple(f.shape) for f in feats] == [(2, 8, 4, 8, 8), (2, 32, 4, 1, 1)]
    assert PosMLP(TINY, num_frames=4).eval()(torch.randn(1, 3, 4, 32, 32)).shape == \
        (1, 32, 4, 1, 1)
    # any resolution and fewer frames than the temporal table: odd sizes are padded
    out = video(torch.randn(1, 3, 3, 37, 50))
    assert [tuple(f.shape) for f in out] == [(1, 8, 3, 10, 13), (1, 32, 3, 2, 2)]
    image = PosMLP({**TINY, 'block_types': 'spatial', 'pos_type': 'gqpe',
                    'design': 'image'}, out_indices=(0, 1, 2, 3)).eval()
    maps = image(torch.randn(2, 3, 45, 61))
    assert isinstance(maps, tuple) and [tuple(m.shape) for m in maps] == [
        (2, 8, 12, 16), (2, 16, 6, 8), (2, 16, 3, 4), (2, 32, 2, 2)]
    assert hasattr(image, 'norm4') and not hasattr(video, 'norm4')
    # image design: pointwise stem conv, depthwise-grouped downsampling
    assert image.patch_embed1.pointwise and image.patch_embed2.proj.groups == 8
    with pytest.raises(ValueError, match=r'num_frames=5'):
        video(torch.randn(1, 3, 5, 32, 32))
    with pytest.raises(ValueError, match='out_indices'):
        PosMLP(TINY, out_indices=(4, ))
    with pytest.raises(ValueError, match='block_types'):
        PosMLP(TINY, block_types=['parallel'] * 3)


def test_released_s16_settings_and_init():
    model = PosMLP('s16')
    assert sum(p.numel() for p in model.parameters()) == 13_407_987  # + 101,550 head
    blk = model.blocks1[0]
    assert blk.t_fc.gate_unit.pos.relative_position_bias_table.shape == (31, 8)
    assert blk.fc.gate_unit.pos.relative_position_bias_table.shape == (729, 8)
    assert model.blocks4[0].fc.gate_unit.pos.token_bias.shape == (49, )
    model.init_weights()
    tables = [p for n, p in model.named_parameters() if 'bias_table' in n or 'token_bias' in n]
    assert len(tables) == 2 * 2 * 19 and all(not p.any() for p in tables)
    assert abs(blk.fc.fc1.weight.std().item() - 0.02) < 0.002
    assert not blk.fc.fc1.bias.any()
    with pytest.raises(ValueError, match="arch 'x'"):
        PosMLP('x')


def test_with_cp_frozen_stages_and_norm_eval():
    torch.manual_seed(0)
    plain = randomise(PosMLP(TINY, num_frames=4, drop_path_rate=0.))
    cp = PosMLP(TINY, num_frames=4, drop_path_rate=0., with_cp=True)
    cp.load_state_dict(plain.state_dict())
    x = torch.randn(2, 3, 4, 16, 16)
    (plain(x) ** 2).sum().backward()
    (cp(x) ** 2).sum().backward()
    for (n, a), b in zip(plain.named_parameters(), cp.parameters()):
        torch.testing.assert_close(a.grad, b.grad, msg=n)

    frozen = PosMLP(TINY, num_frames=4, frozen_stages=2, norm_eval=True).train()
    for name, p in frozen.named_parameters():
        stage = re.match(r'(patch_embed|blocks)(\d)', name)
        assert p.requires_grad == (int(stage[2]) > 2), name
    assert not frozen.patch_embed1.training and not frozen.blocks2.training
    assert frozen.blocks3.training and not frozen.patch_embed1.norm1.training


def to_official_video(state_dict):
    """Inverse of the converter's renaming (official PySlowFast key layout)."""
    out = OrderedDict()
    for key, value in state_dict.items():
        if key.startswith('cls_head.'):
            key = key.replace('cls_head.norm.', 'norm.').replace('cls_head.fc_cls.', 'head.')
        else:
            key = key[len('backbone.'):]
            key = re.sub(r'\.(t_fc|fc)\.', r'.\1.encoder.', key)
            key = key.replace('pos.relative_position_bias_table',
                              'pos.window_relative_position_bias_table')
            if key.endswith('pos.token_bias'):
                key, value = key.replace('token_bias', 'token_proj_n_bias'), value.view(1, -1, 1)
                L = value.shape[1]
                if '.t_fc.' in key:  # temporal index buffer [T, T, 1]
                    index = relative_position_index((L, 1, 1)).unsqueeze(-1)
                else:
                    side = int(round(L ** 0.5))
                    index = relative_position_index((1, side, side))
                out[key.replace('token_proj_n_bias', 'window_relative_position_index')] = index
        out[key] = value
    return out


def test_video_converter_round_trip(tmp_path):
    from mmaction.registry import MODELS
    from mmengine.registry import init_default_scope
    init_default_scope('mmaction')
    cfg = dict(type='Recognizer3D',
               backbone=dict(type='PosMLP', arch=TINY, num_frames=4),
               cls_head=dict(type='TokenNormHead', num_classes=5, in_channels=32))
    model = randomise(MODELS.build(cfg)).eval()
    official = to_official_video(model.state_dict())
    assert any(k.endswith('t_fc.encoder.gate_unit.pos.window_relative_position_index')
               for k in official)
    path = tmp_path / 'official.pyth'
    torch.save({'model_state': official, 'epoch': 3}, path)
    sys.argv = ['posmlp_official.py', str(path), str(tmp_path / 'converted.pth')]
    runpy.run_path('tools/model_converters/posmlp_official.py', run_name='__main__')
    converted = torch.load(tmp_path / 'converted.pth', weights_only=False)
    assert converted['meta']['kind'] == 'video'
    fresh = MODELS.build(cfg).eval()
    fresh.load_state_dict(converted['state_dict'], strict=True)
    x = torch.randn(1, 3, 4, 16, 16)
    with torch.no_grad():
        assert torch.equal(fresh.cls_head(fresh.backbone(x)), model.cls_head(model.backbone(x)))
    # a checkpoint whose index buffers follow another formula is refused
    key = next(k for k in official if k.endswith('fc.encoder.gate_unit.pos.'
                                                  'window_relative_position_index'))
    official[key] = official[key].flip(0)
    with pytest.raises(ValueError, match='index does not match'):
        convert_posmlp_official({'model_state': official})


def test_image_converter_maps_timm_layout(tmp_path):
    arch = {**TINY, 'block_types': 'spatial', 'pos_type': 'gqpe', 'design': 'image',
            'mlp_ratios': [4, 4, 4, 2]}
    model = randomise(PosMLP(arch)).eval()
    ours = model.state_dict()
    official = OrderedDict()
    rules = [(r'^patch_embed1\.proj(\d)\.', lambda m: f'patch_embed.projs.{int(m[1]) - 1}.'),
             (r'^patch_embed1\.norm(\d)\.', lambda m: f'patch_embed.norms.{int(m[1]) - 1}.'),
             (r'^patch_embed(\d)\.proj\.', lambda m: f'levels.{int(m[1]) - 1}.pool.conv.'),
             (r'^patch_embed(\d)\.norm\.', lambda m: f'levels.{int(m[1]) - 1}.pool.norm.'),
             (r'^blocks(\d)\.(\d+)\.fc\.', lambda m: f'levels.{int(m[1]) - 1}.encoder.{m[2]}.'),
             (r'^norm4\.', lambda m: 'norm.')]
    for key, value in ours.items():
        new = key
        for pattern, repl in rules:
            new, hits = re.subn(pattern, repl, new)
            if hits:
                break
        new = new.replace('.fc1.', '.proj_c_e.').replace('.fc2.', '.proj_c_s.')
        if new.endswith('token_bias'):
            new, value = new.replace('token_bias', 'token_proj_n_bias'), value.view(1, -1, 1)
            official[new.replace('token_proj_n_bias', 'rel_indices')] = torch.zeros(1)
        if value.dim() == 5:
            value = value.squeeze(2)
        official[new] = value
    official['head.weight'], official['head.bias'] = torch.randn(7, 32), torch.randn(7)
    path = tmp_path / 'PosMLP_T.pth'
    torch.save({'state_dict_ema': official, 'epoch': 300}, path)
    converted, kind = convert_file(str(path), str(tmp_path / 'out.pth'))
    assert kind == 'image' and torch.equal(converted['head.fc.weight'], official['head.weight'])
    backbone = {k[len('backbone.'):]: v for k, v in converted.items()
                if k.startswith('backbone.')}
    assert set(backbone) == set(ours)
    for key, value in ours.items():
        assert torch.equal(backbone[key], value), key


CONFIGS = [('posmlp/posmlp-video-s_in1k-pre_4xb8-u16-60e_sthv1-rgb.py', 'mmaction', 13_509_537),
           ('posmlp/posmlp-video-s_in1k-pre_8xb8-u16-60e_sthv2-rgb.py', 'mmaction', 13_509_537),
           ('posmlp/posmlp-video-s_in1k-pre_8xb8-16x4x1-60e_kinetics400-rgb.py', 'mmaction',
            13_639_939),
           ('posmlp/posmlp-video-s-sequential_in1k-pre_4xb8-u16-60e_sthv1-rgb.py', 'mmaction',
            13_509_537),
           ('posmlp/posmlp-video-s-joint_in1k-pre_4xb8-u16-60e_sthv1-rgb.py', 'mmaction',
            8_310_938),
           ('posmlp_synthetic.py', 'mmaction', None),
           ('posmlp/posmlp-t_8xb128_in1k.py', 'mmpretrain', 20_925_538),
           ('posmlp/posmlp-s_8xb60_in1k.py', 'mmpretrain', 36_816_450),
           ('posmlp/posmlp-t_in1k-pre_upernet_8xb2-160k_ade20k-512x512.py', 'mmseg', None)]


@pytest.mark.parametrize('name, scope, params', CONFIGS)
def test_configs_build(repo_root, name, scope, params):
    from mmengine.config import Config
    from mmvideomlp.utils.complexity import build_model_from_cfg
    cfg = Config.fromfile(f'{repo_root}/configs/{name}')
    assert cfg.custom_imports['imports'] == ['mmvideomlp']
    assert cfg.get('default_scope', scope) == scope
    model = build_model_from_cfg(cfg)
    assert type(model.backbone).__name__ == 'PosMLP'
    if params is not None:
        assert sum(p.numel() for p in model.parameters()) == params


def test_official_video_checkpoint_loads_as_pretrained(tmp_path):
    source = randomise(PosMLP(TINY, num_frames=4)).eval()
    official = to_official_video({'backbone.' + k: v for k, v in source.state_dict().items()})
    path = tmp_path / 'checkpoint_epoch_00060.pyth'
    torch.save({'model_state': official, 'epoch': 60}, path)
    model = PosMLP(TINY, num_frames=4, pretrained=str(path))
    model.init_weights()
    assert model.load_report.complete
    for key, value in source.state_dict().items():
        assert torch.equal(model.state_dict()[key], value), key


SPATIAL = {**TINY, 'block_types': 'spatial', 'pos_type': 'gqpe', 'design': 'image'}


def test_frame_counts_are_checked():
    for bad in (None, 0, -2, 1.5, '16', True):
        with pytest.raises(ValueError, match=rf'num_frames must be a positive int .*got '
                                             rf'{re.escape(repr(bad))}'):
            PosMLP(TINY, num_frames=bad)
    assert PosMLP(SPATIAL, num_frames=None).num_frames is None  # no block mixes time
    with pytest.raises(ValueError, match=r'temporal_windows of the joint stage 1 .*got 0'):
        PosMLP({**TINY, 'block_types': 'joint'}, num_frames=4, temporal_windows=0)
    video = PosMLP(TINY, num_frames=4).eval()
    with pytest.raises(ValueError, match=r'built for num_frames=4 .*clip of 6 frames; build '
                                         r'it with num_frames=6'):
        video(torch.randn(1, 3, 6, 16, 16))
    with pytest.raises(TypeError, match='num_frames was renamed max_frames'):
        PosMLPBlock(8, 'parallel', window_size=2, groups=2, num_frames=4)


def test_image_arch_refuses_videos():
    with pytest.raises(ValueError, match=r"arch 't' has only spatial blocks .*'spatial'.*"
                                         r"refuses the video of shape \(1, 3, 4, 64, 64\).*"
                                         r"arch 's16'.*'parallel', 'sequential' or 'joint'"):
        PosMLP('t', num_frames=None).eval()(torch.randn(1, 3, 4, 64, 64))
    from mmaction.registry import MODELS
    from mmengine.registry import init_default_scope
    init_default_scope('mmaction')
    cfg = dict(type='Recognizer3D', backbone=dict(type='PosMLP', arch=SPATIAL),
               cls_head=dict(type='TokenNormHead', num_classes=5, in_channels=32))
    recognizer = MODELS.build(cfg).eval()
    with pytest.raises(ValueError, match="arch 'custom' has only spatial blocks"):
        recognizer(torch.randn(1, 1, 3, 4, 32, 32), mode='tensor')
    # frames of a 2-D recognizer are images
    assert PosMLP(SPATIAL).eval()(torch.randn(4, 3, 32, 32))[0].shape == (4, 32, 1, 1)


def test_bad_widths_and_channels_are_named():
    with pytest.raises(ValueError, match=r'stage 2: embed_dims x mlp_ratios = 16 x 2 = 32 .*'
                                         r'\(16, the gated channels\) divisible by groups=3'):
        PosMLP({**TINY, 'groups': [2, 3, 4, 8]}, num_frames=4)
    with pytest.raises(TypeError, match=r"mlp_ratios must be positive numbers, got '2'"):
        PosMLP({**TINY, 'mlp_ratios': '2'}, num_frames=4)
    with pytest.raises(ValueError, match=r'depths must be a list of positive ints'):
        PosMLP({**TINY, 'depths': [1, 0, 1, 1]}, num_frames=4)
    with pytest.raises(ValueError, match=r'input has 1 channels .*in_channels=3'):
        PosMLP(TINY, num_frames=4)(torch.randn(1, 1, 4, 16, 16))


def test_default_drop_path_is_zero_and_configs_keep_theirs(repo_root):
    from mmengine.config import Config
    assert PosMLP(TINY, num_frames=4).drop_path_rates(0., 3) == [0., 0., 0.]
    assert not any(type(m).__name__ == 'DropPath' for m in PosMLP('s16').modules())
    for name, rate in [('posmlp/posmlp-video-s_in1k-pre_4xb8-u16-60e_sthv1-rgb.py', .1),
                       ('posmlp/posmlp-video-s-sequential_in1k-pre_4xb8-u16-60e_sthv1-rgb.py', .1),
                       ('posmlp/posmlp-video-s-joint_in1k-pre_4xb8-u16-60e_sthv1-rgb.py', .1),
                       ('posmlp/posmlp-video-s_in1k-pre_8xb8-u16-60e_sthv2-rgb.py', .3),
                       ('posmlp/posmlp-video-s_in1k-pre_8xb8-16x4x1-60e_kinetics400-rgb.py', .1),
                       ('posmlp/posmlp-t_8xb128_in1k.py', .1),
                       ('posmlp/posmlp-s_8xb60_in1k.py', .1),
                       ('posmlp/posmlp-t_in1k-pre_upernet_8xb2-160k_ade20k-512x512.py', .3)]:
        cfg = Config.fromfile(f'{repo_root}/configs/{name}')
        assert cfg.model.backbone.drop_path_rate == rate, name
