"""bf16 as a CPU precision (the model cast once, no fp32 inside) and the default GEMM back end
chosen from the CPU alone."""
import os.path as osp

import pytest
import torch
from mmengine.config import Config
from mmengine.registry import init_default_scope
from tiny_runs import CONFIGS, cli, tiny_options
from tool_runner import REPO, run_tool

import mmvideomlp.utils.cpu_gemm as cpu_gemm
from mmvideomlp.engine import BF16InferenceHook, cpu_bf16_supported
from mmvideomlp.engine.hooks.cpu_gemm_hook import add_cpu_gemm_hook
from mmvideomlp.utils.launch import enable_amp
from mmvideomlp.utils.precision import to_bf16

FAMILIES = tuple(CONFIGS)
needs_bf16 = pytest.mark.skipif(not cpu_bf16_supported(), reason='no native bf16 on this CPU')


def tiny_recognizer(family, tiny_lists=('root', 'lists')):
    init_default_scope('mmaction')
    from mmaction.registry import MODELS
    cfg = Config.fromfile(osp.join(REPO, CONFIGS[family]))
    options = tiny_options(family, *tiny_lists)
    if family == 'ila':  # text prompts need names only, no dataset on disk
        options['model.cls_head.class_names'] = [f'class {i}' for i in range(10)]
    cfg.merge_from_dict(options)
    torch.manual_seed(0)
    model = MODELS.build(cfg.model).eval()
    frames = 16 if family == 'vast' else 8
    size = 56 if family == 'ila' else 32
    return model, torch.randn(2, 3, frames, size, size)


@needs_bf16
@pytest.mark.parametrize('family', FAMILIES)
def test_bf16_model_computes_in_bf16_and_agrees_with_fp32(family):
    model, x = tiny_recognizer(family)
    with torch.no_grad():
        reference = model.cls_head(model.backbone(x))
    to_bf16(model)
    dtypes = {}

    def record(module, args, output):
        if torch.is_tensor(output) and output.is_floating_point():
            dtypes.setdefault(output.dtype, []).append(type(module).__name__)

    for name, module in model.backbone.named_modules():
        module.register_forward_hook(record)
    with torch.no_grad():
        scores = model.cls_head(model.backbone(x))
    # every module of the backbone (custom mixing, shifts, alignment included) stays in bf16
    assert set(dtypes) == {torch.bfloat16}, {k: sorted(set(v)) for k, v in dtypes.items()}
    assert all(p.dtype == torch.bfloat16 for p in model.backbone.parameters())
    assert scores.dtype == torch.float32
    assert all(p.dtype == torch.float32 for p in model.data_preprocessor.parameters())
    scale = reference.abs().max().item()
    assert (scores - reference).abs().max().item() <= 0.05 * scale + 1e-3


@needs_bf16
@pytest.mark.parametrize('family', FAMILIES)
def test_autocast_training_keeps_every_backbone_module_in_bf16(family):
    """Under bf16 autocast (tools/train.py --amp) no module of the backbone hands fp32 on
    (an fp32 parameter added to a bf16 result would promote everything after it)."""
    model, x = tiny_recognizer(family)
    model.train()
    in_fp32 = set()
    for name, module in model.backbone.named_modules():
        module.register_forward_hook(
            lambda m, args, out, name=name: in_fp32.add(name)
            if torch.is_tensor(out) and out.dtype == torch.float32 else None)
    with torch.autocast('cpu', dtype=torch.bfloat16):
        out = model.backbone(x)
    (out[0] if isinstance(out, (tuple, list)) else out).float().mean().backward()
    assert not in_fp32, sorted(in_fp32)


def test_gating_split_gives_chunks_gradients():
    from mmvideomlp.models.layers.posmlp_block import PoSGU
    unit = PoSGU(4, groups=2, table_init_std=0.1)
    unit.init_weights()
    x = torch.randn(2, 3, 8, 8, 8, dtype=torch.float64, requires_grad=True)
    weights = torch.randn(2, 3, 8, 8, 4, dtype=torch.float64)
    unit.double()
    grad, = torch.autograd.grad((unit(x) * weights).sum(), x)
    u, v = x.detach().chunk(2, dim=-1)
    u.requires_grad_(), v.requires_grad_()
    expected = torch.autograd.grad((unit.pos(u) * v * weights).sum(), (u, v))
    torch.testing.assert_close(grad, torch.cat(expected, -1))


def test_default_gemm_back_end_follows_the_cpu(monkeypatch):
    cases = [('AuthenticAMD', {'avx2', 'avx512f'}, 'onednn'),
             ('AuthenticAMD', {'avx2'}, 'blas'),
             ('GenuineIntel', {'avx2', 'avx512f'}, 'blas'),
             ('', set(), 'blas')]
    for vendor, flags, expected in cases:
        monkeypatch.setattr(cpu_gemm, 'cpu_vendor', lambda: vendor)
        monkeypatch.setattr(cpu_gemm, 'cpu_flags', lambda: frozenset(flags))
        assert cpu_gemm.default_cpu_gemm() == expected, (vendor, flags)
        assert cpu_gemm.resolve_cpu_gemm('auto') == expected
    assert cpu_gemm.resolve_cpu_gemm('blas') == 'blas'
    # the tools add an auto hook unless the config chose a back end
    cfg = Config(dict(custom_hooks=[dict(type='EMAHook')]))
    assert add_cpu_gemm_hook(cfg, None).custom_hooks[-1] == dict(type='CpuGemmHook',
                                                                 backend='auto')


def test_bf16_counts_as_native_only_with_a_bf16_instruction_flag(monkeypatch):
    import mmvideomlp.engine.amp as amp
    monkeypatch.setattr(torch.ops.mkldnn, '_is_mkldnn_bf16_supported', lambda: True)
    avx512 = {'avx2', 'avx512f', 'avx512bw', 'avx512vl', 'avx512dq', 'avx512_vnni'}
    monkeypatch.setattr(amp, 'cpu_flags', lambda: frozenset(avx512))
    assert not amp.cpu_bf16_supported()  # oneDNN would emulate bf16: slower than fp32
    monkeypatch.setattr(amp, 'cpu_flags', lambda: frozenset(avx512 | {'avx512_bf16'}))
    assert amp.cpu_bf16_supported()
    monkeypatch.setattr(amp, 'cpu_flags', lambda: frozenset({'fp', 'asimd', 'sve', 'bf16'}))
    assert amp.cpu_bf16_supported()


def test_without_native_bf16_amp_falls_back_to_fp32_and_says_so(monkeypatch):
    import logging

    from mmengine.logging import MMLogger
    import mmvideomlp.engine.amp as amp
    monkeypatch.setattr(amp, 'cpu_bf16_supported', lambda: False)
    monkeypatch.setattr(torch.cuda, 'is_available', lambda: False)
    cfg = Config(dict(optim_wrapper=dict(type='OptimWrapper', optimizer=dict(type='SGD'))))
    records = []
    handler = logging.Handler()
    handler.emit = records.append
    logger = MMLogger.get_current_instance()
    logger.addHandler(handler)
    try:
        enable_amp(cfg)
    finally:
        logger.removeHandler(handler)
    assert cfg.optim_wrapper.type == 'OptimWrapper'
    said = ' '.join(r.getMessage() for r in records if r.levelno == logging.WARNING)
    assert '--amp: this CPU has no native bf16 support' in said
    assert 'running in fp32 instead' in said
    assert BF16InferenceHook.priority == 'VERY_LOW'  # after the checkpoint is loaded


@needs_bf16
def test_tools_test_precision_bf16_keeps_the_fp32_accuracy(synthetic_videos, tmp_path):
    """A tiny MorphMLP trained briefly in fp32, tested by tools/test.py in fp32 and in bf16
    on the same clips: the same top-1 (the scores differ by bf16 rounding only)."""
    lists = str(tmp_path)
    for split in ('train', 'val', 'test'):
        with open(osp.join(synthetic_videos, f'{split}_list.txt')) as f:
            rows = f.readlines()[:8]
        with open(osp.join(lists, f'{split}_list.txt'), 'w') as f:
            f.writelines(rows)
    options = cli({**tiny_options('morphmlp', synthetic_videos, lists),
                   'train_cfg.max_epochs': 2, 'train_cfg.val_interval': 100})
    work = str(tmp_path / 'work')
    run_tool('tools/train.py', CONFIGS['morphmlp'], '--work-dir', work,
             '--cfg-options', *options)
    ckpt = osp.join(work, 'epoch_2.pth')
    results = {}
    for precision in ('fp32', 'bf16'):
        dump = str(tmp_path / f'{precision}.pkl')
        out = run_tool('tools/test.py', CONFIGS['morphmlp'], ckpt, '--work-dir', work,
                       '--precision', precision, '--dump', dump, '--cfg-options', *options)
        assert ('bf16: the model runs in bfloat16' in out) == (precision == 'bf16')
        assert 'CPU GEMM back end: ' in out
        import pickle
        with open(dump, 'rb') as f:
            results[precision] = torch.stack([r['pred_score'] for r in pickle.load(f)])
    assert results['bf16'].dtype == torch.float32
    assert torch.equal(results['bf16'].argmax(1), results['fp32'].argmax(1))
    assert (results['bf16'] - results['fp32']).abs().max() < 0.05
