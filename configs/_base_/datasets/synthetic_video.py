# The embedded synthetic temporal-order dataset (tools/data/make_synthetic_videos.py).
# Classes differ only in the order of frames, so no horizontal flip and no temporal jitter
# that could reverse time; 16 frames are read whole. Any other video (e.g. the demo)
# is resized to the 64-pixel short side of the synthetic videos first.
dataset_type = 'CheckedVideoDataset'
data_root = 'data/synthetic'
num_frames = 16
short_side = 64
crop_size = 56

train_pipeline = [
    dict(type='DecordInit', io_backend='disk'),
    dict(type='CheckedSampleFrames', clip_len=num_frames, frame_interval=1, num_clips=1),
    dict(type='DecordDecode'),
    dict(type='Resize', scale=(-1, short_side)),
    dict(type='RandomCrop', size=crop_size),
    dict(type='FormatShape', input_format='NCTHW'),
    dict(type='PackActionInputs')
]
test_pipeline = [
    dict(type='DecordInit', io_backend='disk'),
    dict(type='CheckedSampleFrames', clip_len=num_frames, frame_interval=1, num_clips=1,
         test_mode=True),
    dict(type='DecordDecode'),
    dict(type='Resize', scale=(-1, short_side)),
    dict(type='CenterCrop', crop_size=crop_size),
    dict(type='FormatShape', input_format='NCTHW'),
    dict(type='PackActionInputs')
]

train_dataloader = dict(
    batch_size=8,
    num_workers=2,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(
        type=dataset_type,
        ann_file=f'{data_root}/train_list.txt',
        data_prefix=dict(video=data_root),
        pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=8,
    num_workers=2,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type=dataset_type,
        ann_file=f'{data_root}/val_list.txt',
        data_prefix=dict(video=data_root),
        pipeline=test_pipeline,
        test_mode=True))
test_dataloader = dict(
    batch_size=8,
    num_workers=2,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type=dataset_type,
        ann_file=f'{data_root}/test_list.txt',
        data_prefix=dict(video=data_root),
        pipeline=test_pipeline,
        test_mode=True))

val_evaluator = dict(type='AccMetric')
test_evaluator = val_evaluator
