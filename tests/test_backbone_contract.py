"""The backbone contract, checked the same way for every family.

``frozen_stages``, ``norm_eval``, ``with_cp``, ``out_indices``, ``init_cfg`` (special inits
survive layer-wise and ``Pretrained`` inits), unknown arch keys and state-dict round trips.
"""
import pytest
import torch
from mmaction.registry import MODELS
from torch.nn.modules.batchnorm import _BatchNorm


def _morphmlp_stage(i):
    return [f'blocks{i}.', f'norm{i}.'] + ([f'patch_embed{i}.'] if i > 1 else [])


def _vast_stage(i):
    return [f'stages.{i - 1}.', f'norm{i - 1}.'] + ([f'downsamples.{i - 2}.'] if i > 1 else [])


# Per family: a tiny build config, an input, the keys of the stem and of each stage, the
# number of stages, and the special inits (key substring -> value every element must have).
FAMILIES = {
    'MorphMLP': dict(
        cfg=dict(type='MorphMLP', num_frames=4,
                 arch=dict(embed_dims=[8, 16, 32, 64], depths=[1, 1, 1, 1],
                           chunk_lengths=[2, 4, 4, 8], mlp_ratio=2)),
        input=(2, 3, 4, 32, 32), stem=['patch_embed1.'], stage=_morphmlp_stage, stages=4,
        channels=[8, 16, 32, 64],
        special={'t_fc.proj.weight': 0., 't_fc.proj.bias': 0.}),
    'PosMLP': dict(
        cfg=dict(type='PosMLP', num_frames=4,
                 arch=dict(embed_dims=[16, 32, 64, 128], depths=[1, 1, 1, 1],
                           window_sizes=[4, 4, 2, 1], groups=[2, 4, 8, 16])),
        input=(2, 3, 4, 32, 32), stem=['patch_embed1.'], stage=_morphmlp_stage, stages=4,
        channels=[16, 32, 64, 128],
        special={'relative_position_bias_table': 0.}),
    'VAST': dict(
        cfg=dict(type='VAST', arch=dict(embed_dims=16, depths=[1, 1, 1, 1], mlp_ratio=2)),
        input=(2, 3, 4, 32, 32), stem=['patch_embed.'], stage=_vast_stage, stages=4,
        channels=[16, 32, 64, 128],
        special={'mixer.affine.proj.weight': 0., 'mixer.affine.proj.bias': 0.}),
    'ILAViT': dict(
        cfg=dict(type='ILAViT', interactive_channels=8, freeze_clip=False,
                 arch=dict(image_size=32, patch_size=8, width=32, layers=3, heads=2,
                           embed_dim=16)),
        input=(2, 3, 4, 32, 32),
        stem=['conv1.', 'class_embedding', 'positional_embedding', 'ln_pre.'],
        stage=lambda i: [f'transformer.resblocks.{i - 1}.'] + (['ln_post.', 'proj']
                                                               if i == 3 else []),
        stages=3, channels=[32, 32, 32],
        special={'temporal_skip_fc.weight': 0., 'temporal_skip_align_fc.weight': 0.}),
}
FAMILY_NAMES = sorted(FAMILIES)


def build(name, **kwargs):
    torch.manual_seed(0)
    model = MODELS.build({**FAMILIES[name]['cfg'], **kwargs})
    model.init_weights()
    return model


def features(outputs):
    """The feature maps of a backbone output (ILA adds frame embeddings at the end)."""
    if isinstance(outputs, torch.Tensor):
        return [outputs]
    return [o for o in outputs if o.dim() >= 4]


def video(name, seed=1):
    return torch.rand(FAMILIES[name]['input'], generator=torch.Generator().manual_seed(seed))


def stage_of(name, key):
    """0 for the stem, i for stage i, None for parameters outside both."""
    family = FAMILIES[name]
    if any(key.startswith(p) for p in family['stem']):
        return 0
    for i in range(1, family['stages'] + 1):
        if any(key.startswith(p) for p in family['stage'](i)):
            return i
    return None


@pytest.mark.parametrize('name', FAMILY_NAMES)
@pytest.mark.parametrize('frozen', [-1, 0, 1, 2])
def test_frozen_stages_freeze_the_stem_and_the_first_stages(name, frozen):
    model = build(name, frozen_stages=frozen).train()
    for key, param in model.named_parameters():
        stage = stage_of(name, key)
        assert stage is not None, f'{name}: {key} belongs to no stage'
        assert param.requires_grad == (stage > frozen), (key, frozen)
    for key, module in model.named_modules():
        stage = stage_of(name, key + '.') if key else None
        if stage is not None and stage <= frozen and isinstance(module, _BatchNorm):
            assert not module.training, key


@pytest.mark.parametrize('name', FAMILY_NAMES)
def test_frozen_stages_range_is_checked(name):
    stages = FAMILIES[name]['stages']
    build(name, frozen_stages=stages)
    for bad in (-2, stages + 1):
        with pytest.raises(ValueError, match=rf'frozen_stages must be .*\[-1, {stages}\]'):
            build(name, frozen_stages=bad)


@pytest.mark.parametrize('name', FAMILY_NAMES)
def test_norm_eval_keeps_batchnorm_in_eval_mode(name):
    model = build(name, norm_eval=True).train()
    norms = [m for m in model.modules() if isinstance(m, _BatchNorm)]
    if name == 'VAST':  # layer norms only; BN through norm_cfg
        model = build(name, norm_eval=True, norm_cfg=dict(type='BN3d')).train()
        norms = [m for m in model.modules() if isinstance(m, _BatchNorm)]
    assert norms and not any(m.training for m in norms)
    assert build(name).train().training


@pytest.mark.parametrize('name', FAMILY_NAMES)
def test_with_cp_gives_the_same_outputs_and_gradients(name):
    plain, checkpointed = build(name).train(), build(name, with_cp=True).train()
    checkpointed.load_state_dict(plain.state_dict())
    x = video(name)
    grads = []
    for model in (plain, checkpointed):
        torch.manual_seed(3)
        out = features(model(x))
        sum(o.square().mean() for o in out).backward()
        grads.append({k: p.grad.clone() for k, p in model.named_parameters()
                      if p.grad is not None})
        outs = [o.detach() for o in out]
        if model is plain:
            reference = outs
    for a, b in zip(reference, outs):
        torch.testing.assert_close(a, b)
    assert grads[0].keys() == grads[1].keys() and len(grads[0]) > 0
    for key in grads[0]:
        torch.testing.assert_close(grads[0][key], grads[1][key], msg=key)


@pytest.mark.parametrize('name', FAMILY_NAMES)
def test_out_indices_select_stages_and_are_checked(name):
    family = FAMILIES[name]
    model = build(name, out_indices=(0, -1)).eval()
    with torch.no_grad():
        outs = features(model(video(name)))
    assert [o.shape[1] for o in outs] == [family['channels'][0], family['channels'][-1]]
    for bad in (family['stages'], -family['stages'] - 1):
        with pytest.raises(ValueError, match='out_indices must be in'):
            build(name, out_indices=(bad, ))


@pytest.mark.parametrize('name', FAMILY_NAMES)
def test_defaults_are_shared(name):
    model = build(name)
    assert model.frozen_stages == -1 and model.norm_eval is False and model.with_cp is False
    assert model.out_indices == (FAMILIES[name]['stages'] - 1, )
    rates = [m.drop_prob for m in model.modules() if hasattr(m, 'drop_prob')]
    assert all(rate == 0 for rate in rates)


def _special(name, model):
    found = {}
    for key, value in model.state_dict().items():
        for pattern, expected in FAMILIES[name]['special'].items():
            if pattern in key:
                found[key] = expected
    assert found, f'{name}: no special-init tensor found'
    return found


@pytest.mark.parametrize('name', FAMILY_NAMES)
def test_special_inits_survive_a_layerwise_init_cfg(name):
    init_cfg = [dict(type='Constant', layer=['Linear', 'Conv2d', 'Conv3d'], val=0.5, bias=0.5)]
    model = build(name, init_cfg=init_cfg)
    state = model.state_dict()
    for key, expected in _special(name, model).items():
        assert torch.all(state[key] == expected), key
    linears = [m for m in model.modules() if isinstance(m, torch.nn.Linear)]
    assert any(torch.all(m.weight == 0.5) for m in linears)  # the user's init did apply


@pytest.mark.parametrize('name', FAMILY_NAMES)
def test_pretrained_loads_weights_and_keeps_special_inits(name, tmp_path):
    source = build(name)
    with torch.no_grad():
        for param in source.parameters():
            param.add_(torch.randn_like(param))
    special = _special(name, source)
    path = tmp_path / 'source.pth'
    torch.save(dict(state_dict={'backbone.' + k: v for k, v in source.state_dict().items()
                                if k not in special}), path)
    model = build(name, init_cfg=dict(type='Pretrained', checkpoint=str(path)))
    state, expected_state = model.state_dict(), source.state_dict()
    for key, value in state.items():
        if key in special:
            assert torch.all(value == special[key]), key
        else:
            torch.testing.assert_close(value, expected_state[key], msg=key)
    report = model.load_report
    assert sorted(report.missing + report.new) == sorted(special)
    assert not report.unexpected and not report.mismatched


@pytest.mark.parametrize('name', FAMILY_NAMES)
def test_pretrained_refuses_mismatched_shapes(name, tmp_path):
    state = build(name).state_dict()
    key = next(k for k, v in state.items() if v.dim() == 2)
    state[key] = torch.zeros(state[key].shape[0] + 1, state[key].shape[1])
    path = tmp_path / 'bad.pth'
    torch.save(state, path)
    with pytest.raises(ValueError, match=rf'(?s)does not fit.*{key}'):
        build(name, init_cfg=dict(type='Pretrained', checkpoint=str(path)))


@pytest.mark.parametrize('name', FAMILY_NAMES)
def test_unknown_arch_keys_are_rejected(name):
    arch = dict(FAMILIES[name]['cfg']['arch'], mlp_raito=3)
    with pytest.raises(ValueError, match=r"unknown keys \['mlp_raito'\].*optional"):
        build(name, arch=arch)


@pytest.mark.parametrize('name', FAMILY_NAMES)
def test_state_dict_round_trip(name):
    source, target = build(name).eval(), build(name, with_cp=True).eval()
    with torch.no_grad():
        for param in source.parameters():
            param.add_(0.1 * torch.randn_like(param))
    target.load_state_dict(source.state_dict(), strict=True)
    x = video(name)
    with torch.no_grad():
        for a, b in zip(features(source(x)), features(target(x))):
            torch.testing.assert_close(a, b)
