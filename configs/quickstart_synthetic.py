# The quickstart model: a small 3-D ResNet-18 (16 base channels, temporal stride 2 in the
# stem) trained from scratch on the synthetic temporal-order dataset through mmaction2's
# Recognizer3D (see tools/quickstart.sh); about 6 minutes on 2 CPU cores.
# Clips have their per-pixel temporal mean subtracted (see synthetic_video_motion.py).
_base_ = [
    '_base_/video_runtime.py', '_base_/datasets/synthetic_video_motion.py',
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
    data_preprocessor=dict(type='CheckedActionDataPreprocessor', mean=[0., 0., 0.],
                           std=[30., 30., 30.], format_shape='NCTHW'))

max_epochs = 24
train_cfg = dict(max_epochs=max_epochs, val_interval=6)
optim_wrapper = dict(optimizer=dict(lr=3e-3))
param_scheduler = [  # 2 warm-up epochs, then the cosine
    dict(_base_.param_scheduler[0], end=2),
    dict(_base_.param_scheduler[1], T_max=max_epochs - 2, begin=2, end=max_epochs)
]
auto_scale_lr = dict(base_batch_size=16)
