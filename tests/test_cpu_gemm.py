"""CPU GEMM back ends: oneDNN gives F.linear's numbers and gradients, the probe chooses."""
import os.path as osp

import pytest
import torch
import torch.nn.functional as F
from mmcv.cnn.bricks.transformer import FFN
from mmengine.config import Config

from mmvideomlp.models.layers import cpu_gemm
from mmvideomlp.models.layers.cpu_gemm import (CpuGemmLinear, cpu_gemm_backend, onednn_linear,
                                               set_cpu_gemm_backend, use_cpu_gemm)
from mmvideomlp.utils.benchmark import recognizer_forward
from mmvideomlp.utils.complexity import build_model_from_cfg


@pytest.fixture
def backend():
    yield set_cpu_gemm_backend
    set_cpu_gemm_backend(None)


def _grad_fns(tensor):
    seen, stack = set(), [tensor.grad_fn]
    while stack:
        fn = stack.pop()
        if fn is not None and type(fn).__name__ not in seen:
            seen.add(type(fn).__name__)
            stack.extend(f for f, _ in fn.next_functions)
    return seen


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


def test_linear_layer_follows_the_backend(backend):
    layer = CpuGemmLinear(32, 48)
    x = torch.randn(4, 256, 32, requires_grad=True)  # 1024 rows
    backend('onednn')
    assert 'ConvolutionBackward0' in _grad_fns(layer(x))
    assert 'ConvolutionBackward0' not in _grad_fns(layer(x[:, :8]))  # 32 rows: F.linear
    with torch.autocast('cpu', dtype=torch.bfloat16):
        assert layer(x).dtype == torch.bfloat16
    backend('blas')
    assert 'ConvolutionBackward0' not in _grad_fns(layer(x))
    assert list(layer.state_dict()) == ['weight', 'bias']


@pytest.mark.parametrize('config,frames', [('morphmlp_synthetic', 16), ('posmlp_synthetic', 16),
                                           ('vast_synthetic', 8), ('ila_synthetic', 16)])
def test_every_family_agrees_across_backends(backend, monkeypatch, repo_root, synthetic_videos,
                                             config, frames):
    """Logits and every gradient of a whole recognizer, BLAS against oneDNN."""
    monkeypatch.setattr(cpu_gemm, 'MIN_ROWS', 1)  # the tiny models have few token rows
    cfg = Config.fromfile(osp.join(repo_root, 'configs', f'{config}.py'))
    if 'class_names' in cfg.model.get('cls_head', {}):  # ILA's text head reads the label map
        cfg.model.cls_head.class_names = osp.join(synthetic_videos, 'label_map.txt')
    torch.manual_seed(0)
    model = build_model_from_cfg(cfg)
    model.init_weights()
    forward, _ = recognizer_forward(model, 2, frames, 56, 'cpu')
    results = []
    for name in ('blas', 'onednn'):
        backend(name)
        model.zero_grad()
        logits = forward()
        logits.square().sum().backward()
        grads = {k: p.grad.clone() for k, p in model.named_parameters() if p.grad is not None}
        results.append((logits.detach(), grads))
    (ref_logits, ref_grads), (logits, grads) = results
    torch.testing.assert_close(logits, ref_logits, rtol=1e-4, atol=1e-5)
    assert grads.keys() == ref_grads.keys() and len(grads) > 10
    # within 0.1% of each gradient's scale; near-zero gradients (MorphFC_t's at its
    # official initialisation) within rounding of the largest one
    largest = max(g.abs().max().item() for g in ref_grads.values())
    for key, grad in grads.items():
        tol = 1e-3 * ref_grads[key].abs().max().item() + 1e-6 * largest
        assert (grad - ref_grads[key]).abs().max().item() <= tol, key


def test_auto_probes_once_per_mode_and_settings_are_checked(backend, monkeypatch):
    monkeypatch.setattr(cpu_gemm, 'PROBE_SHAPE', (512, 64, 128))
    backend('auto')
    choices = [cpu_gemm_backend(training) for training in (False, True)]
    assert set(choices) <= {'blas', 'onednn'}
    assert set(cpu_gemm._resolved) == {False, True}
    with pytest.raises(ValueError, match="one of \\('auto', 'blas', 'onednn'\\)"):
        backend('mkl')
    backend(None)
    monkeypatch.setenv('MMVIDEOMLP_CPU_GEMM', 'fast')
    with pytest.raises(ValueError, match='MMVIDEOMLP_CPU_GEMM'):
        cpu_gemm_backend()


def test_third_party_blocks_are_converted_in_place():
    ffn = FFN(16, 32, num_fcs=2, add_identity=False)
    before = {k: v.clone() for k, v in ffn.state_dict().items()}
    use_cpu_gemm(ffn)
    linears = [m for m in ffn.modules() if isinstance(m, torch.nn.Linear)]
    assert len(linears) == 2 and all(type(m) is CpuGemmLinear for m in linears)
    assert all(torch.equal(before[k], v) for k, v in ffn.state_dict().items())


def test_compiled_graph_has_no_break(backend):  # inductor packs CPU weights itself
    backend('onednn')
    layer = CpuGemmLinear(32, 48)
    x = torch.randn(1024, 32)
    compiled = torch.compile(layer, backend='eager', fullgraph=True)
    torch.testing.assert_close(compiled(x), F.linear(x, layer.weight, layer.bias))


def test_traced_graph_keeps_the_linear_op(backend):
    backend('onednn')
    layer = CpuGemmLinear(32, 48)
    graph = str(torch.jit.trace(layer, torch.randn(1024, 32)).graph)
    assert 'aten::linear' in graph and 'convolution' not in graph
