"""The FlexibleRunner strategy configs of each family: they resolve to FSDP (bf16, one unit
per block of the family) and DeepSpeed ZeRO-2; FSDP in bf16 trains each family's tiny
model on CPU; DeepSpeed is built as far as it can be without the package and CUDA."""
import json
import os
import subprocess
import sys

import pytest
import torch
import torch.distributed as dist
from mmengine.config import Config
from tool_runner import REPO, free_port

FAMILIES = {  # variant prefix, original config, block class, tiny synthetic config
    'morphmlp': ('morphmlp_b32', 'morphmlp/morphmlp-b_in1k-pre_8xb8-32x4x1-60e_kinetics400-rgb.py', 'MorphBlock', 'morphmlp_synthetic.py'),
    'posmlp': ('posmlp_s16', 'posmlp/posmlp-video-s_in1k-pre_8xb8-16x4x1-60e_kinetics400-rgb.py', 'PosMLPBlock', 'posmlp_synthetic.py'),
    'vast': ('vast_s_8f', 'vast/vast-s_in1k-pre_8xb8-8x8x1-30e_kinetics400-rgb.py', 'AffineShiftBlock', 'vast_synthetic.py'),
    'ila': ('ila_vitl14-336_16f', 'ila/ila-vit-large-p14-res336_clip-pre_8xb8-u16-50e_kinetics400-rgb.py', 'ILABlock', 'ila_synthetic.py'),
}


def load(name):
    return Config.fromfile(os.path.join(REPO, 'configs', name))


@pytest.mark.parametrize('family', sorted(FAMILIES))
def test_variants_resolve(family):
    prefix, original, block, _ = FAMILIES[family]
    base = load(original)
    fsdp, zero2 = load(f'{prefix}-fsdp_k400.py'), load(f'{prefix}-zero2_k400.py')
    for cfg in (fsdp, zero2):
        assert cfg.runner_type == 'FlexibleRunner'
        assert cfg.optim_wrapper.optimizer == base.optim_wrapper.optimizer
        assert cfg.optim_wrapper.get('paramwise_cfg') == base.optim_wrapper.get('paramwise_cfg')
        assert cfg.model == base.model and cfg.train_dataloader == base.train_dataloader
    wrapper = fsdp.strategy.model_wrapper
    assert fsdp.strategy.type == 'PlainGroupsFSDPStrategy'
    assert wrapper.auto_wrap_policy == dict(type='video_block_wrap_policy', block_types=[block])
    assert wrapper.mixed_precision.param_dtype == 'bfloat16'
    assert fsdp.optim_wrapper.type == 'ShardedClipOptimWrapper'
    assert fsdp.optim_wrapper.get('clip_grad') == base.optim_wrapper.get('clip_grad')
    assert zero2.strategy.type == 'DeepSpeedStrategy'
    assert zero2.strategy.zero_optimization.stage == 2 and zero2.strategy.bf16.enabled
    assert zero2.optim_wrapper.type == 'DeepSpeedOptimWrapper'
    clip = base.optim_wrapper.get('clip_grad')
    assert zero2.strategy.get('gradient_clipping') == (clip.max_norm if clip else None)
    accumulate = base.optim_wrapper.get('accumulative_counts', 1)
    assert fsdp.optim_wrapper.get('accumulative_counts', 1) == accumulate
    assert zero2.strategy.get('gradient_accumulation_steps', 1) == accumulate


def test_deepspeed_builds_up_to_the_engine():
    """Without deepspeed and CUDA: the optimizer wrapper builds from the ZeRO-2 config, the
    strategy refuses with mmengine's message, tools/train.py's CPU path with its own."""
    from mmengine.optim import build_optim_wrapper
    from mmengine.registry import STRATEGIES

    from mmvideomlp.utils.complexity import build_model_from_cfg
    from mmvideomlp.utils.launch import prepare_cpu_distributed
    cfg = load('morphmlp_b32-zero2_k400.py')
    tiny = build_model_from_cfg(load('morphmlp_synthetic.py'))
    wrapper = build_optim_wrapper(tiny, cfg.optim_wrapper.copy())
    assert type(wrapper).__name__ == 'DeepSpeedOptimWrapper'
    decays = sorted({g['weight_decay'] for g in wrapper.optimizer.param_groups})
    assert decays == [0.0, 0.05]  # the paramwise rules apply (no decay on norms and biases)
    try:
        import deepspeed  # noqa: F401
    except ImportError:
        with pytest.raises(AssertionError, match='DeepSpeed is not installed'):
            STRATEGIES.build(dict(cfg.strategy, work_dir=None))
    if not torch.cuda.is_available():
        with pytest.raises(RuntimeError, match='DeepSpeedStrategy trains on CUDA GPUs only'):
            prepare_cpu_distributed(cfg, 'pytorch')
        assert not dist.is_initialized()


# One process, world size 1: each family's tiny model wrapped as its FSDP bf16 variant
# wraps it, one training step.
FSDP_BF16_STEP = """
import json, sys, torch, torch.distributed as dist
from mmengine.config import Config
from mmengine.registry import MODEL_WRAPPERS
import mmvideomlp
from mmvideomlp.engine.strategies import (block_classes, frozen_scalars_to_buffers,
                                          resolve_fp32_modules)
from mmvideomlp.utils.complexity import build_model_from_cfg
dist.init_process_group('gloo')
results = {}
for variant, tiny, block in json.loads(sys.argv[1]):
    cfg = Config.fromfile(tiny)
    if 'class_names' in cfg.model.cls_head:
        cfg.model.cls_head.class_names = [str(i) for i in range(10)]
    torch.manual_seed(0)
    model = build_model_from_cfg(cfg).train()
    blocks = sum(isinstance(m, block_classes(block)) for m in model.modules())
    buffers = frozen_scalars_to_buffers(model)  # as PlainGroupsFSDPStrategy does
    wrapper = Config.fromfile(variant).strategy.model_wrapper.to_dict()
    wrapper.update(device_id='cpu',
                   mixed_precision=resolve_fp32_modules(wrapper['mixed_precision']))
    fsdp = MODEL_WRAPPERS.build(wrapper, default_args=dict(module=model))
    units = [m for m in fsdp.modules() if type(m).__name__ == 'FullyShardedDataParallel'
             or type(m).__name__ == 'MMFullyShardedDataParallel']
    inner = [type(u.module).__name__ for u in units[1:]
             if not isinstance(u.module, torch.nn.modules.batchnorm._BatchNorm)
             and not isinstance(u.module, torch.nn.LayerNorm)]
    x = torch.randn(2, 1, 3, 16 if 'ila' in tiny else 8, 56, 56)
    scores = fsdp(x, mode='tensor')
    scores = scores[0] if isinstance(scores, tuple) else scores  # ILA: (scores, align loss)
    loss = scores.float().logsumexp(-1).mean()
    loss.backward()
    grads = [p.grad for p in fsdp.parameters() if p.grad is not None]
    results[block] = dict(blocks=blocks, inner=inner, dtype=str(scores.dtype),
                          loss=float(loss), grad_dtypes=sorted({str(g.dtype) for g in grads}),
                          grads=len(grads), buffers=buffers)
print('RESULT' + json.dumps(results))
"""


def test_fsdp_bf16_variants_train_each_family_on_cpu(tmp_path):
    jobs = [[os.path.join(REPO, 'configs', f'{prefix}-fsdp_k400.py'),
             os.path.join(REPO, 'configs', tiny), block]
            for prefix, _, block, tiny in FAMILIES.values()]
    env = dict(os.environ, MASTER_ADDR='127.0.0.1', MASTER_PORT=str(free_port()), RANK='0',
               WORLD_SIZE='1', LOCAL_RANK='0', OMP_NUM_THREADS='2', PYTHONWARNINGS='ignore')
    proc = subprocess.run([sys.executable, '-c', FSDP_BF16_STEP, json.dumps(jobs)], cwd=REPO,
                          env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-5000:]
    results = json.loads(proc.stdout.split('RESULT', 1)[1])
    for _, _, block, _ in FAMILIES.values():
        r = results[block]
        assert r['blocks'] > 0 and r['inner'] == [block] * r['blocks'], r
        assert r['dtype'] == 'torch.bfloat16'  # computed in bf16
        assert r['grad_dtypes'] == ['torch.float32'] and r['grads'] > 0  # fp32 master grads
        assert torch.isfinite(torch.tensor(r['loss']))
    assert results['ILABlock']['buffers'] == ['cls_head.logit_scale']  # frozen with the text
