# The data pipelines of MorphMLP's recipe (PySlowFast) as on Something-Something, on
# videos: 16 TSN-style segments (one random frame each), random resized crop (scale 0.08-1,
# aspect 3/4-4/3) to 224, RandAugment m7 n4 (pytorchvideo), random erasing 0.25, no flip
# (classes are direction-sensitive). Validation: 1 centre crop of 224 on a 224 short side;
# test: 3 crops. morphmlp_k400.py changes the sampling, the flip and the test views.
num_frames = 16

train_pipeline = [
    dict(type='DecordInit', io_backend='disk'),
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
    dict(type='DecordInit', io_backend='disk'),
    dict(type='CheckedUniformSample', clip_len=num_frames, test_mode=True),
    dict(type='DecordDecode'),
    dict(type='Resize', scale=(-1, 224)),
    dict(type='CenterCrop', crop_size=224),
    dict(type='FormatShape', input_format='NCTHW'),
    dict(type='PackActionInputs')
]
# testing: three crops instead of the centre one
test_pipeline = [*val_pipeline[:4], dict(type='ThreeCrop', crop_size=224), *val_pipeline[5:]]
