# MorphMLP-S, 32 frames, Something-Something V2 (official SSV2_MLP_S32.yaml): the S16 recipe
# with the 32-frame network. Paper: 68.3 top-1 (1x3 views, 135 GFLOPs per view).
_base_ = ['morphmlp-s_in1k-pre_8xb8-u16-60e_sthv2-rgb.py']

num_frames = 32
model = dict(backbone=dict(arch='s32'))
# 32 segments: clip_len of the frame sampler (step 1) of every pipeline, data loaders included
for _split in ('train', 'val', 'test'):
    _base_[f'{_split}_pipeline'][1].clip_len = num_frames
    _base_[f'{_split}_dataloader'].dataset.pipeline[1].clip_len = num_frames
del _split
