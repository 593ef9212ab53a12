"""ONNX export, onnxruntime parity, int8 quantisation and the Python inference API."""
import os.path as osp

import numpy as np
import pytest
import torch
from mmengine.config import Config

from tool_runner import REPO, run_tool

pytest.importorskip('onnxruntime')

from mmvideomlp.deployment import ExportError, InferenceGraph, load_model  # noqa: E402
from mmvideomlp.deployment.onnx import (check_fp32, compare, export_module,  # noqa: E402
                                        export_onnx, quantize_onnx, run_onnx)
from mmvideomlp.deployment.quantize import quantize_torch_int8  # noqa: E402

CLASS_NAMES = [f'class {i}' for i in range(10)]
FAMILIES = ('morphmlp', 'posmlp', 'vast', 'ila')


def recipe_frames(cfg):
    """The clip length of a synthetic recipe (VAST and ILA take any; 16 then)."""
    return cfg.model.backbone.get('num_frames') or 16


def synthetic_cfg(family):
    cfg = Config.fromfile(osp.join(REPO, 'configs', f'{family}_synthetic.py'))
    if family == 'ila':  # the config reads the names from the generated dataset
        cfg.model.cls_head.class_names = CLASS_NAMES
    return cfg


@pytest.mark.parametrize('family', FAMILIES)
def test_export_parity_and_dynamic_batch(family, tmp_path):
    cfg = synthetic_cfg(family)
    model = load_model(cfg)
    path = str(tmp_path / 'model.onnx')
    frames = recipe_frames(cfg)
    graph, x = export_onnx(model, cfg, (1, 3, frames, 56, 56), path, dynamic_batch=True)
    assert check_fp32(graph, path, x)['max_abs_diff'] <= 1e-4
    # exported at batch 1, run at batch 2: two different clips, each scored as alone
    x2 = torch.randn(2, 3, frames, 56, 56)
    out = run_onnx(path, x2)
    assert out.shape == (2, 10)
    with torch.no_grad():
        ref = graph(x2).numpy()
        # the graph is the recognizer's test-mode path (one view per clip)
        feats, _ = model.extract_feat(x2[:, None], test_mode=True)
        head = model.cls_head(feats).numpy()
    assert np.abs(out - ref).max() <= 1e-4
    np.testing.assert_allclose(ref, head, atol=1e-5)
    import onnx
    meta = {p.key: p.value for p in onnx.load(path).metadata_props}
    assert meta['input_layout'] == 'NCTHW' and meta['num_classes'] == '10'
    assert meta['mean'] == str(list(cfg.model.data_preprocessor.mean))
    if family == 'ila':  # text embeddings are a constant: no text tower input or tokens
        assert meta['class_names'].split('\n') == CLASS_NAMES
        assert len(onnx.load(path).graph.input) == 1


@pytest.mark.parametrize('family', ('posmlp', 'vast', 'ila'))
def test_export_at_fewer_frames_than_the_recipe(family, tmp_path):
    """Half the recipe's frames: PosMLP-Video's temporal windows shrink to their leading
    sub-window (MorphMLP's temporal FCs are sized by ``num_frames`` and refuse other counts)."""
    cfg = synthetic_cfg(family)
    path = str(tmp_path / 'model.onnx')
    graph, x = export_onnx(load_model(cfg), cfg, (1, 3, recipe_frames(cfg) // 2, 56, 56), path)
    assert check_fp32(graph, path, x)['max_abs_diff'] <= 1e-4


def test_ila_text_embeddings_are_constant(tmp_path):
    cfg = synthetic_cfg('ila')
    model = load_model(cfg)
    graph = InferenceGraph(model)
    expected = model.cls_head.text_encoder(model.cls_head.text_tokens).detach()
    torch.testing.assert_close(graph.text_features, expected)
    # the text tower is not evaluated again: changing it no longer changes the scores
    x = torch.randn(1, 3, 16, 56, 56)
    with torch.no_grad():
        before = graph(x)
        for p in model.cls_head.text_encoder.parameters():
            p.add_(1.)
        torch.testing.assert_close(graph(x), before)


def test_image_classifier_export(tmp_path):
    cfg = Config.fromfile(osp.join(REPO, 'configs', 'vast', 'ast-t_16xb64_in1k.py'))
    model = load_model(cfg)
    path = str(tmp_path / 'image.onnx')
    with pytest.raises(ValueError, match='image model takes 4 sizes'):
        export_onnx(model, cfg, (1, 3, 2, 64, 64), path)
    graph, x = export_onnx(model, cfg, (1, 3, 64, 64), path)
    assert check_fp32(graph, path, x)['max_abs_diff'] <= 1e-4


def test_unsupported_operator_is_named(tmp_path):
    class Eigen(torch.nn.Module):
        def forward(self, x):
            return torch.linalg.eigvals(x).real

    with pytest.raises(ExportError, match=r"operator aten::linalg_eigvals.*not supported"):
        export_module(Eigen(), torch.randn(2, 3, 3), str(tmp_path / 'eig.onnx'))


def make_task(n, generator):
    """Clips of noise with one of ten fixed random patterns moving in time (the label)."""
    g = torch.Generator().manual_seed(123)
    patterns = torch.randn(10, 3, 1, 32, 32, generator=g)
    labels = torch.randint(0, 10, (n, ), generator=generator)
    frames = torch.arange(4).view(1, 1, 4, 1, 1)
    clips = patterns[labels] * (1 + frames) / 4
    return clips + 1.5 * torch.randn(n, 3, 4, 32, 32, generator=generator), labels


def test_int8_accuracy_of_a_trained_model(tmp_path):
    torch.manual_seed(0)
    cfg = synthetic_cfg('vast')
    model = load_model(cfg)
    graph = InferenceGraph(model)
    gen = torch.Generator().manual_seed(0)
    optimizer = torch.optim.AdamW(model.parameters(), lr=3e-3)
    graph.train()
    for _ in range(40):
        x, y = make_task(32, gen)
        loss = torch.nn.functional.cross_entropy(graph(x), y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    graph.eval()
    x, y = make_task(400, gen)
    with torch.no_grad():
        fp32 = (graph(x).argmax(-1) == y).float().mean().item()
    assert fp32 > 0.5, f'the model did not learn the task (top-1 {fp32:.2f})'
    # onnxruntime int8
    path = str(tmp_path / 'vast.onnx')
    export_onnx(model, cfg, (1, 3, 4, 32, 32), path, dynamic_batch=True)
    quantize_onnx(path, str(tmp_path / 'vast.int8.onnx'))
    ort_int8 = (run_onnx(str(tmp_path / 'vast.int8.onnx'), x).argmax(-1) == y.numpy()).mean()
    # PyTorch int8
    _, count = quantize_torch_int8(model)
    assert count >= 8
    with torch.no_grad():
        torch_int8 = (graph(x).argmax(-1) == y).float().mean().item()
    assert abs(ort_int8 - fp32) <= 0.01, (fp32, ort_int8)
    assert abs(torch_int8 - fp32) <= 0.01, (fp32, torch_int8)


def test_benchmark_onnx_rows(tmp_path):
    """benchmark.py --onnx: onnxruntime fp32 and int8 rows in the table and the JSON, beside
    PyTorch's, from one run."""
    import json
    out_json = tmp_path / 'bench.json'
    out = run_tool('tools/analysis/benchmark.py', 'configs/posmlp_synthetic.py', '--frames', '8',
                   '--size', '56', '--no-train', '--warmup', '0', '--repeats', '1',
                   '--gemm-size', '256', '--onnx', '--json', str(out_json))
    rows = {r['precision']: r for r in json.loads(out_json.read_text())['results']}
    assert set(rows) == {'fp32', 'onnx-fp32', 'onnx-int8'}, rows
    assert all('error' not in r and r['infer']['median'] > 0 for r in rows.values()), rows
    for precision in rows:
        assert f'configs/posmlp_synthetic.py  {precision} ' in out


def test_int8_input_range_follows_the_cpu():
    """8-bit inputs (VNNI CPUs) halve the activation error of PyTorch's 7-bit default; without
    VNNI the default keeps PyTorch's 7 bits."""
    import torch.ao.nn.quantized.dynamic as nnqd

    from mmvideomlp.deployment.quantize import FullRangeDynamicLinear, cpu_has_vnni
    torch.manual_seed(0)
    x = torch.randn(256, 128) * 3
    x[:, 0] *= 20  # one outlier channel sets the input's scale
    layers = {}
    for full_range in (False, True, None):
        model = torch.nn.Sequential(torch.nn.Linear(128, 64))
        torch.manual_seed(1)
        model[0].reset_parameters()
        with torch.no_grad():
            ref = model(x)
        quantize_torch_int8(model, full_range=full_range)
        with torch.no_grad():
            layers[full_range] = (type(model[0]), (model(x) - ref).abs().mean().item())
    assert layers[False][0] is nnqd.Linear and layers[True][0] is FullRangeDynamicLinear
    assert layers[None][0] is (FullRangeDynamicLinear if cpu_has_vnni() else nnqd.Linear)
    if cpu_has_vnni():  # 8-bit products accumulate in int32: no saturation
        assert layers[True][1] < 0.6 * layers[False][1], layers


def test_export_tool_int8(tmp_path):
    out = str(tmp_path / 'vast.onnx')
    log = run_tool('tools/deployment/export_onnx.py', 'configs/vast_synthetic.py', 'none', out,
                   '--shape', '1', '3', '8', '56', '56', '--dynamic-batch', '--precision',
                   'int8')
    assert 'max abs logit difference from PyTorch' in log and 'top-1 agreement' in log
    assert osp.isfile(out) and osp.isfile(str(tmp_path / 'vast.fp32.onnx'))
    diff = float(log.split('difference from PyTorch ')[1].split()[0])
    assert diff <= 1e-4
    bad = run_tool('tools/deployment/export_onnx.py', 'configs/vast_synthetic.py', 'none', out,
                   '--shape', '1', '3', '56', '56', check=False)
    assert 'video model takes 5 sizes (N C T H W)' in bad


def test_python_api_on_demo_video(tmp_path):
    from mmaction.apis import inference_recognizer, init_recognizer

    from mmvideomlp.utils.inference import classify_video
    config = osp.join(REPO, 'configs', 'morphmlp_synthetic.py')
    video = osp.join(REPO, 'demo', 'demo.mp4')
    model = init_recognizer(config, None, device='cpu')
    ckpt = str(tmp_path / 'model.pth')
    torch.save(dict(state_dict=model.state_dict()), ckpt)
    model = init_recognizer(config, ckpt, device='cpu')
    scores = inference_recognizer(model, video).pred_score
    assert scores.shape == (10, ) and abs(float(scores.sum()) - 1) < 1e-4
    top = classify_video(Config.fromfile(config), ckpt, video, CLASS_NAMES, topk=3)
    assert [label for label, _ in top] == [CLASS_NAMES[i] for i in scores.topk(3).indices]
    int8 = classify_video(Config.fromfile(config), ckpt, video, CLASS_NAMES, topk=3,
                          precision='int8')
    assert len(int8) == 3 and abs(int8[0][1] - top[0][1]) < 0.05
