"""ILA recognizer: frozen CLIP, losses, optimiser groups, converter and configs."""
import glob
import os.path as osp
import runpy
import sys

import pytest
import torch
from mmengine.config import Config
from mmengine.registry import init_default_scope

from mmvideomlp.converters.ila import convert_official

TINY = dict(image_size=56, patch_size=14, width=64, layers=2, heads=1, embed_dim=64,
            text_width=64, text_layers=1, text_heads=1)
NAMES = ['moving left', 'moving right', 'growing', 'shrinking']


def build(head='text', **backbone):
    from mmaction.registry import MODELS
    init_default_scope('mmaction')
    if head == 'text':
        cls_head = dict(type='ILATextHead', num_classes=4, in_channels=64, mit_frames=4,
                        arch=TINY, class_names=NAMES, label_smooth_eps=0.1,
                        average_clips='prob')
    else:
        cls_head = dict(type='ILALinearHead', num_classes=4, in_channels=64, mit_frames=4,
                        label_smooth_eps=0.1, average_clips='prob')
    model = MODELS.build(dict(
        type='ILARecognizer',
        backbone=dict(type='ILAViT', arch=TINY, interactive='dsc' if head == 'text' else 'conv',
                      interactive_channels=16, **backbone),
        cls_head=cls_head,
        data_preprocessor=dict(type='ActionDataPreprocessor', mean=[123.675, 116.28, 103.53],
                               std=[58.395, 57.12, 57.375], format_shape='NCTHW')))
    model.init_weights()
    return model


def batch(n=2, views=1):
    from mmaction.structures import ActionDataSample
    samples = [ActionDataSample().set_gt_label(i % 4) for i in range(n)]
    return dict(inputs=list(torch.rand(n, views, 3, 4, 56, 56) * 255), data_samples=samples)


def test_frozen_clip_gets_no_gradient():
    torch.manual_seed(0)
    model = build()
    for block in model.backbone.transformer.resblocks:  # let gradients reach every part
        torch.nn.init.normal_(block.temporal_skip_fc.weight, std=0.02)
        torch.nn.init.normal_(block.temporal_skip_align_fc.weight, std=0.02)
        torch.nn.init.normal_(block.message_attn.prediction_block[12].weight, std=0.1)
    model.train()
    losses = model(**model.data_preprocessor(batch(), True), mode='loss')
    assert set(losses) >= {'loss_cls', 'loss_align'} and losses['loss_align'] > 0
    sum(v for k, v in losses.items() if k.startswith('loss')).backward()
    trained = {n for n, p in model.named_parameters() if p.requires_grad}
    for name, param in model.named_parameters():
        clip_visual = name.startswith('backbone.') and ('message_' not in name
                                                        and 'temporal_' not in name)
        frozen = clip_visual or name.startswith(('cls_head.text_encoder', 'cls_head.logit_scale',
                                                 'cls_head.prompts_'))
        assert (name not in trained) == frozen, name
        if frozen:
            assert param.grad is None, name
        else:
            assert param.grad is not None and param.grad.abs().sum() > 0, name
    # the released split: ILA modules, skip projections and MIT are all that train
    assert {n.split('.')[0] for n in trained} == {'backbone', 'cls_head'}
    assert all('.message_' in n or '.temporal_' in n or n.startswith('cls_head.mit.')
               for n in trained)


def test_finetune_switch_and_optimiser_groups():
    from mmengine.optim import build_optim_wrapper
    cfg = Config.fromfile(osp.join(osp.dirname(__file__), '..', 'configs', '_base_',
                                   'schedules', 'ila_adamw_50e.py'))
    model = build(head='linear', freeze_clip=False)
    wrapper = build_optim_wrapper(model, cfg.optim_wrapper)
    names = {id(p): n for n, p in model.named_parameters()}
    param_groups = wrapper.optimizer.param_groups
    groups = {names[id(p)]: (g['lr'], g['weight_decay']) for g in param_groups for p in g['params']}
    assert len(groups) == sum(p.requires_grad for p in model.parameters())
    # parameters with equal options share one group
    assert len(param_groups) == len(set(groups.values()))
    lr = lambda n: groups[n][0]  # noqa: E731
    wd = lambda n: groups[n][1]  # noqa: E731
    b = 'backbone.transformer.resblocks.0.'
    assert lr(b + 'message_fc.weight') == pytest.approx(5e-4)
    assert wd(b + 'message_fc.weight') == pytest.approx(1e-2)
    assert wd(b + 'message_fc.bias') == 0 and wd(b + 'message_ln.weight') == 0
    assert lr(b + 'message_attn.interactive_block.0.weight') == pytest.approx(5e-4)
    assert lr(b + 'temporal_skip_fc.weight') == pytest.approx(8e-5)
    assert wd(b + 'temporal_skip_fc.weight') == pytest.approx(1e-3)
    assert wd(b + 'temporal_skip_fc.bias') == 0
    assert lr('cls_head.mit.resblocks.0.attn.in_proj_weight') == pytest.approx(4e-4)
    assert wd('cls_head.mit.resblocks.0.attn.in_proj_weight') == pytest.approx(3e-3)
    assert wd('cls_head.mit.positional_embedding') == 0
    assert wd('cls_head.mit.resblocks.0.attn.in_proj_bias') == 0
    assert lr('cls_head.fc_cls.weight') == pytest.approx(4e-4)
    # fine-tuned CLIP: the base learning rate and weight decay (TRAIN.LR, WEIGHT_DECAY)
    assert lr(b + 'attn.in_proj_weight') == pytest.approx(8e-6)
    assert wd(b + 'attn.in_proj_weight') == pytest.approx(3e-3)
    assert wd('backbone.positional_embedding') == 0 and wd('backbone.ln_pre.weight') == 0


def test_multi_view_prediction_and_jitter_epoch_from_runner():
    from types import SimpleNamespace

    from mmvideomlp.engine.hooks import ILAJitterHook
    model = build().eval()
    with torch.no_grad():
        out = model(**model.data_preprocessor(batch(n=2, views=3), False), mode='predict')
    scores = torch.stack([o.pred_score for o in out])
    assert scores.shape == (2, 4)
    torch.testing.assert_close(scores.sum(1), torch.ones(2))  # mean of softmax over views
    ILAJitterHook().before_train_epoch(SimpleNamespace(model=model, epoch=31))
    assert model.backbone.jitter_scale == pytest.approx(0.05)
    with pytest.raises(TypeError, match='backbone has set_epoch'):
        ILAJitterHook().before_train_epoch(SimpleNamespace(model=torch.nn.Linear(1, 1), epoch=0))


def official_layout(model):
    """Our weights renamed to the official key layout (the inverse of the converter)."""
    out = {}
    for key, value in model.state_dict().items():
        if key.startswith('backbone.'):
            out['visual.' + key[9:]] = value
        elif key.startswith('cls_head.text_encoder.'):
            out[key[len('cls_head.text_encoder.'):]] = value
        elif key.startswith('cls_head.norm.'):
            out['mit.classify_head.0.' + key[14:]] = value
        elif key.startswith('cls_head.fc_cls.'):
            out['mit.classify_head.2.' + key[16:]] = value
        else:
            out[key[len('cls_head.'):]] = value
    return out


@pytest.mark.parametrize('head', ['text', 'linear'])
def test_converter_cli_round_trip(head, tmp_path, monkeypatch, capsys):
    torch.manual_seed(0)
    source = build(head)
    for p in source.parameters():
        p.data.normal_(0, 0.05)
    official = official_layout(source)
    if head == 'text':
        assert 'visual.transformer.resblocks.1.message_attn.interactive_block.0.' \
               'depthwise_conv.1.running_var' in official
        assert 'prompts_generator.decoder.1.cross_attn.q_proj.weight' in official
        assert 'token_embedding.weight' in official and 'logit_scale' in official
    else:
        assert 'mit.classify_head.2.weight' in official
    src, dst = tmp_path / 'official.pth', tmp_path / 'converted.pth'
    torch.save({'model': official, 'epoch': 3}, src)
    tool = osp.join(osp.dirname(__file__), '..', 'tools', 'model_converters', 'ila_official.py')
    monkeypatch.setattr(sys, 'argv', [tool, str(src), str(dst)])
    runpy.run_path(tool, run_name='__main__')
    assert ('linear head' if head == 'linear' else 'text head with prompts') in \
        capsys.readouterr().out
    target = build(head)
    target.load_state_dict(torch.load(dst, weights_only=False)['state_dict'], strict=True)
    for (k, a), b in zip(source.state_dict().items(), target.state_dict().values()):
        assert torch.equal(a, b), k
    with pytest.raises(KeyError, match='without a counterpart'):
        convert_official({**official, 'visual_extra.weight': torch.zeros(1)})


CONFIGS = sorted(glob.glob(osp.join(osp.dirname(__file__), '..', 'configs', 'ila', '*.py'))
                 + glob.glob(osp.join(osp.dirname(__file__), '..', 'configs', 'ila_synthetic.py')))


@pytest.mark.parametrize('path', CONFIGS, ids=osp.basename)
def test_configs_parse_with_official_recipe(path):
    cfg = Config.fromfile(path)
    assert cfg.custom_imports['imports'] == ['mmvideomlp']
    model = cfg.model
    assert model.type == 'ILARecognizer' and model.backbone.type == 'ILAViT'
    if 'synthetic' in path:
        return
    k400 = 'kinetics400' in osp.basename(path)
    assert model.backbone.freeze_clip is True
    assert model.backbone.interactive == ('dsc' if k400 else 'conv')
    assert model.cls_head.type == ('ILATextHead' if k400 else 'ILALinearHead')
    assert model.cls_head.label_smooth_eps == 0.1
    assert model.data_preprocessor.mean == [123.675, 116.28, 103.53]
    assert [a.type for a in model.data_preprocessor.blending.augments] == [
        'MixupBlending', 'CutmixBlending']
    test = cfg.test_dataloader.dataset.pipeline
    assert test[1].num_clips == 4 and test[4].type == 'ThreeCrop'
    assert any(t.type == 'RandomErasing' for t in cfg.train_dataloader.dataset.pipeline)
    assert cfg.optim_wrapper.optimizer.type == 'AdamW'
    assert cfg.train_dataloader.batch_size * cfg.optim_wrapper.accumulative_counts * 8 == 256
    if k400:
        with open(model.cls_head.class_names) as f:
            assert len(f.read().split('\n')) >= 400
        assert model.cls_head.pretrained == model.backbone.pretrained
