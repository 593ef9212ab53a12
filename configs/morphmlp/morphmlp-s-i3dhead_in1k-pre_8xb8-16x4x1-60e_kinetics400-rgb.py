# MorphMLP-S16 with mmaction2's own I3DHead (average pooling, dropout 0.5, linear) on
# Kinetics-400. The backbone adds its per-token LayerNorm (out_norm=True), so with
# dropout 0 this is exactly the official head, written with mmaction2 parts.
_base_ = ['morphmlp-s_in1k-pre_8xb8-16x4x1-60e_kinetics400-rgb.py']

model = dict(
    backbone=dict(out_norm=True),
    cls_head=dict(
        _delete_=True,
        type='I3DHead',
        num_classes=400,
        in_channels=784,
        spatial_type='avg',
        dropout_ratio=0.5,
        label_smooth_eps=0.1,
        average_clips='score'))
