# Image PosMLP-S on ImageNet-1K (official config/PosMLP_S.yaml): as PosMLP-T but
# 128-dim, 8 GPUs x 60, AdamW 1e-3 and no cool-down epochs. 36.82M params, 8.71 GFLOPs.
_base_ = ['posmlp-t_8xb128_in1k.py']

model = dict(backbone=dict(arch='s'), head=dict(in_channels=1024))
train_dataloader = dict(batch_size=60)
val_dataloader = dict(batch_size=60)
test_dataloader = val_dataloader

base_lr = 1e-3
max_epochs = 300
optim_wrapper = dict(optimizer=dict(lr=base_lr))
param_scheduler = [
    dict(type='LinearLR', start_factor=1e-5 / base_lr, by_epoch=True, begin=0, end=10),
    dict(type='CosineAnnealingLR', T_max=290, eta_min=1e-6, by_epoch=True, begin=10,
         end=300)
]
train_cfg = dict(max_epochs=max_epochs)
# (8 GPUs) x (60 images per GPU)
auto_scale_lr = dict(base_batch_size=480)
