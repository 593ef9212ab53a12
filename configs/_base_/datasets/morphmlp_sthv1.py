# Something-Something V1 (JPEG frames) as trained by MorphMLP: 16 TSN-style segments,
# random resized crop to 224, RandAugment m7 n4 (pytorchvideo), random erasing 0.25, no
# flip. Repeated augmentation (2 copies per video) is not available for raw frames in
# mmaction2, so each GPU sees 8 videos once. Test: 1 clip x 3 crops of 224 (short side 224).
dataset_type = 'CheckedRawframeDataset'
data_root = 'data/sthv1/rawframes'
ann_file_train = 'data/sthv1/sthv1_train_list_rawframes.txt'
ann_file_val = 'data/sthv1/sthv1_val_list_rawframes.txt'
ann_file_test = 'data/sthv1/sthv1_val_list_rawframes.txt'
filename_tmpl = '{:05}.jpg'
file_client_args = dict(io_backend='disk')
num_frames = 16

train_pipeline = [
    dict(type='CheckedUniformSample', clip_len=num_frames),
    dict(type='RawFrameDecode', **file_client_args),
    dict(type='Resize', scale=(-1, 256)),
    dict(type='RandomResizedCrop', area_range=(0.08, 1.), aspect_ratio_range=(0.75, 4 / 3)),
    dict(type='Resize', scale=(224, 224), keep_ratio=False),
    dict(type='PytorchVideoWrapper', op='RandAugment', magnitude=7, num_layers=4),
    dict(type='RandomErasing', erase_prob=0.25, mode='rand'),
    dict(type='FormatShape', input_format='NCTHW'),
    dict(type='PackActionInputs')
]
val_pipeline = [
    dict(type='CheckedUniformSample', clip_len=num_frames, test_mode=True),
    dict(type='RawFrameDecode', **file_client_args),
    dict(type='Resize', scale=(-1, 224)),
    dict(type='CenterCrop', crop_size=224),
    dict(type='FormatShape', input_format='NCTHW'),
    dict(type='PackActionInputs')
]
test_pipeline = [
    dict(type='CheckedUniformSample', clip_len=num_frames, test_mode=True),
    dict(type='RawFrameDecode', **file_client_args),
    dict(type='Resize', scale=(-1, 224)),
    dict(type='ThreeCrop', crop_size=224),
    dict(type='FormatShape', input_format='NCTHW'),
    dict(type='PackActionInputs')
]

train_dataloader = dict(
    batch_size=8,
    num_workers=8,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(type=dataset_type, ann_file=ann_file_train, data_prefix=dict(img=data_root),
                 filename_tmpl=filename_tmpl, pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=8,
    num_workers=8,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(type=dataset_type, ann_file=ann_file_val, data_prefix=dict(img=data_root),
                 filename_tmpl=filename_tmpl, pipeline=val_pipeline, test_mode=True))
test_dataloader = dict(
    batch_size=1,
    num_workers=8,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(type=dataset_type, ann_file=ann_file_test, data_prefix=dict(img=data_root),
                 filename_tmpl=filename_tmpl, pipeline=test_pipeline, test_mode=True))
val_evaluator = dict(type='AccMetric')
test_evaluator = val_evaluator
