# A small VAST trained from scratch on the synthetic temporal-order dataset
# (tools/data/make_synthetic_videos.py): every other frame of the 16 (8 frames of 56x56),
# three stages of 32/64/128 channels. Its classes come in time-reversed pairs, so only the temporal shift lets the
# model tell a class from its twin; vast_synthetic_no_tshift.py is the ablation.
_base_ = [
    '_base_/video_runtime.py', '_base_/datasets/synthetic_video.py',
    '_base_/schedules/synthetic_adamw.py'
]

model = dict(
    type='Recognizer3D',
    backbone=dict(
        type='VAST',
        arch=dict(embed_dims=32, depths=(1, 1, 2), mlp_ratio=2.),
        spatial_shift_ratio=1 / 8,
        temporal_shift_ratio=1 / 4,
        affine='token',
        drop_path_rate=0.),
    cls_head=dict(
        type='TokenNormHead',
        num_classes=10,
        in_channels=128,
        norm_cfg=None,
        dropout_ratio=0.3,
        average_clips='prob'),
    data_preprocessor=dict(
        type='CheckedActionDataPreprocessor',
        mean=[127.5, 127.5, 127.5],
        std=[58.0, 58.0, 58.0],
        format_shape='NCTHW'))

# every other frame: the whole motion at half the cost
frame_sampler = dict(type='CheckedSampleFrames', clip_len=8, frame_interval=2, num_clips=1)
train_pipeline = [
    dict(type='DecordInit', io_backend='disk'), frame_sampler,
    dict(type='DecordDecode'),
    dict(type='Resize', scale=(-1, 64)),
    dict(type='RandomCrop', size=56),
    dict(type='FormatShape', input_format='NCTHW'),
    dict(type='PackActionInputs')
]
test_pipeline = [
    dict(type='DecordInit', io_backend='disk'),
    dict(frame_sampler, test_mode=True),
    dict(type='DecordDecode'),
    dict(type='Resize', scale=(-1, 64)),
    dict(type='CenterCrop', crop_size=56),
    dict(type='FormatShape', input_format='NCTHW'),
    dict(type='PackActionInputs')
]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
val_dataloader = dict(dataset=dict(pipeline=test_pipeline))
test_dataloader = dict(dataset=dict(pipeline=test_pipeline))
