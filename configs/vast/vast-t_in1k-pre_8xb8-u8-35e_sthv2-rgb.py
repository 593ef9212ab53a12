# VAST-T, 8 frames, Something-Something V2: the X-ViT SSv2 recipe of the same authors (SGD
# momentum 0.9, lr 0.03 at batch 64 = 8 GPUs x 8, 5 warm-up epochs from lr 0.003, cosine,
# 35 epochs, wd 1e-4, plain cross-entropy, no mixup, scale jitter [256, 320], 224 crops,
# no flip, dropout 0.5), 1/4 of the channels shifted to each neighbouring frame,
# initialised from an AST-T ImageNet checkpoint. Test: 2 clips x 3 crops. X-ViT's
# AutoAugment is left out (it needs pytorchvideo). Reconstructed: docs/vast.md.
_base_ = ['../_base_/models/vast_tiny.py', '../_base_/video_runtime.py', '../_base_/datasets/sthv2_videos.py']

model = dict(
    backbone=dict(arch='tiny', temporal_shift_ratio=1 / 4, drop_path_rate=0.2,
                  # see vast-t_in1k-pre_8xb8-8x8x1-30e_kinetics400-rgb.py
                  pretrained='checkpoints/ast_t_in1k.pth'),
    cls_head=dict(num_classes=174, in_channels=768))

file_client_args = dict(io_backend='disk')

train_pipeline = [
    dict(type='DecordInit', **file_client_args),
    dict(type='CheckedUniformSample', clip_len=8, num_clips=1),
    dict(type='DecordDecode'),
    dict(type='RandomRescale', scale_range=(256, 320)),
    dict(type='RandomCrop', size=224),
    dict(type='FormatShape', input_format='NCTHW'),
    dict(type='PackActionInputs')
]
val_pipeline = [
    dict(type='DecordInit', **file_client_args),
    dict(type='CheckedUniformSample', clip_len=8, num_clips=1, test_mode=True),
    dict(type='DecordDecode'),
    dict(type='Resize', scale=(-1, 256)),
    dict(type='CenterCrop', crop_size=224),
    dict(type='FormatShape', input_format='NCTHW'),
    dict(type='PackActionInputs')
]
test_pipeline = [
    dict(type='DecordInit', **file_client_args),
    dict(type='CheckedUniformSample', clip_len=8, num_clips=2, test_mode=True),
    dict(type='DecordDecode'),
    dict(type='Resize', scale=(-1, 224)),
    dict(type='ThreeCrop', crop_size=224),
    dict(type='FormatShape', input_format='NCTHW'),
    dict(type='PackActionInputs')
]

train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
val_dataloader = dict(dataset=dict(pipeline=val_pipeline))
test_dataloader = dict(dataset=dict(pipeline=test_pipeline))

max_epochs = 35
warmup_epochs = 5
train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=max_epochs, val_begin=1,
                 val_interval=5)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
optim_wrapper = dict(
    optimizer=dict(type='SGD', lr=0.03, momentum=0.9, weight_decay=1e-4))
param_scheduler = [
    dict(type='LinearLR', start_factor=0.1, by_epoch=True, begin=0, end=warmup_epochs,
         convert_to_iter_based=True),
    dict(type='CosineAnnealingLR', T_max=max_epochs - warmup_epochs, eta_min=0,
         by_epoch=True, begin=warmup_epochs, end=max_epochs, convert_to_iter_based=True)
]
default_hooks = dict(checkpoint=dict(interval=5, max_keep_ckpts=5))
# (8 GPUs) x (8 clips per GPU)
auto_scale_lr = dict(enable=False, base_batch_size=64)
