# VAST-T, 8 frames, Kinetics-400: the X-ViT recipe of the same authors (SGD momentum 0.9,
# lr 0.03 at batch 64 = 8 GPUs x 8, 5 warm-up epochs from lr 0.01, cosine, 30 epochs,
# wd 1e-5, label smoothing 0.1, mixup 0.4, scale jitter [256, 320], 224 crops, flip,
# dropout 0.5 before the classifier), initialised from an AST-T ImageNet checkpoint.
# Test: 1 clip x 3 crops. X-ViT's AutoAugment is left out (it needs pytorchvideo).
# Reconstructed: docs/vast.md.
_base_ = ['../_base_/models/vast_tiny.py', '../_base_/video_runtime.py', '../_base_/datasets/kinetics400_videos.py']

model = dict(
    # An AST ImageNet-1k checkpoint (configs/vast/ast-t_16xb64_in1k.py): every backbone tensor loads
    # unchanged (the classifier is not used). Set pretrained=None to start anew.
    backbone=dict(arch='tiny', temporal_shift_ratio=1 / 8, drop_path_rate=0.2,
                  pretrained='checkpoints/ast_t_in1k.pth'),
    cls_head=dict(num_classes=400, in_channels=768, label_smooth_eps=0.1),
    data_preprocessor=dict(blending=dict(type='MixupBlending', num_classes=400, alpha=0.4)))


file_client_args = dict(io_backend='disk')

train_pipeline = [
    dict(type='DecordInit', **file_client_args),
    dict(type='CheckedSampleFrames', clip_len=8, frame_interval=8, num_clips=1),
    dict(type='DecordDecode'),
    dict(type='RandomRescale', scale_range=(256, 320)),
    dict(type='RandomCrop', size=224),
    dict(type='Flip', flip_ratio=0.5),
    dict(type='FormatShape', input_format='NCTHW'),
    dict(type='PackActionInputs')
]
val_pipeline = [
    dict(type='DecordInit', **file_client_args),
    dict(type='CheckedSampleFrames', clip_len=8, frame_interval=8, num_clips=1, test_mode=True),
    dict(type='DecordDecode'),
    dict(type='Resize', scale=(-1, 256)),
    dict(type='CenterCrop', crop_size=224),
    dict(type='FormatShape', input_format='NCTHW'),
    dict(type='PackActionInputs')
]
test_pipeline = [
    dict(type='DecordInit', **file_client_args),
    dict(type='CheckedSampleFrames', clip_len=8, frame_interval=8, num_clips=1, test_mode=True),
    dict(type='DecordDecode'),
    dict(type='Resize', scale=(-1, 224)),
    dict(type='ThreeCrop', crop_size=224),
    dict(type='FormatShape', input_format='NCTHW'),
    dict(type='PackActionInputs')
]

train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
val_dataloader = dict(dataset=dict(pipeline=val_pipeline))
test_dataloader = dict(dataset=dict(pipeline=test_pipeline))

max_epochs = 30
warmup_epochs = 5
train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=max_epochs, val_begin=1,
                 val_interval=3)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
optim_wrapper = dict(
    optimizer=dict(type='SGD', lr=0.03, momentum=0.9, weight_decay=1e-5))
param_scheduler = [
    dict(type='LinearLR', start_factor=1 / 3, by_epoch=True, begin=0, end=warmup_epochs,
         convert_to_iter_based=True),
    dict(type='CosineAnnealingLR', T_max=max_epochs - warmup_epochs, eta_min=0,
         by_epoch=True, begin=warmup_epochs, end=max_epochs, convert_to_iter_based=True)
]
default_hooks = dict(checkpoint=dict(interval=3, max_keep_ckpts=5))
# (8 GPUs) x (8 clips per GPU)
auto_scale_lr = dict(enable=False, base_batch_size=64)
