"""VAST on the synthetic temporal-order set: it learns through tools/train.py, and without the
temporal shift it is blind to the order of frames, so it cannot tell a class from its twin."""
import os.path as osp

import numpy as np
import torch
from mmengine.config import Config
from mmengine.dataset import Compose
from mmengine.registry import DefaultScope
from tool_runner import run_tool, training_log, video_data_options

from mmvideomlp.utils.complexity import build_model_from_cfg

CONFIG = 'configs/vast_synthetic.py'
EPOCHS = 10


def small_options(cfg):
    """--cfg-options for 32x32 crops of 8 frames (stage maps 8, 4, 2) and 10 epochs of the 80
    fixture videos, without the label-changing augmentations (time reversal, flips): a set
    to fit."""
    options = [f'train_cfg.max_epochs={EPOCHS}', f'train_cfg.val_interval={EPOCHS}',
               f'param_scheduler.1.T_max={EPOCHS - 1}', f'param_scheduler.1.end={EPOCHS}',
               'optim_wrapper.optimizer.lr=0.003', 'default_hooks.logger.interval=1']
    for key in ('train_dataloader', 'val_dataloader'):
        steps = cfg[key].dataset.pipeline
        for i, step in enumerate(steps):
            prefix = f'{key}.dataset.pipeline.{i}'
            options += dict(Resize=[f'{prefix}.scale=(-1,32)'], RandomCrop=[f'{prefix}.size=32'],
                            CenterCrop=[f'{prefix}.crop_size=32'],
                            ReverseFrameOrder=[f'{prefix}.prob=0'],
                            LabelMappedFlip=[f'{prefix}.flip_ratio=0']).get(step.type, [])
    return options


def ast_checkpoint(repo_root, path):
    """An AST image classifier with the synthetic model's backbone and initialisation, saved
    by mmpretrain."""
    cfg = Config.fromfile(osp.join(repo_root, 'configs', 'vast/ast-t_16xb64_in1k.py'))
    synthetic = Config.fromfile(osp.join(repo_root, CONFIG)).model.backbone
    for key in ('arch', 'spatial_shift_ratio', 'affine_init_std', 'init_cfg'):
        cfg.model.backbone[key] = synthetic[key]
    cfg.model.backbone.out_indices = (-1, )
    cfg.model.head.in_channels = 128
    with DefaultScope.overwrite_default_scope('mmpretrain'):
        model = build_model_from_cfg(cfg)
    model.init_weights()
    torch.save(dict(state_dict=model.state_dict(), meta=dict()), path)


def image_start_config(repo_root, path):
    """The synthetic config on whole frames: an image model starts from what single frames
    show. The recipe's motion-only input (the clip's temporal mean subtracted) would hide it:
    every frame's features start nearly linear in its pixels (the patch kernel is inflated
    into the centre tap), and their mean over time is then nearly zero."""
    cfg = Config.fromfile(osp.join(repo_root, CONFIG))
    for key in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        cfg[key].dataset.pipeline = [step for step in cfg[key].dataset.pipeline
                                     if step.type != 'SubtractTemporalMean']
    cfg.model.data_preprocessor.update(mean=[127.5] * 3, std=[60.] * 3)
    cfg.model.backbone.patch_kernel_size = None  # AST's 4x4 patches, not the recipe's 7x7
    cfg.dump(path)
    return cfg


def test_vast_trains_from_ast_weights(synthetic_videos, repo_root, tmp_path):
    """The image-to-video path through tools/train.py: every AST tensor loads (the 2-D patch
    kernel inflated into the config's 3-tap one) and the loss falls. Whether VAST learns
    the order of frames is checked on held-out clips in test_temporal_order_from_scratch.py."""
    work = str(tmp_path / 'work')
    ckpt = str(tmp_path / 'ast.pth')
    config = str(tmp_path / 'vast_from_ast.py')
    ast_checkpoint(repo_root, ckpt)
    cfg = image_start_config(repo_root, config)
    out = run_tool('tools/train.py', config, '--work-dir', work, '--seed', '0', '--cfg-options',
                   *video_data_options(synthetic_videos), *small_options(cfg),
                   f'model.backbone.pretrained={ckpt}', env=dict(OMP_NUM_THREADS='2'))
    assert f'VAST: loaded 70 of 70 tensors from {ckpt}' in out
    records = [r for r in training_log(work) if 'loss' in r]
    assert len(records) == EPOCHS * 10  # 80 videos, batch 8
    losses = np.array([r['loss'] for r in records]).reshape(EPOCHS, 10).mean(1)
    print(f'loss per epoch {losses.round(3)}')
    assert losses[-1] < losses[0] - 0.1, f'loss did not fall: {losses.round(3)}'


def load_clips(repo_root, root, count=10):
    """The first ``count`` training clips through the config's test pipeline."""
    cfg = Config.fromfile(osp.join(repo_root, CONFIG))
    with DefaultScope.overwrite_default_scope('mmaction'):
        pipeline = Compose(cfg.test_pipeline)
    clips = []
    with open(osp.join(root, 'train_list.txt')) as f:
        for line in f.readlines()[:count]:
            name, label = line.split()
            clips.append(pipeline(dict(filename=osp.join(root, name), label=int(label),
                                       start_index=0, modality='RGB'))['inputs'])
    return torch.stack(clips).float()  # (N, 1, C, T, H, W)


def test_without_temporal_shift_the_model_is_blind_to_frame_order(synthetic_videos, repo_root):
    clips = load_clips(repo_root, synthetic_videos)
    reversed_clips = clips.flip(3)
    scores = {}
    for name in ('vast_synthetic.py', 'vast_synthetic_no_tshift.py'):
        cfg = Config.fromfile(osp.join(repo_root, 'configs', name))
        with DefaultScope.overwrite_default_scope('mmaction'):
            torch.manual_seed(0)
            model = build_model_from_cfg(cfg)
        model.init_weights()
        with torch.no_grad():
            forward = [
                model.cls_head(model.extract_feat(model.data_preprocessor(
                    dict(inputs=list(c), data_samples=None))['inputs'])[0])
                for c in (clips, reversed_clips)
            ]
        scores[name] = forward
    same, rev = scores['vast_synthetic_no_tshift.py']
    # identical scores for a clip and the clip played backwards: whatever the weights, the
    # prediction for a video and for its time-reversed twin is the same, so at most one of
    # the two is right
    torch.testing.assert_close(same, rev, rtol=1e-5, atol=1e-5)
    # with the temporal shift the scores depend on the order (weakly at initialisation:
    # consecutive frames are alike and the residual branches start small)
    fwd, bwd = scores['vast_synthetic.py']
    assert (fwd - bwd).abs().max() > 1e-4
    assert (fwd - bwd).abs().max() > 100 * (same - rev).abs().max()
