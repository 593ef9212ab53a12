# MorphMLP-B, 32 frames, Something-Something V2 (official SSV2_MLP_B32.yaml): drop path 0.6,
# 64 epochs. Paper: 70.1 top-1 (1x3 views, 197 GFLOPs per view). The official config loads
# the S ImageNet weights into this B network (a config bug): start from B weights instead.
_base_ = ['morphmlp-s_in1k-pre_8xb8-u32-60e_sthv2-rgb.py']

model = dict(backbone=dict(arch='b32', drop_path_rate=0.6))
max_epochs = 64
train_cfg = dict(max_epochs=max_epochs)
param_scheduler = [
    _base_.param_scheduler[0],
    dict(_base_.param_scheduler[1], T_max=max_epochs - _base_.warmup_epochs, end=max_epochs)
]
