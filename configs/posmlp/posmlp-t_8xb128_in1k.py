# Image PosMLP-T on ImageNet-1K (official config/PosMLP_T.yaml of the image PosMLP):
# 8 GPUs x 128, AdamW 2e-3 (eps 1e-5, wd 0.067), 10 warm-up epochs from 1e-5, cosine to
# 1e-6 over 300 epochs then 10 cool-down epochs, clip-grad 1.0, drop path 0.1, dropout
# 0.023 after every branch, RandAugment m6-n3-mstd1.0, Mixup 0.5 / CutMix 1.0, label
# smoothing 0.1, no random erasing, crop_pct 0.9, EMA 0.99992, AMP.
# Not reproduced: the official dropout before the classifier (LinearClsHead has none).
_base_ = [
    '../_base_/models/posmlp_t_in1k.py',
    'mmpretrain::_base_/datasets/imagenet_bs64_swin_224.py',
    '../_base_/image_runtime.py'
]

bgr_mean = [103.53, 116.28, 123.675]
train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='RandomResizedCrop', scale=224, backend='pillow', interpolation='bicubic'),
    dict(type='RandomFlip', prob=0.5, direction='horizontal'),
    dict(type='RandAugment', policies='timm_increasing', num_policies=3, total_level=10,
         magnitude_level=6, magnitude_std=1.0,
         hparams=dict(pad_val=[round(x) for x in bgr_mean], interpolation='bicubic')),
    dict(type='PackInputs'),
]
test_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='ResizeEdge', scale=248, edge='short', backend='pillow',
         interpolation='bicubic'),
    dict(type='CenterCrop', crop_size=224),
    dict(type='PackInputs'),
]
train_dataloader = dict(batch_size=128,
                        dataset=dict(type='CheckedImageNet', pipeline=train_pipeline))
val_dataloader = dict(batch_size=128,
                      dataset=dict(type='CheckedImageNet', pipeline=test_pipeline))
test_dataloader = val_dataloader

base_lr = 2e-3
warmup_epochs = 10
cosine_epochs = 300
max_epochs = 310  # + 10 cool-down epochs at the minimum learning rate
min_lr = 1e-6
optim_wrapper = dict(
    type='AmpOptimWrapper',
    loss_scale='dynamic',
    optimizer=dict(type='AdamW', lr=base_lr, eps=1e-5, betas=(0.9, 0.999),
                   weight_decay=0.067),
    # timm: no decay on 1-D weights and biases; the 2-D/3-D positional parameters decay
    paramwise_cfg=dict(norm_decay_mult=0., bias_decay_mult=0.),
    clip_grad=dict(max_norm=1.0))
param_scheduler = [
    dict(type='LinearLR', start_factor=1e-5 / base_lr, by_epoch=True, begin=0,
         end=warmup_epochs),
    dict(type='CosineAnnealingLR', T_max=cosine_epochs - warmup_epochs, eta_min=min_lr,
         by_epoch=True, begin=warmup_epochs, end=cosine_epochs),
    dict(type='ConstantLR', factor=min_lr / base_lr, by_epoch=True, begin=cosine_epochs,
         end=max_epochs)
]
train_cfg = dict(by_epoch=True, max_epochs=max_epochs, val_interval=1)
val_cfg = dict()
test_cfg = dict()
custom_hooks = [dict(type='EMAHook', momentum=1 - 0.99992, priority='ABOVE_NORMAL'),
                dict(type='DataCheckHook')]
# (8 GPUs) x (128 images per GPU)
auto_scale_lr = dict(base_batch_size=1024)
