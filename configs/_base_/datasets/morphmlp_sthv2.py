# Something-Something V2 as trained by MorphMLP: 16 TSN-style segments (one random frame
# each), 2 augmented copies of every video, random resized crop to 224, RandAugment m7 n4
# (pytorchvideo), random erasing 0.25, no flip (classes are direction-sensitive).
# Test: 1 clip x 3 crops of 224 on a 224 short side.
_base_ = ['./sthv2_videos.py']
file_client_args = dict(io_backend='disk')
num_frames = 16

train_pipeline = [
    dict(type='DecordInit', **file_client_args),
    dict(type='CheckedUniformSample', clip_len=num_frames),
    dict(type='DecordDecode'),
    dict(type='Resize', scale=(-1, 256)),
    dict(type='RandomResizedCrop', area_range=(0.08, 1.), aspect_ratio_range=(0.75, 4 / 3)),
    dict(type='Resize', scale=(224, 224), keep_ratio=False),
    dict(type='PytorchVideoWrapper', op='RandAugment', magnitude=7, num_layers=4),
    dict(type='RandomErasing', erase_prob=0.25, mode='rand'),
    dict(type='FormatShape', input_format='NCTHW'),
    dict(type='PackActionInputs')
]
val_pipeline = [
    dict(type='DecordInit', **file_client_args),
    dict(type='CheckedUniformSample', clip_len=num_frames, test_mode=True),
    dict(type='DecordDecode'),
    dict(type='Resize', scale=(-1, 224)),
    dict(type='CenterCrop', crop_size=224),
    dict(type='FormatShape', input_format='NCTHW'),
    dict(type='PackActionInputs')
]
test_pipeline = [
    dict(type='DecordInit', **file_client_args),
    dict(type='CheckedUniformSample', clip_len=num_frames, test_mode=True),
    dict(type='DecordDecode'),
    dict(type='Resize', scale=(-1, 224)),
    dict(type='ThreeCrop', crop_size=224),
    dict(type='FormatShape', input_format='NCTHW'),
    dict(type='PackActionInputs')
]

train_dataloader = dict(
    collate_fn=dict(type='repeat_pseudo_collate'),  # 2 augmented copies: 16 clips per GPU
    dataset=dict(type='CheckedRepeatAugDataset', num_repeats=2, sample_once=True,
                 pipeline=train_pipeline))
val_dataloader = dict(dataset=dict(pipeline=val_pipeline))
test_dataloader = dict(dataset=dict(pipeline=test_pipeline))
