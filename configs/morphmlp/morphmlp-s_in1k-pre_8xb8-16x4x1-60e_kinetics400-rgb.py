# MorphMLP-S, 16x4 frames, Kinetics-400: the official recipe (configs/K400/K400_MLP_S16x4.yaml
# of MTLab/MorphMLP). 8 GPUs x 8 videos x 2 augmented copies; AdamW 2e-4 (betas 0.9/0.999,
# wd 0.05, none on 1-D parameters), linear warm-up from 1e-6 over 10 epochs, cosine to 1e-6
# at epoch 60, drop path 0.1, Mixup 0.8 / CutMix 1.0 (switch 0.5), label smoothing 0.1,
# AMP, gradient clipping at 20. Paper: 78.7 top-1 (16x1x4 views, 67 GFLOPs per view).
# Initialise from ImageNet weights: model.backbone.pretrained (see docs/morphmlp.md).
_base_ = [
    '../_base_/models/morphmlp_video.py', '../_base_/datasets/morphmlp_k400.py',
    '../_base_/schedules/morphmlp_adamw_k400.py', '../_base_/video_runtime.py'
]

default_hooks = dict(checkpoint=dict(interval=2, max_keep_ckpts=5), logger=dict(interval=100))
