"""Optimiser wrapper constructors: merged parameter groups update exactly as mmengine's one
group per parameter, and the ILA constructor's decay rules survive the merge."""
import pytest
import torch
from mmengine.optim import DefaultOptimWrapperConstructor
from torch import nn

from mmvideomlp.engine import (ILAOptimWrapperConstructor, MergedGroupsOptimWrapperConstructor,
                               merge_param_groups)


class TinyNet(nn.Module):

    def __init__(self):
        super().__init__()
        self.proj = nn.Linear(6, 8)
        self.norm = nn.LayerNorm(8)
        self.positional_embedding = nn.Parameter(torch.randn(4, 8))
        self.head = nn.Linear(8, 3)

    def forward(self, x):
        return self.head(self.norm(self.proj(x)) + self.positional_embedding.mean(0))


def build_wrapper(constructor, model, **optimizer):
    optimizer = dict(type='AdamW', lr=1e-2, weight_decay=0.05, **optimizer)
    return constructor(dict(optimizer=optimizer),
                       dict(norm_decay_mult=0., bias_decay_mult=0.))(model)


def train_steps(constructor, steps=3, **optimizer):
    torch.manual_seed(0)
    model = TinyNet()
    wrapper = build_wrapper(constructor, model, **optimizer)
    data = torch.randn(5, 6)
    for _ in range(steps):
        wrapper.update_params(model(data).square().mean())
    return model, wrapper


def test_merged_groups_update_exactly_like_one_group_per_parameter():
    reference, ref_wrapper = train_steps(DefaultOptimWrapperConstructor)
    merged, wrapper = train_steps(MergedGroupsOptimWrapperConstructor)
    assert len(ref_wrapper.optimizer.param_groups) == 7
    # decayed weights, and the undecayed norm weight/biases: two groups, plain dicts
    groups = wrapper.optimizer.param_groups
    assert len(groups) == 2 and all(type(g) is dict for g in groups)
    assert sorted(g['weight_decay'] for g in groups) == [0., 0.05]
    for (name, a), b in zip(reference.named_parameters(), merged.parameters()):
        torch.testing.assert_close(a, b, rtol=0, atol=0, msg=name)


def test_fused_merged_groups_match_within_rounding():
    reference, _ = train_steps(DefaultOptimWrapperConstructor)
    fused, _ = train_steps(MergedGroupsOptimWrapperConstructor, fused=True)
    for a, b in zip(reference.parameters(), fused.parameters()):
        torch.testing.assert_close(a, b, rtol=1e-5, atol=1e-6)


def test_ila_constructor_merges_and_keeps_its_no_decay_rules():
    model = TinyNet()
    constructor = ILAOptimWrapperConstructor(
        dict(optimizer=dict(type='AdamW', lr=1e-2, weight_decay=0.05)),
        dict(custom_keys={'head': dict(lr_mult=10.)}, no_decay_keys=('positional_embedding', )))
    groups = constructor(model).optimizer.param_groups
    options = {id(p): (g['lr'], g['weight_decay']) for g in groups for p in g['params']}
    assert options[id(model.proj.weight)] == (1e-2, 0.05)
    assert options[id(model.proj.bias)] == (1e-2, 0.)
    assert options[id(model.positional_embedding)] == (1e-2, 0.)
    assert options[id(model.norm.weight)] == (1e-2, 0.)
    assert options[id(model.head.weight)] == pytest.approx((0.1, 0.05))
    assert options[id(model.head.bias)] == pytest.approx((0.1, 0.))
    assert len(groups) == 4


def test_merging_refuses_an_optimiser_with_state():
    model = TinyNet()
    optimizer = torch.optim.AdamW([{'params': [p]} for p in model.parameters()], lr=1e-2)
    model(torch.randn(2, 6)).sum().backward()
    optimizer.step()
    with pytest.raises(RuntimeError, match='before the optimiser has state'):
        merge_param_groups(optimizer)
