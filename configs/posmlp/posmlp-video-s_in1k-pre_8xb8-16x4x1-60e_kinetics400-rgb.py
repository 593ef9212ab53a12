# PosMLP-Video S16 on Kinetics-400, recipe of the official K400 S16x4 config: dense
# 16x4 clips, 8 GPUs x 8 videos x 2 repeated augmentations, AdamW 2e-4, 60 epochs with 10
# warm-up epochs, drop path 0.1, RandAugment m7-n4, Mixup 0.8 / CutMix 1.0, label smoothing
# 0.1, random erasing 0.25, horizontal flip; test 4 clips x 1 centre crop (256 short side).
# The official K400 configs do not build a working PosMLP-Video: this applies their recipe
# to the released S16 architecture.
_base_ = [
    '../_base_/models/posmlp_s16.py', '../_base_/datasets/morphmlp_k400.py',
    '../_base_/schedules/morphmlp_adamw_k400.py', '../_base_/video_runtime.py'
]

# weight decay 0 on norms and biases only, as in posmlp-video-s_in1k-pre_4xb8-u16-60e_sthv1-rgb.py
optim_wrapper = dict(paramwise_cfg=dict(_delete_=True, norm_decay_mult=0., bias_decay_mult=0.))
default_hooks = dict(checkpoint=dict(interval=2, max_keep_ckpts=5))
