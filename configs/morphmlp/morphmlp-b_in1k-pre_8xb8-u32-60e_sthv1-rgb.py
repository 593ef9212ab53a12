# MorphMLP-B, 32 frames, Something-Something V1 (official SSV1_MLP_B32.yaml): drop path 0.5.
# README: 57.4 top-1 (1x3 views).
_base_ = ['morphmlp-b_in1k-pre_8xb8-u16-60e_sthv1-rgb.py']

num_frames = 32
model = dict(backbone=dict(arch='b32'))
# 32 segments: clip_len of the frame sampler (step 0 on frames) of every pipeline, data
# loaders included
for _split in ('train', 'val', 'test'):
    _base_[f'{_split}_pipeline'][0].clip_len = num_frames
    _base_[f'{_split}_dataloader'].dataset.pipeline[0].clip_len = num_frames
del _split
