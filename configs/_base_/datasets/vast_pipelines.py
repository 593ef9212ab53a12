# The data pipelines of VAST's Kinetics-400 recipe (X-ViT's, by the same authors): 8 frames
# 8 apart, scale jitter to a short side in [256, 320], 224 random crops, horizontal flip.
# Validation: 1 centre crop on a 256 short side; test: 3 crops of 224 on a 224 short side.
# X-ViT's AutoAugment is left out (it needs pytorchvideo). Reconstructed: docs/vast.md.
train_pipeline = [
    dict(type='DecordInit', io_backend='disk'),
    dict(type='CheckedSampleFrames', clip_len=8, frame_interval=8, num_clips=1),
    dict(type='DecordDecode'),
    dict(type='RandomRescale', scale_range=(256, 320)),
    dict(type='RandomCrop', size=224),
    dict(type='Flip', flip_ratio=0.5),
    dict(type='FormatShape', input_format='NCTHW'),
    dict(type='PackActionInputs')
]
val_pipeline = [
    dict(type='DecordInit', io_backend='disk'),
    dict(type='CheckedSampleFrames', clip_len=8, frame_interval=8, num_clips=1, test_mode=True),
    dict(type='DecordDecode'),
    dict(type='Resize', scale=(-1, 256)),
    dict(type='CenterCrop', crop_size=224),
    dict(type='FormatShape', input_format='NCTHW'),
    dict(type='PackActionInputs')
]
test_pipeline = [
    *val_pipeline[:3],
    dict(type='Resize', scale=(-1, 224)),
    dict(type='ThreeCrop', crop_size=224),
    *val_pipeline[5:]
]
