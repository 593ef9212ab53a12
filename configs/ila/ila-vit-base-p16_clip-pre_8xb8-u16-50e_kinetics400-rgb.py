# ILA ViT-B/16, 16 frames of 224x224, Kinetics-400
# (official configs/k400/16_16.yaml, whose ARCH wrongly says ViT-B/32).
# Recipe of the released code: frozen CLIP, AdamW in three groups, 50 epochs, mixup/cutmix
# (in the model's data preprocessor), label smoothing 0.1, random erasing, ImageNet
# mean/std, 4 clips x 3 crops at test. 8 GPUs x 8 clips x 4 accumulated steps = 256.
# The OpenAI CLIP weights are read from `clip_checkpoint` (nothing is downloaded).
_base_ = ['ila-vit-base-p16_clip-pre_8xb8-u8-50e_kinetics400-rgb.py']

num_frames = 16
model = dict(cls_head=dict(mit_frames=num_frames))
# 16 frames: clip_len of the frame sampler (step 1) of every pipeline, data loaders included
for _split in ('train', 'val', 'test'):
    _base_[f'{_split}_pipeline'][1].clip_len = num_frames
    _base_[f'{_split}_dataloader'].dataset.pipeline[1].clip_len = num_frames
del _split
