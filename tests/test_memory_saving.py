"""Memory-saving training on CPU: activation checkpointing through mmengine's FSDP
``activation_checkpointing`` config (torch's checkpoint wrapper around every block) equals
the backbones' ``with_cp`` and plain training, and gradient accumulation
(``optim_wrapper.accumulative_counts``) equals the larger batch."""
import copy

import pytest
import torch
from mmaction.structures import ActionDataSample
from mmengine.config import Config
from mmengine.optim import OptimWrapper
from test_backbone_contract import FAMILY_NAMES, build, features, video
from tool_runner import REPO
from torch.distributed.algorithms._checkpoint.checkpoint_wrapper import (
    CheckpointWrapper, apply_activation_checkpointing)

from mmvideomlp.engine.strategies import (block_classes, video_block_checkpoint_fn,
                                          video_block_wrap_policy)
from mmvideomlp.utils.complexity import build_model_from_cfg


def run(model, x):
    torch.manual_seed(3)
    out = features(model(x))
    sum(o.square().mean() for o in out).backward()
    grads = {k.replace('_checkpoint_wrapped_module.', ''): p.grad.clone()
             for k, p in model.named_parameters() if p.grad is not None}
    return [o.detach() for o in out], grads


@pytest.mark.parametrize('name', FAMILY_NAMES)
def test_activation_checkpointing_equals_with_cp_and_plain(name):
    plain = build(name).train()
    with_cp = build(name, with_cp=True).train()
    wrapped = build(name).train()
    keys = list(plain.state_dict())
    # what FSDPStrategy(activation_checkpointing=dict(check_fn='video_block_checkpoint_fn'))
    # does to the model
    apply_activation_checkpointing(wrapped, check_fn=video_block_checkpoint_fn)
    blocks = [m for m in plain.modules() if isinstance(m, block_classes())]
    assert len(blocks) > 0
    assert sum(isinstance(m, CheckpointWrapper) for m in wrapped.modules()) == len(blocks)
    assert list(wrapped.state_dict()) == keys  # checkpoints keep their keys
    for model in (with_cp, wrapped):
        model.load_state_dict(plain.state_dict())
    x = video(name)
    ref_out, ref_grads = run(plain, x)
    for model in (with_cp, wrapped):
        out, grads = run(model, x)
        for a, b in zip(ref_out, out):
            torch.testing.assert_close(a, b)
        assert grads.keys() == ref_grads.keys() and len(grads) > 0
        for key in grads:
            torch.testing.assert_close(grads[key], ref_grads[key], msg=key)


def test_block_names_are_checked():
    with pytest.raises(ValueError, match=r"unknown block types \['Block'\]; allowed: "
                       r"\['MorphBlock', 'PosMLPBlock', 'AffineShiftBlock', 'ILABlock'\]"):
        video_block_wrap_policy(torch.nn.Linear(1, 1), False, 0, block_types=['Block'])


def batch(n, seed):
    g = torch.Generator().manual_seed(seed)
    inputs = [torch.randint(0, 256, (1, 3, 8, 32, 32), generator=g).float() for _ in range(n)]
    labels = torch.randint(0, 10, (n, ), generator=g)
    samples = [ActionDataSample().set_gt_label(label) for label in labels]
    return dict(inputs=inputs, data_samples=samples)


def test_gradient_accumulation_equals_the_larger_batch():
    """k=3 steps of batch 2 with accumulative_counts=3 == 1 step of batch 6 (SGD).

    MorphMLP's only batch-dependent layer is the stem's BatchNorm: it is kept in eval mode
    (``norm_eval=True``), and the synthetic config has no dropout or stochastic depth."""
    cfg = Config.fromfile(f'{REPO}/configs/morphmlp_synthetic.py')
    cfg.model.backbone.norm_eval = True
    torch.manual_seed(0)
    model = build_model_from_cfg(cfg)
    model.init_weights()
    models = [model, copy.deepcopy(model)]
    initial = copy.deepcopy(model)
    k, b = 3, 2
    data = batch(k * b, seed=5)
    for model, counts in zip(models, (k, 1)):
        model.train()
        wrapper = OptimWrapper(torch.optim.SGD(model.parameters(), lr=0.5),
                               accumulative_counts=counts)
        wrapper.initialize_count_status(model, 0, counts)
        if counts == 1:
            model.train_step(data, wrapper)
            continue
        for i in range(k):
            part = {key: value[i * b:(i + 1) * b] for key, value in data.items()}
            model.train_step(part, wrapper)
            updated = any(not torch.equal(p, q) for p, q in
                          zip(model.parameters(), models[1].parameters()))
            assert updated == (i == k - 1)  # only the last micro-batch steps the optimizer
    for (key, p), q in zip(models[0].named_parameters(), models[1].parameters()):
        torch.testing.assert_close(p, q, rtol=1e-4, atol=1e-6, msg=key)
    assert any(not torch.allclose(p, q) for p, q in
               zip(models[0].parameters(), initial.parameters()))
