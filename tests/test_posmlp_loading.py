"""PosMLP weights of another frame count: resized by the shared loader (and reported) and
by plain ``load_state_dict`` (a whole recognizer loaded by mmengine), identically."""
import torch
from mmaction.registry import MODELS
from mmengine.registry import init_default_scope
from mmengine.runner.checkpoint import load_checkpoint

from mmvideomlp.models.backbones.posmlp import PosMLP
from mmvideomlp.weights.adapt import (pick_window, resize_relative_position_table,
                                      resize_token_bias, window_candidates)

TINY = dict(embed_dims=[8, 16, 16, 32], depths=[1, 2, 1, 1], window_sizes=[3, 3, 2, 1],
            groups=[2, 4, 4, 8])


def trained(num_frames=4):
    model = PosMLP(TINY, num_frames=num_frames)
    gen = torch.Generator().manual_seed(0)
    with torch.no_grad():
        for param in model.parameters():
            param.add_(torch.randn(param.shape, generator=gen) * 0.2)
    return model.state_dict()


def test_pretrained_of_another_frame_count_is_resized_and_reported(tmp_path):
    source = trained(num_frames=4)
    path = tmp_path / 'recognizer.pth'
    torch.save(dict(state_dict={'backbone.' + k: v for k, v in source.items()}), path)
    model = PosMLP(TINY, num_frames=8, pretrained=str(path))
    model.init_weights()
    report = model.load_report
    temporal = sorted(k for k in source if '.t_fc.gate_unit.pos.' in k)
    assert len(temporal) == 10  # table and token bias of the 5 blocks
    assert sorted(k for k, *_ in report.resized) == temporal
    assert report.complete and len(report.loaded) + len(temporal) == report.total
    for key, src_shape, dst_shape, how in report.resized:
        assert 'window (4, 1, 1) resized to (8, 1, 1)' in how
        resize = resize_token_bias if key.endswith('token_bias') else \
            resize_relative_position_table
        torch.testing.assert_close(model.state_dict()[key],
                                   resize(source[key], (4, 1, 1), (8, 1, 1)))
    assert report.resized[0][1:3] in [((7, 2), (15, 2)), ((4, ), (8, ))]
    assert '(10): ' in report.format() and 'resized' in report.format()
    # plain load_state_dict resizes the same way
    plain = PosMLP(TINY, num_frames=8)
    plain.load_state_dict(source, strict=True)
    for key, value in model.state_dict().items():
        assert torch.equal(plain.state_dict()[key], value), key


def test_recognizer_checkpoint_of_another_frame_count_loads_through_mmengine(tmp_path):
    init_default_scope('mmaction')

    def recognizer(frames):
        return MODELS.build(dict(
            type='Recognizer3D', backbone=dict(type='PosMLP', arch=TINY, num_frames=frames),
            cls_head=dict(type='TokenNormHead', num_classes=5, in_channels=32))).eval()

    source = recognizer(4)
    source.backbone.load_state_dict(trained(num_frames=4))
    path = tmp_path / 'epoch_1.pth'
    torch.save(dict(state_dict=source.state_dict(), meta=dict(epoch=1)), path)
    target = recognizer(8)
    load_checkpoint(target, str(path), map_location='cpu', strict=True)
    table = 'blocks2.1.t_fc.gate_unit.pos.relative_position_bias_table'
    ours, theirs = target.backbone.state_dict(), source.backbone.state_dict()
    torch.testing.assert_close(ours[table], resize_relative_position_table(
        theirs[table], (4, 1, 1), (8, 1, 1)))
    assert torch.equal(ours[table][7], theirs[table][3])  # offset 0 stays in the centre
    assert torch.equal(target.cls_head.fc_cls.weight, source.cls_head.fc_cls.weight)
    with torch.no_grad():
        x = torch.randn(1, 3, 8, 16, 16)  # the 8 frames the model is built for
        assert target.cls_head(target.backbone(x)).shape == (1, 5)


def test_source_window_of_a_table_alone():
    # a joint (t, 7, 7) table of 15 x 13 x 13 rows: 8 frames of 7 x 7, or 1268 frames of 1 x 1;
    # the window keeping the model's spatial window wins
    rows = 15 * 13 * 13
    assert window_candidates((4, 7, 7), table_rows=rows) == [(8, 7, 7), (1268, 1, 1)]
    assert pick_window((4, 7, 7), table_rows=rows) == (8, 7, 7)
    assert pick_window((4, 7, 7), num_tokens=8 * 49, table_rows=rows) == (8, 7, 7)
    assert pick_window((16, 1, 1), table_rows=63) == (32, 1, 1)
    assert pick_window((1, 3, 3), table_rows=14) is None  # no window has 14 offsets
