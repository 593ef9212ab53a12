"""Official MorphMLP checkpoints: conversion round trip, validation errors, loading."""
import sys

import pytest
import torch
from mmengine.registry import init_default_scope

from mmvideomlp.converters.morphmlp import expected_official_shapes, to_official
from mmvideomlp.models.backbones.morphmlp import MorphMLP
from mmvideomlp.models.backbones.morphmlp import \
    convert_official_checkpoint as convert_official

sys.path.insert(0, 'tools/model_converters')

# official chunk lengths and MLP ratio, narrow and shallow; widths divisible by 8
ARCH = dict(embed_dims=[56, 112, 112, 392], depths=[1, 2, 1, 1],
            chunk_lengths=[14, 28, 28, 49], mlp_ratio=3)


def _recognizer(num_frames, arch=ARCH, num_classes=5, **backbone):
    from mmaction.registry import MODELS
    init_default_scope('mmaction')
    model = MODELS.build(dict(
        type='Recognizer3D',
        backbone=dict(type='MorphMLP', arch=arch, num_frames=num_frames, **backbone),
        cls_head=dict(type='TokenNormHead', num_classes=num_classes,
                      in_channels=arch['embed_dims'][-1])))
    model.init_weights()
    with torch.no_grad():
        for p in model.parameters():
            p.normal_(0, 0.05)  # MorphFC_t included
    return model.eval()


@pytest.mark.parametrize('frames, groups', [(16, [8, 8, 8, 8]), (32, [14, 16, 16, 14])])
def test_round_trip_through_the_command_line_tool(tmp_path, frames, groups):
    import morphmlp_official
    model = _recognizer(frames)
    official = to_official(model.state_dict())
    assert 'head.weight' in official and 'norm.weight' in official
    src, dst = tmp_path / 'official.pth', tmp_path / 'converted.pth'
    torch.save({'epoch': 60, 'model_state': official, 'optimizer_state': {}}, src)
    morphmlp_official.main([str(src), str(dst)])

    converted = torch.load(dst, weights_only=False)
    meta = converted['meta']
    assert meta['num_frames'] == frames and meta['arch']['temporal_groups'] == groups
    assert meta['arch']['depths'] == ARCH['depths'] and meta['num_classes'] == 5
    rebuilt = _recognizer(meta['num_frames'], meta['arch'])
    rebuilt.load_state_dict(converted['state_dict'], strict=True)
    x = torch.randn(1, 3, frames, 56, 56)
    with torch.no_grad():
        torch.testing.assert_close(rebuilt.cls_head(rebuilt.backbone(x)),
                                   model.cls_head(model.backbone(x)))


def test_official_zoo_names_and_32_frame_detection():
    shapes = expected_official_shapes([112, 224, 392, 784], [3, 4, 9, 3], 400,
                                      [112, 224, 448, 784])
    assert len(shapes) == 518  # the official S key count
    state = {k: torch.zeros(()).expand(v) for k, v in shapes.items()}
    meta = convert_official(state, expected_arch='s32')['meta']
    assert meta['arch_name'] == 's32' and meta['num_frames'] == 32
    assert meta['arch']['temporal_groups'] == [16, 16, 14, 16]


def _official_state(depths=(3, 4, 9, 3), classes=10):
    shapes = expected_official_shapes([112, 224, 392, 784], list(depths), classes,
                                      [112, 224, 392, 784])
    return {k: torch.zeros(()).expand(v) for k, v in shapes.items()}


def test_validation_errors(tmp_path, capsys):
    import morphmlp_official
    # the once-released "S" file had B depths
    with pytest.raises(ValueError, match=r'not MorphMLP-s16: depths \[4, 6, 15, 4\] \(expected '
                       r'\[3, 4, 9, 3\]; these are B depths\)'):
        convert_official(_official_state((4, 6, 15, 4)), expected_arch='s16')
    with pytest.raises(ValueError, match=r'not MorphMLP-s32: 16 frames \(expected 32\)'):
        convert_official(_official_state(), expected_arch='s32')
    state = _official_state()
    del state['blocks3.5.fc.mlp_w.weight']
    with pytest.raises(ValueError, match=r"missing: \['blocks3.5.fc.mlp_w.weight'\]"):
        convert_official(state)
    state = _official_state()
    state['blocks2.1.mlp.fc1.weight'] = torch.zeros(10, 224)
    with pytest.raises(ValueError, match=r'wrong shapes: \[.blocks2.1.mlp.fc1.weight: \(10, 224\) '
                       r'\(expected \(672, 224\)\)'):
        convert_official(state)
    state = _official_state()
    state['blocks1.0.t_fc.mlp_t.weight'] = torch.zeros(100, 100)
    with pytest.raises(ValueError, match='stage 1: t_fc.mlp_t is 100 wide at 112 channels'):
        convert_official(state)
    with pytest.raises(KeyError, match='not an official MorphMLP video checkpoint'):
        convert_official({'state_dict': {'backbone.x': torch.zeros(1)}})
    src = tmp_path / 'b.pth'
    torch.save(_official_state((4, 6, 15, 4)), src)
    with pytest.raises(SystemExit, match='these are B depths'):
        morphmlp_official.main([str(src), str(tmp_path / 'out.pth'), '--arch', 's'])


def test_loading_into_a_network_of_another_frame_count_raises(tmp_path):
    model = _recognizer(16)
    path = tmp_path / 'video.pth'
    torch.save({'state_dict': model.state_dict()}, path)
    with pytest.raises(ValueError, match=r'blocks1.0.t_fc.mlp_t.weight: checkpoint \(56, 56\)'
                       r', model \(64, 64\)'):
        MorphMLP(ARCH, num_frames=32).load_checkpoint(str(path))
    # the same frame count loads every backbone tensor; head keys are left out by the prefix
    report = MorphMLP(ARCH, num_frames=16).load_checkpoint(str(path))
    assert not report.missing and not report.unexpected and report.complete


@pytest.mark.parametrize('ratios, bias', [([3, 3, 3, 2], True), (4, False)])
def test_per_stage_mlp_ratios_and_bias_free_mixers_convert(tmp_path, capsys, ratios, bias):
    """Official MLP_RATIOS per stage and QKV_BIAS=False are read from the shapes."""
    import morphmlp_official
    arch = dict(ARCH, mlp_ratio=ratios)
    model = _recognizer(16, arch, mixing_bias=bias)
    official = to_official(model.state_dict())
    last = ratios[3] if isinstance(ratios, list) else ratios
    assert official['blocks4.0.mlp.fc1.weight'].shape == (392 * last, 392)
    assert ('blocks1.0.fc.mlp_h.bias' in official) == bias
    assert ('blocks1.0.t_fc.mlp_t.bias' in official) == bias
    src, dst = tmp_path / 'official.pth', tmp_path / 'converted.pth'
    torch.save({'model_state': official}, src)
    morphmlp_official.main([str(src), str(dst)])
    printed = capsys.readouterr().out
    assert f'MLP ratio {ratios}' in printed
    assert ('mixing_bias=False' in printed) == (not bias)

    meta = torch.load(dst, weights_only=False)['meta']
    assert meta['arch']['mlp_ratio'] == ratios and meta['mixing_bias'] == bias
    assert meta['arch_name'] is None
    rebuilt = _recognizer(meta['num_frames'], meta['arch'], mixing_bias=meta['mixing_bias'])
    rebuilt.load_state_dict(torch.load(dst, weights_only=False)['state_dict'], strict=True)
    x = torch.randn(1, 3, 16, 56, 56)
    with torch.no_grad():
        torch.testing.assert_close(rebuilt.cls_head(rebuilt.backbone(x)),
                                   model.cls_head(model.backbone(x)))


def test_chunk_lengths_are_an_option_and_checked(tmp_path):
    import morphmlp_official
    arch = dict(ARCH, chunk_lengths=[7, 14, 14, 49])
    src, dst = tmp_path / 'official.pth', tmp_path / 'converted.pth'
    torch.save(to_official(_recognizer(16, arch).state_dict()), src)
    morphmlp_official.main([str(src), str(dst), '--chunk-lengths', '7', '14', '14', '49'])
    assert torch.load(dst, weights_only=False)['meta']['arch']['chunk_lengths'] == [7, 14, 14, 49]
    with pytest.raises(SystemExit, match=r'stage 2: chunk length 5 does not divide the width 112'):
        morphmlp_official.main([str(src), str(dst), '--chunk-lengths', '7', '5', '14', '49'])


def test_a_file_that_is_no_checkpoint_is_a_one_line_error(tmp_path):
    import morphmlp_official
    text = tmp_path / 'notes.txt'
    text.write_text('not a checkpoint\n' * 3)
    with pytest.raises(SystemExit) as error:
        morphmlp_official.main([str(text), str(tmp_path / 'out.pth')])
    message = str(error.value.code)
    assert message.startswith('error: ') and 'notes.txt is not a PyTorch checkpoint' in message
    assert '\n' not in message
    with pytest.raises(SystemExit, match='checkpoint not found'):
        morphmlp_official.main([str(tmp_path / 'missing.pth'), str(tmp_path / 'out.pth')])


def test_official_checkpoints_load_through_pretrained(tmp_path):
    """``pretrained=`` takes an official file: converted, head and final norm left out."""
    model = _recognizer(16)
    path = tmp_path / 'official.pth'
    torch.save({'model_state': to_official(model.state_dict())}, path)
    backbone = MorphMLP(ARCH, num_frames=16, pretrained=str(path))
    backbone.init_weights()
    assert backbone.load_report.complete and not backbone.load_report.resized
    for key, value in backbone.state_dict().items():
        torch.testing.assert_close(value, model.backbone.state_dict()[key], msg=key)
