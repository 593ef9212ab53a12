# The quickstart model: a small 3-D ResNet-18 (16 base channels, temporal stride 2 in the
# stem) trained from scratch on the synthetic temporal-order dataset through mmaction2's
# Recognizer3D (see tools/quickstart.sh); about 3 minutes on 2 CPU cores.
# Every clip has its per-pixel temporal mean subtracted (SubtractTemporalMean): what is
# static (the textured background, the distractors) is gone, and what moves is what the
# classes differ in. Without it a from-scratch model memorises the backgrounds of a few
# hundred videos and stays near chance on held-out clips.
_base_ = [
    '_base_/video_runtime.py', '_base_/datasets/synthetic_video.py',
    '_base_/schedules/synthetic_adamw.py'
]

model = dict(
    type='Recognizer3D',
    backbone=dict(
        type='ResNet3d', depth=18, base_channels=16, pretrained=None, pretrained2d=False,
        conv1_kernel=(3, 7, 7), conv1_stride_t=2, pool1_stride_t=1, inflate=(1, 1, 1, 1),
        norm_cfg=dict(type='BN3d', requires_grad=True)),
    cls_head=dict(type='I3DHead', num_classes=10, in_channels=128, dropout_ratio=0.3,
                  spatial_type='avg', average_clips='prob'),
    # the frames are already centred by SubtractTemporalMean
    data_preprocessor=dict(type='ActionDataPreprocessor', mean=[0., 0., 0.],
                           std=[30., 30., 30.], format_shape='NCTHW'))

train_pipeline = [
    *_base_.train_pipeline[:-2],
    dict(type='SubtractTemporalMean'),
    *_base_.train_pipeline[-2:]  # FormatShape, PackActionInputs
]
test_pipeline = [
    *_base_.test_pipeline[:-2],
    dict(type='SubtractTemporalMean'),
    *_base_.test_pipeline[-2:]
]
train_dataloader = dict(batch_size=16, dataset=dict(pipeline=train_pipeline))
val_dataloader = dict(batch_size=16, dataset=dict(pipeline=test_pipeline))
test_dataloader = dict(batch_size=16, dataset=dict(pipeline=test_pipeline))

max_epochs = 24
train_cfg = dict(max_epochs=max_epochs, val_interval=6)
optim_wrapper = dict(optimizer=dict(lr=3e-3))
param_scheduler = [
    dict(type='LinearLR', start_factor=0.1, by_epoch=True, begin=0, end=2,
         convert_to_iter_based=True),
    dict(type='CosineAnnealingLR', T_max=max_epochs - 2, eta_min=1e-5, by_epoch=True,
         begin=2, end=max_epochs, convert_to_iter_based=True)
]
auto_scale_lr = dict(enable=False, base_batch_size=16)
