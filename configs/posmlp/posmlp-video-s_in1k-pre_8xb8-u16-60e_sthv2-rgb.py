# PosMLP-Video S16 on Something-Something V2 (videos), recipe of the official SSV2 S16
# config: 16 TSN-style segments, 8 GPUs x 8 videos x 2 repeated augmentations, AdamW 4e-4,
# 60 epochs (5 warm-up), drop path 0.3, RandAugment m7-n4, Mixup 0.8 / CutMix 1.0, label
# smoothing 0.1, random erasing 0.25, no flip; test 1 clip x 3 crops.
# The official SSV2 configs do not build a working PosMLP-Video (wrong WIN_SIZE_T/groups):
# this applies their recipe to the released S16 architecture.
_base_ = ['posmlp-video-s_in1k-pre_4xb8-u16-60e_sthv1-rgb.py']

model = dict(backbone=dict(drop_path_rate=0.3))

dataset_type = 'CheckedVideoDataset'
data_root = 'data/sthv2/videos'
ann_file_train = 'data/sthv2/sthv2_train_list_videos.txt'
ann_file_val = 'data/sthv2/sthv2_val_list_videos.txt'
ann_file_test = 'data/sthv2/sthv2_val_list_videos.txt'
file_client_args = dict(io_backend='disk')

train_pipeline = [
    dict(type='DecordInit', **file_client_args),
    dict(type='CheckedUniformSample', clip_len=16),
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
    dict(type='CheckedUniformSample', clip_len=16, test_mode=True),
    dict(type='DecordDecode'),
    dict(type='Resize', scale=(-1, 224)),
    dict(type='CenterCrop', crop_size=224),
    dict(type='FormatShape', input_format='NCTHW'),
    dict(type='PackActionInputs')
]
test_pipeline = [
    dict(type='DecordInit', **file_client_args),
    dict(type='CheckedUniformSample', clip_len=16, test_mode=True),
    dict(type='DecordDecode'),
    dict(type='Resize', scale=(-1, 224)),
    dict(type='ThreeCrop', crop_size=224),
    dict(type='FormatShape', input_format='NCTHW'),
    dict(type='PackActionInputs')
]

repeat_sample = 2
train_dataloader = dict(
    batch_size=8,
    collate_fn=dict(type='repeat_pseudo_collate'),
    dataset=dict(_delete_=True, type='CheckedRepeatAugDataset', num_repeats=repeat_sample,
                 sample_once=True, ann_file=ann_file_train,
                 data_prefix=dict(video=data_root), pipeline=train_pipeline))
val_dataloader = dict(
    dataset=dict(_delete_=True, type=dataset_type, ann_file=ann_file_val,
                 data_prefix=dict(video=data_root), pipeline=val_pipeline, test_mode=True))
test_dataloader = dict(
    dataset=dict(_delete_=True, type=dataset_type, ann_file=ann_file_test,
                 data_prefix=dict(video=data_root), pipeline=test_pipeline, test_mode=True))
# (8 GPUs) x (8 videos per GPU), each seen twice per batch
auto_scale_lr = dict(enable=False, base_batch_size=64)
