# MorphMLP-B, 32x4 frames, Kinetics-400 (official K400_MLP_B32x4.yaml): drop path 0.3 and
# 30 warm-up epochs. Paper: 80.8 top-1 (32x1x4 views, 197 GFLOPs per view).
_base_ = ['morphmlp-s_in1k-pre_8xb8-32x4x1-60e_kinetics400-rgb.py']

model = dict(backbone=dict(arch='b32', drop_path_rate=0.3))
warmup_epochs = 30
param_scheduler = [
    dict(_base_.param_scheduler[0], end=warmup_epochs),
    dict(_base_.param_scheduler[1], T_max=_base_.max_epochs - warmup_epochs, begin=warmup_epochs)
]
