# MorphMLP-S, 16 frames, Something-Something V1 (official SSV1_MLP_S16.yaml): the SSv2
# recipe (AdamW 4e-4, 5 warm-up epochs, 60 epochs, drop path 0.3, Mixup 0.8 / CutMix 1.0,
# label smoothing 0.1, AMP, clipping at 20, no flip) on JPEG frames; test 1 clip x 3 crops.
# Paper: 50.6 top-1 with 1x1 view, 53.9 with 1x3 views (67 GFLOPs per view).
_base_ = [
    '../_base_/models/morphmlp_video_sth.py', '../_base_/datasets/morphmlp_sthv1.py',
    '../_base_/schedules/morphmlp_adamw_sth.py', '../_base_/video_runtime.py'
]

default_hooks = dict(checkpoint=dict(interval=2, max_keep_ckpts=5), logger=dict(interval=100))
