"""The opt-in oneDNN conversion: same numbers, gradients and keys; explicit and reversible."""
import os.path as osp

import pytest
import torch
import torch.nn as nn
import torch.nn.functional as F
from mmcv.cnn.bricks.transformer import FFN
from mmcv.cnn.bricks.wrappers import Linear as MMCVLinear
from mmengine.config import Config
from mmengine.hooks import Hook
from mmengine.model import BaseModel
from mmengine.runner import Runner

from mmvideomlp.engine.hooks.cpu_gemm_hook import CpuGemmHook, add_cpu_gemm_hook
from mmvideomlp.utils.benchmark import recognizer_forward
from mmvideomlp.utils.complexity import build_model_from_cfg
from mmvideomlp.utils.cpu_gemm import (OneDNNLinear, convert_linear_to_onednn,
                                       convert_onednn_to_linear, onednn_linear, set_cpu_gemm)

FAMILIES = [('morphmlp_synthetic', 8), ('posmlp_synthetic', 8), ('vast_synthetic', 8),
            ('ila_synthetic', 16)]


def _grad_fns(tensor, stop=None):
    """Types of the autograd nodes behind ``tensor``, not expanding past ``stop``."""
    seen, stack = set(), [tensor.grad_fn]
    while stack:
        fn = stack.pop()
        if fn is not None and fn is not stop and type(fn).__name__ not in seen:
            seen.add(type(fn).__name__)
            stack.extend(f for f, _ in fn.next_functions)
    return seen


def _fc_ops(model):
    """Record, per FC call, the autograd node types between its input and its output."""
    records = []

    def hook(module, inputs, output):
        if output.requires_grad:
            records.append(_grad_fns(output, stop=inputs[0].grad_fn))

    handles = [m.register_forward_hook(hook) for m in model.modules()
               if isinstance(m, nn.Linear)]
    return records, handles


def _classes(model):
    return {name: type(m) for name, m in model.named_modules()}


def _build(repo_root, synthetic_videos, config):
    cfg = Config.fromfile(osp.join(repo_root, 'configs', f'{config}.py'))
    if 'class_names' in cfg.model.get('cls_head', {}):  # ILA's text head reads the label map
        cfg.model.cls_head.class_names = osp.join(synthetic_videos, 'label_map.txt')
    torch.manual_seed(0)
    model = build_model_from_cfg(cfg)
    model.init_weights()
    return model


def _logits_and_grads(model, forward):
    model.zero_grad()
    logits = forward()
    logits.square().sum().backward()
    grads = {k: p.grad.clone() for k, p in model.named_parameters() if p.grad is not None}
    return logits.detach(), grads


def test_onednn_linear_matches_f_linear_with_gradients():
    torch.manual_seed(0)
    # a permuted (non-contiguous) 4-D input, as the chunked FCs pass it
    x = torch.randn(2, 24, 16, 40).permute(0, 2, 1, 3).requires_grad_()
    w = torch.randn(56, 40, requires_grad=True)
    b = torch.randn(56, requires_grad=True)
    grad = torch.randn(2, 16, 24, 56)
    results = []
    for fn in (F.linear, onednn_linear):
        out = fn(x, w, b)
        out.backward(grad)
        results.append((out, x.grad, w.grad, b.grad))
        x.grad = w.grad = b.grad = None
    for ref, got in zip(*results):
        torch.testing.assert_close(got, ref, rtol=1e-5, atol=1e-4)  # sums of 768 products
    assert 'ConvolutionBackward0' in _grad_fns(onednn_linear(x, w, b))


@pytest.mark.parametrize('config,frames', FAMILIES)
def test_every_family_converts_and_back(repo_root, synthetic_videos, config, frames):
    """Keys, logits and every gradient of a whole recognizer, plain against converted,
    and the FCs' autograd graphs: no oneDNN path unless converted."""
    model = _build(repo_root, synthetic_videos, config)
    forward, _ = recognizer_forward(model, 2, frames, 56, 'cpu')
    classes = _classes(model)
    assert not any(issubclass(c, OneDNNLinear) for c in classes.values())
    state = model.state_dict(keep_vars=True)
    records, handles = _fc_ops(model)
    ref_logits, ref_grads = _logits_and_grads(model, forward)
    plain_ops, records[:] = list(records), []
    assert len(plain_ops) >= 5
    assert all(ops & {'AddmmBackward0', 'MmBackward0'} for ops in plain_ops)
    assert not any('ConvolutionBackward0' in ops for ops in plain_ops)

    convert_linear_to_onednn(model, min_macs=0)  # the tiny models' GEMMs are small
    converted = {n for n, m in model.named_modules() if isinstance(m, OneDNNLinear)}
    assert converted == {n for n, c in classes.items() if c in (nn.Linear, MMCVLinear)}
    after = model.state_dict(keep_vars=True)
    assert list(after) == list(state) and all(after[k] is v for k, v in state.items())
    logits, grads = _logits_and_grads(model, forward)
    assert len(records) == len(plain_ops)
    assert all('ConvolutionBackward0' in ops for ops in records)
    torch.testing.assert_close(logits, ref_logits, rtol=1e-4, atol=1e-5)
    assert grads.keys() == ref_grads.keys() and len(grads) > 10
    # within 0.1% of each gradient's scale; near-zero gradients (MorphFC_t's at its
    # official initialisation) within rounding of the largest one
    largest = max(g.abs().max().item() for g in ref_grads.values())
    for key, grad in grads.items():
        tol = 1e-3 * ref_grads[key].abs().max().item() + 1e-6 * largest
        assert (grad - ref_grads[key]).abs().max().item() <= tol, key

    convert_onednn_to_linear(model)
    for handle in handles:
        handle.remove()
    assert _classes(model) == classes
    assert torch.equal(_logits_and_grads(model, forward)[0], ref_logits)


def test_third_party_blocks_convert_and_subclasses_are_left_alone():
    ffn = FFN(16, 32, num_fcs=2, add_identity=False)
    attn = nn.MultiheadAttention(16, 2)  # its out_proj is read by the attention op itself
    model = nn.ModuleDict(dict(ffn=ffn, attn=attn))
    before = {k: v.clone() for k, v in model.state_dict().items()}
    convert_linear_to_onednn(model)
    linears = [m for m in ffn.modules() if isinstance(m, nn.Linear)]
    assert len(linears) == 2
    assert all(isinstance(m, OneDNNLinear) and isinstance(m, MMCVLinear) for m in linears)
    assert not isinstance(attn.out_proj, OneDNNLinear)
    assert all(torch.equal(before[k], v) for k, v in model.state_dict().items())
    convert_onednn_to_linear(model)
    assert all(type(m) is MMCVLinear for m in linears)


def test_plain_paths_are_kept_where_onednn_does_not_apply():
    layer = convert_linear_to_onednn(nn.Linear(256, 256))
    x = torch.randn(4, 64, 256, requires_grad=True)  # 256 rows: 2^24 multiply-adds
    assert 'ConvolutionBackward0' in _grad_fns(layer(x))
    assert 'ConvolutionBackward0' not in _grad_fns(layer(x[:, :8]))  # 2^21: F.linear
    with torch.autocast('cpu', dtype=torch.bfloat16):
        assert layer(x).dtype == torch.bfloat16
    assert 'ConvolutionBackward0' not in _grad_fns(layer.double()(x.double()))
    assert list(layer.state_dict()) == ['weight', 'bias']


def test_compiled_graph_has_no_break():  # inductor packs CPU weights itself
    layer = convert_linear_to_onednn(nn.Linear(32, 48))
    x = torch.randn(1024, 32)
    compiled = torch.compile(layer, backend='eager', fullgraph=True)
    torch.testing.assert_close(compiled(x), F.linear(x, layer.weight, layer.bias))


def test_traced_graph_keeps_the_linear_op():
    layer = convert_linear_to_onednn(nn.Linear(32, 48))
    graph = str(torch.jit.trace(layer, torch.randn(1024, 32)).graph)
    assert 'aten::linear' in graph and 'convolution' not in graph


def test_backend_names_are_checked():
    with pytest.raises(ValueError, match=r"'mkl' is not one of \('auto', 'blas', 'onednn'\)"):
        set_cpu_gemm(nn.Linear(2, 2), 'mkl')
    with pytest.raises(ValueError, match=r"CpuGemmHook: backend='mkl' is not one of"):
        CpuGemmHook('mkl')
    with pytest.raises(ValueError, match='min_macs=-1 must be >= 0'):
        convert_linear_to_onednn(nn.Linear(2, 2), min_macs=-1)


def test_command_line_choice_replaces_the_configs_hook():
    cfg = Config(dict(custom_hooks=[dict(type='EMAHook'),
                                    dict(type='mmaction.CpuGemmHook', backend='onednn')]))
    assert add_cpu_gemm_hook(cfg.copy(), None).custom_hooks == cfg.custom_hooks
    assert add_cpu_gemm_hook(cfg, 'blas').custom_hooks == [
        dict(type='EMAHook'), dict(type='CpuGemmHook', backend='blas')]


class _TinyMLP(BaseModel):

    def __init__(self):
        super().__init__()
        self.fc1, self.fc2 = nn.Linear(16, 64), nn.Linear(64, 4)

    def forward(self, inputs, target, mode='loss'):
        loss = F.mse_loss(self.fc2(F.gelu(self.fc1(inputs))), target)
        return dict(loss=loss)


class _LossRecorder(Hook):

    def __init__(self):
        self.losses, self.ops = [], set()

    def after_train_iter(self, runner, batch_idx, data_batch=None, outputs=None):
        self.losses.append(outputs['loss'].item())

    def before_train_iter(self, runner, batch_idx, data_batch=None):
        model = runner.model
        x = torch.randn(600, 16)
        self.ops |= _grad_fns(model.fc1(x.requires_grad_()))


def _train(tmp_path, name, backend=None):
    torch.manual_seed(0)
    model = _TinyMLP()
    data = [dict(inputs=torch.randn(600, 16), target=torch.randn(600, 4)) for _ in range(4)]
    recorder = _LossRecorder()
    hooks = [recorder] + ([dict(type='CpuGemmHook', backend=backend, min_macs=0)]
                          if backend else [])
    runner = Runner(model=model, work_dir=str(tmp_path / name),
                    train_dataloader=dict(dataset=data, sampler=dict(type='DefaultSampler',
                                                                     shuffle=True),
                                          collate_fn=dict(type='default_collate'),
                                          batch_size=1),
                    train_cfg=dict(by_epoch=False, max_iters=4),
                    optim_wrapper=dict(optimizer=dict(type='SGD', lr=0.1)),
                    custom_hooks=hooks, default_hooks=dict(checkpoint=None, logger=None),
                    randomness=dict(seed=0), default_scope='mmengine')
    runner.train()
    return recorder, model


def test_trainings_are_reproducible_and_the_hook_converts_before_the_first_step(tmp_path):
    first, model = _train(tmp_path, 'blas1')
    second, _ = _train(tmp_path, 'blas2')
    assert first.losses == second.losses and len(set(first.losses)) == 4  # bit-identical
    assert 'ConvolutionBackward0' not in first.ops
    assert type(model.fc1) is nn.Linear
    onednn, model = _train(tmp_path, 'onednn1', 'onednn')
    again, _ = _train(tmp_path, 'onednn2', 'onednn')
    assert onednn.losses == again.losses
    assert 'ConvolutionBackward0' in onednn.ops and isinstance(model.fc1, OneDNNLinear)
    torch.testing.assert_close(onednn.losses, first.losses, rtol=1e-4, atol=0)


def test_recognizer_trains_reproducibly(repo_root, synthetic_videos):
    """A few optimiser steps of a real recognizer (default FCs), twice from the same seed."""
    runs = []
    for _ in range(2):
        model = _build(repo_root, synthetic_videos, 'morphmlp_synthetic').train()
        optimizer = torch.optim.AdamW(model.parameters(), lr=1e-3)
        torch.manual_seed(1)
        forward, inputs = recognizer_forward(model, 2, 8, 32, 'cpu')
        losses = []
        for _ in range(3):
            loss = F.cross_entropy(forward(), torch.tensor([3, 7]))
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            losses.append(loss.item())
        runs.append(losses)
    assert runs[0] == runs[1] and len(set(runs[0])) == 3
