# The data pipelines of the released ILA recipe: TSN-style uniform sampling of
# `num_frames` frames, multi-scale crop, colour jitter, grayscale, random erasing, no flip;
# one centre crop for validation, 4 clips x 3 crops for testing. Configs for other clip
# lengths or resolutions change `clip_len` and the sizes of these pipelines in place (see
# ila/ila-vit-base-p16_clip-pre_8xb8-u16-50e_kinetics400-rgb.py and
# ila/ila-vit-large-p14-res336_clip-pre_8xb8-u16-50e_kinetics400-rgb.py).
num_frames = 8
img_size = 224

train_pipeline = [
    dict(type='DecordInit', io_backend='disk'),
    dict(type='CheckedUniformSample', clip_len=num_frames, num_clips=1),
    dict(type='DecordDecode'),
    dict(type='Resize', scale=(-1, 256)),
    dict(type='MultiScaleCrop', input_size=img_size, scales=(1, .875, .75, .66),
         random_crop=False, max_wh_scale_gap=1, num_fixed_crops=5),
    dict(type='Resize', scale=(img_size, img_size), keep_ratio=False),
    # no flip (not even on Kinetics-400), as the released pipeline
    dict(type='RandomApply', prob=0.8, transforms=[
        dict(type='TorchVisionWrapper', op='ColorJitter', brightness=0.4, contrast=0.4,
             saturation=0.2, hue=0.1)]),
    dict(type='TorchVisionWrapper', op='RandomGrayscale', p=0.2),
    # the ImageNet mean colour is 0 after normalisation (timm erasing, mode 'const')
    dict(type='RandomErasing', erase_prob=0.25, mode='const', fill_color=(124, 116, 104)),
    dict(type='FormatShape', input_format='NCTHW'),
    dict(type='PackActionInputs')
]
val_pipeline = [
    dict(type='DecordInit', io_backend='disk'),
    dict(type='CheckedUniformSample', clip_len=num_frames, num_clips=1, test_mode=True),
    dict(type='DecordDecode'),
    dict(type='Resize', scale=(-1, img_size)),
    dict(type='CenterCrop', crop_size=img_size),
    dict(type='FormatShape', input_format='NCTHW'),
    dict(type='PackActionInputs')
]
# testing: 4 clips x 3 crops
test_pipeline = [val_pipeline[0], dict(val_pipeline[1], num_clips=4), *val_pipeline[2:4],
                 dict(type='ThreeCrop', crop_size=img_size), *val_pipeline[5:]]
