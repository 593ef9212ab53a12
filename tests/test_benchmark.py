"""Smoke test of tools/analysis/benchmark.py: output format, not timings."""
import json

from tool_runner import run_tool


def test_benchmark_prints_table_and_writes_json(tmp_path):
    out_json, out_png = tmp_path / 'bench.json', tmp_path / 'bench.png'
    out = run_tool('tools/analysis/benchmark.py', 'configs/quickstart_synthetic.py',
                   'configs/morphmlp_synthetic.py', '--frames', '16', '--size', '56',
                   '--warmup', '0', '--repeats', '2', '--gemm-size', '512',
                   '--cpu-gemm', 'onednn', '--json', str(out_json),
                   '--plot', str(out_png))
    assert 'GEMM peak (512^3, fp32): matmul' in out and 'onednn' in out
    assert 'infer MFU' in out and 'train MFU' in out
    result = json.loads(out_json.read_text())
    assert result['gemm_peak']['peak'] >= result['gemm_peak']['matmul'] > 0
    for model in result['results']:
        assert 'error' not in model, model.get('error')
        assert model['flops'] > 0 and model['params'] > 0 and model['peak_memory'] > 0
        assert model['infer']['min'] <= model['infer']['median'] <= model['infer']['max']
        assert model['train']['median'] > 0
    assert out_png.stat().st_size > 0
    # the GEMM back end of our FCs is reported (the ResNet3d has none of them)
    resnet, morphmlp = result['results']
    assert 'cpu_gemm' not in resnet
    assert morphmlp['cpu_gemm'] == dict(infer='onednn', train='onednn')
