"""tools/analysis/benchmark.py on a toy recognizer whose FLOPs and run time are known."""
import importlib.util
import json
import os
import os.path as osp

from tool_runner import REPO, run_tool

SLEEP = 0.3  # seconds the toy backbone waits in every forward pass

TOY = f'''
import time

import torch.nn as nn
from mmvideomlp import register_model


@register_model
class SleepyToyBackbone(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv3d(3, 8, (1, 3, 3), padding=(0, 1, 1), bias=False)

    def forward(self, x):
        time.sleep({SLEEP})
        return self.conv(x)
'''

CONFIG = '''
default_scope = 'mmaction'
custom_imports = dict(imports=['mmvideomlp', 'sleepy_toy'], allow_failed_imports=False)
model = dict(
    type='Recognizer3D',
    backbone=dict(type='SleepyToyBackbone'),
    cls_head=dict(type='I3DHead', num_classes=5, in_channels=8, dropout_ratio=0.))
'''


def _tool_module():
    spec = importlib.util.spec_from_file_location(
        'benchmark_tool', osp.join(REPO, 'tools', 'analysis', 'benchmark.py'))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_benchmark_counts_times_converts_and_reports(tmp_path):
    (tmp_path / 'sleepy_toy.py').write_text(TOY)
    config, out_json = tmp_path / 'toy.py', tmp_path / 'bench.json'
    config.write_text(CONFIG)
    out = run_tool('tools/analysis/benchmark.py', str(config), '--frames', '4', '--size', '8',
                   '--warmup', '1', '--repeats', '3', '--gemm-size', '256',
                   '--cpu-gemm', 'both', '--json', str(out_json),
                   env=dict(PYTHONPATH=os.pathsep.join([str(tmp_path), REPO])))
    result = json.loads(out_json.read_text())
    blas, onednn = result['results']
    assert 'error' not in blas and 'error' not in onednn, out
    # conv: 8 output channels x 4 x 8 x 8 positions x 27 multiply-adds; head: 8 -> 5 FC
    assert blas['flops'] == onednn['flops'] == 8 * 4 * 8 * 8 * 27 + 8 * 5
    # the forward pass sleeps SLEEP and does almost nothing else: each timing is one call
    # (not the sum of the three repeats); the best of three below 2 x SLEEP even on a
    # busy machine
    for r in (blas, onednn):
        for mode in ('infer', 'train'):
            assert SLEEP <= r[mode]['min'] <= r[mode]['median'] <= r[mode]['max'], mode
            assert r[mode]['min'] < 2 * SLEEP, mode
        assert r['clips_per_s']['infer'] == 1 / r['infer']['median']
    # --cpu-gemm both: the head's FC on oneDNN in the second run only
    assert (blas['cpu_gemm'], blas['onednn_fcs']) == ('blas', 0)
    assert (onednn['cpu_gemm'], onednn['onednn_fcs']) == ('onednn', 1)
    # the printed table and comparison are those of the JSON's numbers
    tool = _tool_module()
    assert tool.table(result['results'], result['gemm_peak']['peak'], 1) in out
    assert tool.backend_ratios(result['results']) in out
    assert 'oneDNN vs BLAS speed-up inference' in out
    assert f'GEMM peak (256^3, fp32): matmul {result["gemm_peak"]["matmul"] / 1e9:.0f}' in out


def test_benchmark_training_memory_with_and_without_checkpointing(tmp_path):
    """--with-cp both: the same model measured with plain blocks and with every block
    checkpointed; the JSON has both training-step peaks and the printed summary compares
    them."""
    out_json = tmp_path / 'cp.json'
    out = run_tool('tools/analysis/benchmark.py', 'configs/morphmlp_synthetic.py', '--frames',
                   '8', '--size', '56', '--warmup', '0', '--repeats', '1', '--gemm-size', '128',
                   '--with-cp', 'both', '--json', str(out_json))
    plain, checkpointed = json.loads(out_json.read_text())['results']
    assert 'error' not in plain and 'error' not in checkpointed, out
    assert (plain['with_cp'], checkpointed['with_cp']) == (False, True)
    for r in (plain, checkpointed):
        assert 0 < r['base_memory'] <= r['train_peak_memory'] <= r['peak_memory']
    # a step without checkpointing holds every block's activations: more than with it
    assert 0 < checkpointed['train_step_peak'] < plain['train_step_peak']
    assert _tool_module().checkpointing_savings([plain, checkpointed]) in out
    assert 'configs/morphmlp_synthetic.py (fp32): with_cp a training step holds' in out
    assert 'configs/morphmlp_synthetic.py (with_cp)' in out
