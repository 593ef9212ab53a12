"""MorphMLP in mmaction2, mmpretrain and mmseg: model builds, heads, and real tool runs."""
import glob
import os.path as osp

import cv2
import numpy as np
import pytest
import torch
from mmengine.config import Config
from tool_runner import run_tool, training_log, video_data_options

from mmvideomlp.utils.complexity import build_model_from_cfg

TINY = dict(embed_dims=[16, 32, 32, 64], depths=[1, 1, 1, 1], chunk_lengths=[4, 4, 4, 4],
            mlp_ratio=2)


def _build(config, **overrides):
    cfg = Config.fromfile(config)
    cfg.model.backbone.arch = overrides.pop('model.backbone.arch')  # str in the config
    cfg.merge_from_dict(overrides)
    model = build_model_from_cfg(cfg)
    model.init_weights()
    return model.eval()


def test_every_config_builds_in_its_codebase(repo_root):
    """Each config's model under its own default scope (no weights initialised)."""
    expected = {'Recognizer3D': 'mmaction', 'ImageClassifier': 'mmpretrain',
                'EncoderDecoder': 'mmseg'}
    configs = sorted(glob.glob(osp.join(repo_root, 'configs', 'morphmlp', '*.py'))
                     + glob.glob(osp.join(repo_root, 'configs', '*morphmlp*.py')))
    assert len(configs) >= 20
    names = ['morphmlp_b_ssv2', 'morphmlp-s_in1k-pre_8xb8-32x4x1-60e_kinetics400-rgb',
             'morphmlp-b_in1k-pre_8xb8-u16-60e_sthv1-rgb', 'morphmlp-l_8xb128_in1k',
             'morphmlp-s_in1k-pre_upernet_8xb2-160k_ade20k-512x512',
             'morphmlp_synthetic']  # one per kind
    for path in [p for p in configs if osp.basename(p)[:-3] in names]:
        cfg = Config.fromfile(path)
        assert cfg.custom_imports['imports'] == ['mmvideomlp'], path
        cfg.model.get('data_preprocessor', {}).pop('blending', None)  # samples on build
        with torch.device('meta'):
            model = build_model_from_cfg(cfg)
        assert cfg.default_scope == expected[type(model).__name__], path
        assert type(model.backbone).__name__ == 'MorphMLP', path


def _sample(label):
    from mmaction.structures import ActionDataSample
    return ActionDataSample().set_gt_label(label)


def test_recognizer_with_token_norm_head_and_with_i3d_head():
    x = torch.randn(2, 3, 8, 56, 56)
    ours = _build(
        'configs/morphmlp/morphmlp-s_in1k-pre_8xb8-16x4x1-60e_kinetics400-rgb.py', **{
        'model.backbone.arch': TINY, 'model.backbone.num_frames': 8,
        'model.cls_head.in_channels': 64, 'model.cls_head.num_classes': 7})
    mixed = _build(
        'configs/morphmlp/morphmlp-s-i3dhead_in1k-pre_8xb8-16x4x1-60e_kinetics400-rgb.py',
        **{
        'model.backbone.arch': TINY, 'model.backbone.num_frames': 8,
        'model.cls_head.in_channels': 64, 'model.cls_head.num_classes': 7})
    assert type(mixed.cls_head).__name__ == 'I3DHead' and hasattr(mixed.backbone, 'norm4')
    with torch.no_grad():
        # I3DHead on per-token-normalised features = TokenNormHead (dropout is off in eval)
        mixed.backbone.load_state_dict(ours.backbone.state_dict(), strict=False)
        mixed.backbone.norm4.load_state_dict(ours.cls_head.norm.state_dict())
        mixed.cls_head.fc_cls.load_state_dict(ours.cls_head.fc_cls.state_dict())
        scores = ours.cls_head(ours.backbone(x))
        torch.testing.assert_close(mixed.cls_head(mixed.backbone(x)), scores, rtol=1e-4,
                                   atol=1e-5)
        loss = ours.loss(x[:, None], [_sample(3), _sample(5)])
    assert loss['loss_cls'] > 0
    assert scores.shape == (2, 7)


def test_token_norm_head_on_mmaction_swin():
    from mmaction.registry import MODELS
    from mmengine.registry import init_default_scope
    init_default_scope('mmaction')
    model = MODELS.build(dict(
        type='Recognizer3D',
        backbone=dict(type='SwinTransformer3D', arch=dict(embed_dims=16, depths=[1, 1],
                                                          num_heads=[1, 2]),
                      window_size=(2, 4, 4), out_indices=(1, ), pretrained=None,
                      pretrained2d=False),
        cls_head=dict(type='TokenNormHead', num_classes=3, in_channels=32)))
    model.init_weights()
    with torch.no_grad():
        feats = model.backbone(torch.randn(1, 3, 4, 32, 32))
        assert feats.shape == (1, 32, 2, 4, 4) and model.cls_head(feats).shape == (1, 3)


def test_image_and_segmentation_models_at_any_size():
    classifier = _build('configs/morphmlp/morphmlp-t_8xb128_in1k.py', **{
        'model.backbone.arch': TINY, 'model.head.in_channels': 64})
    with torch.no_grad():
        assert classifier(torch.randn(2, 3, 72, 60), mode='tensor').shape == (2, 1000)
    segmentor = _build(
        'configs/morphmlp/morphmlp-t_in1k-pre_upernet_8xb2-160k_ade20k-512x512.py', **{
        'model.backbone.arch': TINY, 'model.decode_head.in_channels': [16, 32, 32, 64],
        'model.decode_head.channels': 8, 'model.auxiliary_head.in_channels': 32,
        'model.auxiliary_head.channels': 8, 'model.decode_head.norm_cfg.type': 'BN',
        'model.auxiliary_head.norm_cfg.type': 'BN'})
    with torch.no_grad():
        for h, w in [(64, 64), (70, 90)]:
            out = segmentor(torch.randn(1, 3, h, w), mode='tensor')
            assert out.shape == (1, 150, -(-h // 4), -(-w // 4))


# ----------------------------------------------------------------- real tool runs
def _narrow_config(tmp_path, config, **model):
    """A config inheriting ``config`` whole, with a narrow MorphMLP (and ``model`` changes)."""
    path = tmp_path / f'narrow_{osp.basename(config)}'
    path.write_text(f"_base_ = ['{osp.abspath(config)}']\n"
                    f"model = dict(backbone=dict(arch=dict(_delete_=True, **{TINY!r})), "
                    f"**{model!r})\n")
    return str(path)


def _image(rng, label, size=48):
    base = np.array([[40, 200, 40], [200, 40, 200]][label % 2], np.float32)
    return (base + rng.normal(0, 30, (size, size, 3))).clip(0, 255).astype(np.uint8)


@pytest.fixture(scope='module')
def imagenet_folder(tmp_path_factory):
    """ImageNet layout: train/<wnid>/*.JPEG, val/*.JPEG and meta/{train,val}.txt."""
    root = tmp_path_factory.mktemp('imagenet')
    rng = np.random.default_rng(0)
    lists = dict(train=[], val=[])
    for label, wnid in enumerate(['n01440764', 'n01443537']):
        (root / 'train' / wnid).mkdir(parents=True)
        for i in range(4):
            cv2.imwrite(str(root / 'train' / wnid / f'{wnid}_{i}.JPEG'), _image(rng, label))
            lists['train'].append(f'{wnid}/{wnid}_{i}.JPEG {label}')
    (root / 'val').mkdir()
    for i in range(4):
        cv2.imwrite(str(root / 'val' / f'ILSVRC2012_val_{i:08d}.JPEG'), _image(rng, i))
        lists['val'].append(f'ILSVRC2012_val_{i:08d}.JPEG {i % 2}')
    (root / 'meta').mkdir()
    for split, rows in lists.items():
        (root / 'meta' / f'{split}.txt').write_text('\n'.join(rows) + '\n')
    return str(root)


def test_imagenet_config_trains_and_tests(imagenet_folder, tmp_path):
    config = _narrow_config(tmp_path, 'configs/morphmlp/morphmlp-t_8xb128_in1k.py',
                            head=dict(in_channels=64))
    options = ['train_dataloader.dataset.pipeline.1.scale=32',
               'val_dataloader.dataset.pipeline.1.scale=36',
               'val_dataloader.dataset.pipeline.2.crop_size=32',
               'train_cfg.max_epochs=2', 'param_scheduler.0.end=1', 'param_scheduler.1.begin=1',
               'default_hooks.logger.interval=1']
    for split in ('train', 'val', 'test'):
        options += [f'{split}_dataloader.dataset.data_root={imagenet_folder}',
                    f'{split}_dataloader.batch_size=4', f'{split}_dataloader.num_workers=0']
    work = str(tmp_path / 'train')
    out = run_tool('tools/train.py', config, '--work-dir', work,
                   '--seed', '0', '--cfg-options', *options)
    assert 'Epoch(val) [2][1/1]' in out and 'accuracy/top1' in out
    assert len([r for r in training_log(work) if 'loss' in r]) == 4
    out = run_tool('tools/test.py', config, osp.join(work, 'epoch_2.pth'),
                   '--work-dir', str(tmp_path / 'test'), '--cfg-options', *options)
    assert 'Epoch(test) [1/1]' in out and 'accuracy/top1' in out


@pytest.fixture(scope='module')
def ade20k_folder(tmp_path_factory):
    """ADE20K layout: images/{training,validation}/*.jpg, annotations/.../*.png (0 ignored)."""
    root = tmp_path_factory.mktemp('ade') / 'ADEChallengeData2016'
    rng = np.random.default_rng(0)
    for split, count in (('training', 4), ('validation', 2)):
        (root / 'images' / split).mkdir(parents=True)
        (root / 'annotations' / split).mkdir(parents=True)
        for i in range(count):
            label = np.ones((48, 64), np.uint8)
            label[:, 32:] = 2
            label[rng.integers(0, 48), :] = 0
            image = np.where(label[..., None] == 1, 60, 190).astype(np.float32)
            image = (image + rng.normal(0, 20, (48, 64, 3))).clip(0, 255).astype(np.uint8)
            cv2.imwrite(str(root / 'images' / split / f'ADE_{split}_{i:08d}.jpg'), image)
            cv2.imwrite(str(root / 'annotations' / split / f'ADE_{split}_{i:08d}.png'), label)
    return str(root)


def test_upernet_config_trains_and_tests(ade20k_folder, tmp_path):
    config = _narrow_config(
        tmp_path, 'configs/morphmlp/morphmlp-t_in1k-pre_upernet_8xb2-160k_ade20k-512x512.py',
                            decode_head=dict(in_channels=[16, 32, 32, 64], channels=8),
                            auxiliary_head=dict(in_channels=32, channels=8))
    options = ['model.decode_head.norm_cfg.type=BN', 'model.auxiliary_head.norm_cfg.type=BN',
               'model.data_preprocessor.size=(64,64)',
               'train_dataloader.dataset.pipeline.2.scale=(128,64)',
               'train_dataloader.dataset.pipeline.3.crop_size=(64,64)',
               'val_dataloader.dataset.pipeline.1.scale=(128,64)',
               'test_dataloader.dataset.pipeline.1.scale=(128,64)',
               'train_cfg.max_iters=4', 'train_cfg.val_interval=4',
               'default_hooks.checkpoint.interval=4', 'default_hooks.logger.interval=1']
    for split in ('train', 'val', 'test'):
        options += [f'{split}_dataloader.dataset.data_root={ade20k_folder}',
                    f'{split}_dataloader.batch_size=2', f'{split}_dataloader.num_workers=0',
                    f'{split}_dataloader.persistent_workers=False']
    work = str(tmp_path / 'train')
    out = run_tool('tools/train.py', config, '--work-dir', work,
                   '--seed', '0', '--cfg-options', *options)
    assert 'Iter(val) [1/1]' in out and 'mIoU' in out
    out = run_tool('tools/test.py', config, osp.join(work, 'iter_4.pth'), '--work-dir',
                   str(tmp_path / 'test'), '--cfg-options', *options)
    assert 'Iter(test) [1/1]' in out and 'mIoU' in out
