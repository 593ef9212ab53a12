# PosMLP-Video S16 on Something-Something V2 (videos), recipe of the official SSV2 S16
# config: 16 TSN-style segments, 8 GPUs x 8 videos x 2 repeated augmentations, AdamW 4e-4,
# 60 epochs (5 warm-up), drop path 0.3, RandAugment m7-n4, Mixup 0.8 / CutMix 1.0, label
# smoothing 0.1, random erasing 0.25, no flip; test 1 clip x 3 crops.
# The official SSV2 configs do not build a working PosMLP-Video (wrong WIN_SIZE_T/groups):
# this applies their recipe to the released S16 architecture.
_base_ = [
    '../_base_/models/posmlp_s16_sth.py', '../_base_/datasets/morphmlp_sthv2.py',
    '../_base_/schedules/morphmlp_adamw_sth.py', '../_base_/video_runtime.py'
]

model = dict(backbone=dict(drop_path_rate=0.3))
# weight decay 0 on norms and biases only, as in posmlp-video-s_in1k-pre_4xb8-u16-60e_sthv1-rgb.py
optim_wrapper = dict(paramwise_cfg=dict(_delete_=True, norm_decay_mult=0., bias_decay_mult=0.))
default_hooks = dict(checkpoint=dict(interval=2, max_keep_ckpts=5))
