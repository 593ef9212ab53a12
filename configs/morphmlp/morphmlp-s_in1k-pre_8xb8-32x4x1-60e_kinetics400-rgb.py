# MorphMLP-S, 32x4 frames, Kinetics-400 (official K400_MLP_S32x4.yaml): the S16 recipe with
# the 32-frame network (16 temporal tokens; MorphFC_t groups 16/16/14/16). Paper: 79.7 top-1
# (32x1x4 views, 133 GFLOPs per view).
_base_ = ['morphmlp-s_in1k-pre_8xb8-16x4x1-60e_kinetics400-rgb.py']

num_frames = 32
model = dict(backbone=dict(arch='s32'))
# 32x4 clips: clip_len of the frame sampler (step 1) of every pipeline, data loaders included
for _split in ('train', 'val', 'test'):
    _base_[f'{_split}_pipeline'][1].clip_len = num_frames
    _base_[f'{_split}_dataloader'].dataset.pipeline[1].clip_len = num_frames
del _split
