# MorphMLP-B, 32x4 frames, Kinetics-400 (official K400_MLP_B32x4.yaml): drop path 0.3 and
# 30 warm-up epochs. Paper: 80.8 top-1 (32x1x4 views, 197 GFLOPs per view).
_base_ = ['morphmlp-s_in1k-pre_8xb8-32x4x1-60e_kinetics400-rgb.py']

model = dict(backbone=dict(arch='b32', drop_path_rate=0.3))
warmup_epochs = 30
param_scheduler = [
    dict(type='LinearLR', start_factor=1e-6 / _base_.base_lr, by_epoch=True, begin=0,
         end=warmup_epochs, convert_to_iter_based=True),
    dict(type='CosineAnnealingLR', T_max=_base_.max_epochs - warmup_epochs, eta_min=1e-6,
         by_epoch=True, begin=warmup_epochs, end=_base_.max_epochs, convert_to_iter_based=True)
]
