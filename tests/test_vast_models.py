"""AST / VAST served to mmpretrain, mmseg and mmaction2 from the configs; costs; image →
video checkpoint loading."""
import copy
import os.path as osp

import pytest
import torch
from mmengine.config import Config
from mmengine.registry import DefaultScope
from mmengine.runner import load_checkpoint

from mmvideomlp.utils.complexity import build_model_from_cfg, model_complexity

TINY = dict(embed_dims=16, depths=(1, 1, 1, 1), mlp_ratio=2.)
TINY_DIMS = [16, 32, 64, 128]
_PARSED = {}


def load_cfg(repo_root, name, options=None):
    """A config with ``options`` (dotted keys) replacing, not merging into, its values."""
    if name not in _PARSED:
        _PARSED[name] = Config.fromfile(osp.join(repo_root, 'configs', name))
    cfg = copy.deepcopy(_PARSED[name])
    for key, value in (options or {}).items():
        *parents, last = key.split('.')
        node = cfg
        for parent in parents:
            node = node[parent]
        node[last] = value
    return cfg


def build(cfg, with_preprocessor=False, device=None):
    if with_preprocessor and cfg.get('data_preprocessor') is not None:
        cfg.model.setdefault('data_preprocessor', cfg.data_preprocessor)
    with DefaultScope.overwrite_default_scope(cfg.default_scope), torch.device(device or 'cpu'):
        model = build_model_from_cfg(cfg)
    return model


@pytest.mark.parametrize('name, params', [('vast/ast-t_16xb64_in1k.py', 28.3e6),
                                          ('vast/ast-s_16xb64_in1k.py', 49.6e6),
                                          ('vast/ast-b_16xb64_in1k.py', 87.7e6)])
def test_ast_parameters_match_the_analytic_figures(repo_root, name, params):
    model = build(load_cfg(repo_root, name), device='meta')  # shapes only
    count = sum(p.numel() for p in model.parameters())
    assert abs(count / params - 1) < 0.01, count


def test_ast_t_flops_match_the_analytic_figure(repo_root):
    """Every backbone operation is per token, so the count at 64x64 (16x16 tokens, halved
    exactly at every stage) times (224/64)^2 is the count at 224x224; the classifier adds
    768 x 1000 and the pooling 768 x 49 (``get_flops.py --shape 3 224 224`` gives the same)."""
    model = build(load_cfg(repo_root, 'vast/ast-t_16xb64_in1k.py'),
                  device='meta').to_empty(device='cpu')
    result = model_complexity(model, (3, 64, 64))  # counts do not depend on the weights
    flops = result['flops_by_module']['backbone'] * (224 / 64)**2 + 768 * 1000 + 768 * 49
    assert abs(flops / 4.35e9 - 1) < 0.01, flops


def test_ast_image_classifier(repo_root):
    from mmpretrain.structures import DataSample
    cfg = load_cfg(repo_root, 'vast/ast-t_16xb64_in1k.py',
                   {'model.backbone.arch': TINY, 'model.head.in_channels': TINY_DIMS[-1]})
    model = build(cfg, with_preprocessor=True).train()
    data = dict(inputs=[torch.randint(0, 256, (3, 45, 61), dtype=torch.uint8)] * 2,
                data_samples=[DataSample().set_gt_label(i) for i in (3, 7)])
    data = model.data_preprocessor(data, True)
    losses = model(**data, mode='loss')
    losses['loss'].backward()
    assert torch.isfinite(losses['loss'])
    feats = model.backbone(data['inputs'])
    assert isinstance(feats, tuple) and feats[0].shape == (2, 128, 2, 2)
    model.eval()
    with torch.no_grad():
        preds = model(**model.data_preprocessor(data_for_predict(), False), mode='predict')
    assert preds[0].pred_score.shape == (1000, )


def data_for_predict():
    from mmpretrain.structures import DataSample
    return dict(inputs=[torch.randint(0, 256, (3, 33, 40), dtype=torch.uint8)],
                data_samples=[DataSample()])


def test_upernet_ast_dense_outputs_at_any_size(repo_root):
    from mmengine.structures import PixelData
    from mmseg.structures import SegDataSample
    cfg = load_cfg(repo_root, 'vast/ast-t_in1k-pre_upernet_8xb2-160k_ade20k-512x512.py',
                   {
        'model.backbone.arch': TINY,
        'model.backbone.init_cfg': None,
        'model.decode_head.in_channels': TINY_DIMS,
        'model.decode_head.channels': 16,
        'model.decode_head.norm_cfg': dict(type='BN', requires_grad=True),
        'model.auxiliary_head.in_channels': TINY_DIMS[2],
        'model.auxiliary_head.channels': 8,
        'model.auxiliary_head.norm_cfg': dict(type='BN', requires_grad=True),
    })
    assert cfg.model.backbone.out_indices == (0, 1, 2, 3)
    model = build(cfg).train()
    x = torch.randn(2, 3, 67, 83)
    feats = model.extract_feat(x)
    assert [tuple(f.shape) for f in feats] == [(2, 16, 17, 21), (2, 32, 9, 11), (2, 64, 5, 6),
                                               (2, 128, 3, 3)]
    samples = []
    for _ in range(2):
        sample = SegDataSample(metainfo=dict(img_shape=(67, 83), pad_shape=(67, 83)))
        sample.gt_sem_seg = PixelData(data=torch.randint(0, 150, (1, 67, 83)))
        samples.append(sample)
    losses = model.loss(x, samples)
    total = sum(v for k, v in losses.items() if 'loss' in k)
    total.backward()
    assert torch.isfinite(total)
    model.eval()
    with torch.no_grad():
        logits = model.encode_decode(x, [s.metainfo for s in samples])
    assert logits.shape == (2, 150, 67, 83)


@pytest.mark.parametrize('name', ['vast/vast-t_in1k-pre_8xb8-8x8x1-30e_kinetics400-rgb.py',
                                  'vast/vast-t_in1k-pre_8xb8-u8-35e_sthv2-rgb.py',
                                  'vast_synthetic.py'])
def test_vast_recognizer_from_every_video_config(repo_root, name):
    from mmaction.structures import ActionDataSample
    cfg = load_cfg(repo_root, name, {'model.backbone.arch': TINY,
                                     'model.backbone.out_indices': (-1, ),
                                     'model.cls_head.in_channels': TINY_DIMS[-1]})
    num_classes = cfg.model.cls_head.num_classes
    assert cfg.model.backbone.type == 'VAST' and cfg.model.cls_head.type == 'TokenNormHead'
    model = build(cfg).train()
    clips = [torch.randint(0, 256, (1, 3, 5, 38, 45), dtype=torch.uint8) for _ in range(2)]
    data = dict(inputs=clips, data_samples=[ActionDataSample().set_gt_label(1) for _ in clips])
    data = model.data_preprocessor(data, True)
    losses = model(**data, mode='loss')
    losses['loss_cls'].backward()
    assert torch.isfinite(losses['loss_cls'])
    assert model.backbone(data['inputs'].flatten(0, 1)).shape == (2, 128, 5, 2, 2)
    model.eval()
    with torch.no_grad():
        preds = model(**model.data_preprocessor(data_like(clips), False), mode='predict')
    assert preds[0].pred_score.shape == (num_classes, )


def data_like(clips):
    from mmaction.structures import ActionDataSample
    return dict(inputs=clips, data_samples=[ActionDataSample() for _ in clips])


def test_video_configs_follow_the_recipes(repo_root):
    k400 = load_cfg(repo_root, 'vast/vast-t_in1k-pre_8xb8-8x8x1-30e_kinetics400-rgb.py')
    ssv2 = load_cfg(repo_root, 'vast/vast-s_in1k-pre_8xb8-u8-35e_sthv2-rgb.py')
    small = load_cfg(repo_root, 'vast/vast-s_in1k-pre_8xb8-8x8x1-30e_kinetics400-rgb.py')
    assert small.model.backbone.arch == 'small' and small.model.backbone.pretrained.endswith('ast_s_in1k.pth')
    assert k400.model.backbone.temporal_shift_ratio == 1 / 8
    assert ssv2.model.backbone.temporal_shift_ratio == 1 / 4
    assert ssv2.model.backbone.arch == 'small' and ssv2.model.backbone.pretrained.endswith('ast_s_in1k.pth')
    assert k400.model.backbone.pretrained.endswith('ast_t_in1k.pth')
    assert k400.model.cls_head.dropout_ratio == 0.5 and k400.model.cls_head.norm_cfg is None
    assert not any(step['type'] == 'Flip' for step in ssv2.train_pipeline)
    assert (k400.optim_wrapper.optimizer.type, k400.optim_wrapper.optimizer.lr) == ('SGD', 0.03)
    assert (k400.train_cfg.max_epochs, ssv2.train_cfg.max_epochs) == (30, 35)
    no_shift = load_cfg(repo_root, 'vast_synthetic_no_tshift.py')
    assert no_shift.model.backbone.temporal_shift_ratio == 0
    seg = load_cfg(repo_root, 'vast/ast-s_in1k-pre_upernet_8xb2-160k_ade20k-512x512.py')
    assert seg.model.backbone.arch == 'small' and seg.model.backbone.out_indices == (0, 1, 2, 3)
    assert seg.model.backbone.init_cfg.checkpoint.endswith('ast_s_in1k.pth')
    assert seg.model.decode_head.in_channels == [96, 192, 384, 768]


def ast_checkpoint(repo_root, tmp_path, arch):
    """An mmpretrain AST classifier with initialised weights, saved as a checkpoint."""
    cfg = load_cfg(repo_root, 'vast/ast-t_16xb64_in1k.py',
                   {'model.backbone.arch': arch, 'model.head.in_channels': arch['embed_dims'] * 8})
    ast = build(cfg)
    ast.init_weights()
    with torch.no_grad():  # make the affine generators non-trivial, as after training
        for name, p in ast.named_parameters():
            if '.affine.' in name:
                p.normal_(0, 0.05)
    path = str(tmp_path / 'ast.pth')
    torch.save(dict(state_dict=ast.state_dict(), meta=dict()), path)
    return ast.eval(), path


def vast_recognizer(repo_root, **backbone):
    options = {'model.backbone.arch': TINY, 'model.cls_head.in_channels': TINY_DIMS[-1]}
    options.update({f'model.backbone.{k}': v for k, v in backbone.items()})
    return build(load_cfg(
        repo_root, 'vast/vast-t_in1k-pre_8xb8-8x8x1-30e_kinetics400-rgb.py', options))


def test_image_checkpoint_loads_into_vast(repo_root, tmp_path):
    ast, path = ast_checkpoint(repo_root, tmp_path, TINY)
    vast = vast_recognizer(repo_root, temporal_shift_ratio=0.)
    # what init_cfg=dict(type='Pretrained', checkpoint=path) does
    report = vast.backbone.load_checkpoint(path)
    assert len(report.loaded) == report.total == len(ast.backbone.state_dict())
    assert report.complete
    video_state = vast.backbone.state_dict()
    for key, value in ast.backbone.state_dict().items():
        assert torch.equal(video_state[key], value), key
    # without temporal shift VAST is exactly the image model applied to every frame
    clip = torch.randn(2, 3, 4, 29, 35)
    with torch.no_grad():
        per_frame = ast.backbone(clip.transpose(1, 2).flatten(0, 1))[-1]
        video = vast.eval().backbone(clip)
    torch.testing.assert_close(video.transpose(1, 2).flatten(0, 1), per_frame)

    # with the temporal shift the same weights load, and frames now interact
    shifted = vast_recognizer(repo_root, temporal_shift_ratio=1 / 8)
    assert len(shifted.backbone.load_checkpoint(path).loaded) == report.total
    with torch.no_grad():
        out = shifted.eval().backbone(clip)
    assert not torch.allclose(out, video, atol=1e-4)


def test_mismatched_checkpoint_is_reported(repo_root, tmp_path):
    _, path = ast_checkpoint(repo_root, tmp_path, dict(TINY, embed_dims=24))
    vast = vast_recognizer(repo_root)
    before = {k: v.clone() for k, v in vast.backbone.state_dict().items()}
    with pytest.raises(ValueError, match=r'(?s)nothing was loaded.*patch_embed\.proj\.weight: '
                       r'checkpoint \(24, 3, 1, 4, 4\), model \(16, 3, 1, 4, 4\)'):
        vast.backbone.load_checkpoint(path)
    for key, value in vast.backbone.state_dict().items():
        assert torch.equal(value, before[key]), key
    with pytest.raises(RuntimeError, match='size mismatch'):
        load_checkpoint(vast, path, map_location='cpu', strict=True)


@pytest.mark.parametrize('size', [(56, 56), (50, 61)])
def test_overlapping_patch_embedding_keeps_the_token_grid(size):
    from mmvideomlp.models.backbones.vast import VAST
    arch = dict(embed_dims=16, depths=(1, 1), mlp_ratio=2.)
    x = torch.randn(1, 3, 4, *size)
    plain = VAST(arch, patch_temporal_size=3)
    overlapping = VAST(arch, patch_kernel_size=7, patch_temporal_size=3)
    assert tuple(overlapping.patch_embed.proj.weight.shape[2:]) == (3, 7, 7)
    assert overlapping(x).shape == plain(x).shape == (1, 32, 4, -(-size[0] // 8),
                                                       -(-size[1] // 8))
    with pytest.raises(RuntimeError, match='size mismatch|shape'):
        overlapping.load_state_dict(plain.state_dict())
