# MorphMLP-S, 16 frames, Something-Something V2 (official SSV2_MLP_S16.yaml): 16 uniform
# segments, 8 GPUs x 8 videos x 2 augmented copies, AdamW 4e-4 (wd 0.05, none on 1-D
# parameters), 5 warm-up epochs from 1e-6, cosine to 1e-6 at epoch 60, drop path 0.3,
# Mixup 0.8 / CutMix 1.0, label smoothing 0.1, AMP, clipping at 20, no flip.
# Test: 1 clip x 3 crops. Paper: 67.1 top-1 (67 GFLOPs per view).
# The official recipe starts from Kinetics-400 weights: set load_from to a K400 checkpoint
# and load_from_exclude=['cls_head.'] (its 400-class head is dropped and replaced), or
# model.backbone.pretrained to ImageNet.
_base_ = [
    '../_base_/models/morphmlp_video_sth.py', '../_base_/datasets/morphmlp_sthv2.py',
    '../_base_/schedules/morphmlp_adamw_sth.py', '../_base_/video_runtime.py'
]

default_hooks = dict(checkpoint=dict(interval=2, max_keep_ckpts=5), logger=dict(interval=100))
