"""ILA's arguments beyond the shared backbone contract: CLIP arch keys reaching the text
head, renamed arguments, checks, initialisation in init_weights, out_indices through the
heads, freeze_clip with frozen_stages."""
import pytest
import torch
from mmaction.registry import MODELS
from mmengine.registry import init_default_scope

from mmvideomlp.models.backbones.ila import ILAViT
from mmvideomlp.models.heads.ila_head import ILALinearHead, ILATextHead
from mmvideomlp.models.layers.clip_text_tower import CLIPTextTower
from mmvideomlp.utils.text import tokenize

TINY = dict(image_size=56, patch_size=14, width=64, layers=2, heads=2, embed_dim=64,
            text_width=64, text_layers=1, text_heads=1)
NAMES = ['moving left', 'moving right', 'growing']


def test_text_head_takes_vocab_size_and_context_length_from_the_arch():
    arch = dict(TINY, vocab_size=49500, context_length=16)
    head = ILATextHead(3, 64, NAMES, mit_frames=3, arch=arch)
    head.init_weights()
    assert head.text_encoder.token_embedding.weight.shape == (49500, 64)
    assert head.text_encoder.positional_embedding.shape == (16, 64)
    assert torch.equal(head.text_tokens, tokenize(NAMES, context_length=16))
    logits = head((torch.randn(2, 64, 3, 4, 4), torch.randn(2, 64, 3)))
    assert logits.shape == (2, 3) and torch.isfinite(logits).all()
    ILAViT(arch=arch)  # the backbone accepts the same arch
    with pytest.raises(ValueError, match='beyond arch vocab_size=1000'):
        ILATextHead(3, 64, NAMES, arch=dict(TINY, vocab_size=1000))


@pytest.mark.parametrize('arch,message', [
    (dict(TINY, width=30, heads=4), 'width=30 must be divisible by heads=4'),
    (dict(TINY, image_size=60), 'image_size=60 must be a multiple of patch_size=14'),
    (dict(TINY, layers=0), 'layers must be a positive int, got 0'),
    (dict(TINY, heads=None), 'heads must be a positive int, got None'),
    ('b16', r"unknown arch 'b16'; choose one of \['ViT-B/16', 'ViT-B/32'"),
])
def test_bad_archs_are_refused_clearly(arch, message):
    with pytest.raises(ValueError, match=message):
        ILAViT(arch=arch)


def test_text_tower_and_old_names_are_checked():
    with pytest.raises(ValueError, match='text_width=64 must be divisible by text_heads=3'):
        ILATextHead(3, 64, NAMES, arch=dict(TINY, text_heads=3))
    for head in (ILATextHead, ILALinearHead):
        kwargs = dict(class_names=NAMES, arch=TINY) if head is ILATextHead else {}
        with pytest.raises(TypeError, match='num_frames was renamed mit_frames'):
            head(3, 64, num_frames=8, **kwargs)
    with pytest.raises(ValueError, match='input has 1 channels, in_channels=3'):
        ILAViT(arch=TINY, interactive_channels=8)(torch.zeros(1, 1, 2, 56, 56))
    with pytest.raises(ValueError, match='interactive_channels must be a positive multiple'):
        ILAViT(arch=TINY, interactive_channels=6)
    assert ILAViT.arch_settings_of('VIT-B16') == ILAViT.arch_settings_of('ViT-B/16')
    with pytest.raises(ValueError, match=r"drop_path_rate must be a number in \[0, 1\], got '0.1'"):
        ILAViT(arch=TINY, drop_path_rate='0.1')
    with pytest.raises(ValueError, match='jitter_decay_start must be an epoch index >= 0'):
        ILAViT(arch=TINY, jitter_decay_start=None)


def test_initialisation_happens_in_init_weights():
    tower = CLIPTextTower(64, 2, 2, 32)
    assert not tower.text_projection.any()  # nothing initialised by the constructor
    tower.init_weights()
    assert tower.text_projection.std().item() == pytest.approx(64**-0.5, rel=0.1)
    head = ILALinearHead(4, 64, mit_frames=4)
    with torch.no_grad():
        head.fc_cls.weight.fill_(1.)
        head.fc_cls.bias.fill_(1.)
    head.init_weights()
    assert not head.fc_cls.bias.any()
    assert head.fc_cls.weight.std().item() == pytest.approx(0.02, rel=0.2)
    assert head.mit.positional_embedding.std().item() == pytest.approx(0.02, rel=0.3)
    model = ILAViT(arch=TINY, interactive_channels=8,
                   init_cfg=dict(type='Constant', layer=['Linear', 'Conv2d', 'Conv1d'], val=0.5))
    model.init_weights()
    block = model.transformer.resblocks[0]
    assert not block.temporal_skip_fc.weight.any() and not block.temporal_skip_fc.bias.any()
    assert not block.message_attn.prediction_block[12].weight.any()
    assert torch.all(block.message_fc.weight == 0.5)  # the user's init did apply
    assert model.class_embedding.std().item() == pytest.approx(64**-0.5, rel=0.3)


def _recognizer(**backbone):
    init_default_scope('mmaction')
    torch.manual_seed(0)
    model = MODELS.build(dict(
        type='ILARecognizer',
        backbone=dict(type='ILAViT', arch=TINY, interactive_channels=8, **backbone),
        cls_head=dict(type='ILATextHead', num_classes=3, in_channels=64, mit_frames=3,
                      arch=TINY, class_names=NAMES, average_clips='prob')))
    model.init_weights()
    return model.eval()


def test_several_out_indices_reach_the_text_head_unchanged():
    plain, several = _recognizer(), _recognizer(out_indices=(0, -1))
    several.load_state_dict(plain.state_dict())
    x = torch.rand(2, 3, 3, 56, 56)
    with torch.no_grad():
        outs = several.backbone(x)
        assert [o.shape for o in outs] == [(2, 64, 3, 4, 4)] * 2 + [(2, 64, 3)]
        torch.testing.assert_close(several.cls_head(outs), plain.cls_head(plain.backbone(x)))


def test_freeze_clip_composes_with_frozen_stages():
    model = ILAViT(arch=TINY, interactive_channels=8, frozen_stages=1).train()
    trainable = {n for n, p in model.named_parameters() if p.requires_grad}
    assert trainable and all(n.startswith('transformer.resblocks.1.') for n in trainable)
    assert all(n.split('.')[3].startswith(('message_', 'temporal_')) for n in trainable)
    assert not model.transformer.resblocks[0].message_attn.training  # frozen stage: eval
    free = ILAViT(arch=TINY, interactive_channels=8, freeze_clip=False, frozen_stages=0).train()
    assert not free.conv1.weight.requires_grad and free.transformer.resblocks[0].attn \
        .in_proj_weight.requires_grad


def test_pretrained_clip_reports_the_text_tower_and_new_modules(tmp_path):
    source = _recognizer(freeze_clip=False)
    state = {}
    for key, value in source.state_dict().items():  # OpenAI's layout: CLIP weights only
        if key.startswith('backbone.') and '.message_' not in key and '.temporal_' not in key:
            state['visual.' + key[len('backbone.'):]] = value
        elif key.startswith('cls_head.text_encoder.'):
            state[key[len('cls_head.text_encoder.'):]] = value
    state['logit_scale'] = torch.tensor(3.0)
    path = tmp_path / 'clip.pt'
    torch.save(state, path)
    model = _recognizer(pretrained=str(path))
    head = ILATextHead(3, 64, NAMES, mit_frames=3, arch=TINY, pretrained=str(path))
    head.init_weights()
    assert model.backbone.load_report.new and not model.backbone.load_report.missing
    assert all('.message_' in k or '.temporal_' in k for k in model.backbone.load_report.new)
    report = head.load_report
    assert not report.missing and not report.unexpected
    assert set(report.loaded) == {k for k in head.state_dict()
                                  if k.startswith(('text_encoder.', 'logit_scale'))}
    assert all(k.startswith(('mit.', 'prompts_')) for k in report.new)
    assert head.logit_scale.item() == 3.0
    torch.testing.assert_close(model.backbone.proj, source.backbone.proj)
    with pytest.raises(FileNotFoundError, match='ViT-B-16.pt'):
        ILATextHead(3, 64, NAMES, arch=TINY, pretrained=str(tmp_path / 'none.pt')).init_weights()
