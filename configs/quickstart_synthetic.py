# The quickstart model: a small 3-D CNN trained from scratch on the synthetic dataset
# through mmaction2's Recognizer3D (see tools/quickstart.sh).
_base_ = [
    '_base_/video_runtime.py', '_base_/datasets/synthetic_video.py',
    '_base_/schedules/synthetic_adamw.py'
]

model = dict(
    type='Recognizer3D',
    backbone=dict(
        type='ResNet3d', depth=18, base_channels=16, pretrained=None, pretrained2d=False,
        conv1_kernel=(3, 7, 7), conv1_stride_t=1, pool1_stride_t=1, inflate=(1, 1, 1, 1),
        norm_cfg=dict(type='BN3d', requires_grad=True)),
    cls_head=dict(type='I3DHead', num_classes=10, in_channels=128, dropout_ratio=0.3,
                  spatial_type='avg', average_clips='prob'),
    data_preprocessor=dict(type='ActionDataPreprocessor', mean=[127.5, 127.5, 127.5],
                           std=[58.0, 58.0, 58.0], format_shape='NCTHW'))
