# Kinetics-400 as trained by MorphMLP (PySlowFast): dense 16x4 clips, 2 augmented copies of
# every sampled video (repeated augmentation), random resized crop (scale 0.08-1, aspect
# 3/4-4/3) to 224, horizontal flip, RandAugment m7 n4 (pytorchvideo), random erasing 0.25.
# Test: 4 clips x 1 centre crop of 224 on a 256 short side (the paper's 16x1x4 protocol).
_base_ = ['./kinetics400_videos.py']
file_client_args = dict(io_backend='disk')
num_frames = 16

train_pipeline = [
    dict(type='DecordInit', **file_client_args),
    dict(type='CheckedSampleFrames', clip_len=num_frames, frame_interval=4, num_clips=1),
    dict(type='DecordDecode'),
    dict(type='Resize', scale=(-1, 256)),
    dict(type='RandomResizedCrop', area_range=(0.08, 1.), aspect_ratio_range=(0.75, 4 / 3)),
    dict(type='Resize', scale=(224, 224), keep_ratio=False),
    dict(type='Flip', flip_ratio=0.5),
    dict(type='PytorchVideoWrapper', op='RandAugment', magnitude=7, num_layers=4),
    dict(type='RandomErasing', erase_prob=0.25, mode='rand'),
    dict(type='FormatShape', input_format='NCTHW'),
    dict(type='PackActionInputs')
]
val_pipeline = [
    dict(type='DecordInit', **file_client_args),
    dict(type='CheckedSampleFrames', clip_len=num_frames, frame_interval=4, num_clips=1,
         test_mode=True),
    dict(type='DecordDecode'),
    dict(type='Resize', scale=(-1, 256)),
    dict(type='CenterCrop', crop_size=224),
    dict(type='FormatShape', input_format='NCTHW'),
    dict(type='PackActionInputs')
]
test_pipeline = [
    dict(type='DecordInit', **file_client_args),
    dict(type='CheckedSampleFrames', clip_len=num_frames, frame_interval=4, num_clips=4,
         test_mode=True),
    dict(type='DecordDecode'),
    dict(type='Resize', scale=(-1, 256)),
    dict(type='CenterCrop', crop_size=224),
    dict(type='FormatShape', input_format='NCTHW'),
    dict(type='PackActionInputs')
]

train_dataloader = dict(
    collate_fn=dict(type='repeat_pseudo_collate'),  # 2 augmented copies: 16 clips per GPU
    dataset=dict(type='CheckedRepeatAugDataset', num_repeats=2, sample_once=True,
                 pipeline=train_pipeline))
val_dataloader = dict(dataset=dict(pipeline=val_pipeline))
test_dataloader = dict(dataset=dict(pipeline=test_pipeline))
