# ILA ViT-B/16, 8 frames of 224x224, Something-Something V2
# (official configs/ssv2/16_8.yaml).
# Recipe of the released code: frozen CLIP, AdamW in three groups, 50 epochs, mixup/cutmix
# (in the model's data preprocessor), label smoothing 0.1, random erasing, ImageNet
# mean/std, 4 clips x 3 crops at test. 8 GPUs x 8 clips x 4 accumulated steps = 256.
# The OpenAI CLIP weights are read from `clip_checkpoint` (nothing is downloaded).
_base_ = [
    '../_base_/models/ila_sthv2.py', '../_base_/datasets/ila_sthv2.py',
    '../_base_/schedules/ila_adamw_50e.py', '../_base_/ila_runtime.py'
]
# CLIP ViT-B/16 (clip_arch, clip_checkpoint), 8 frames, 8 GPUs x 8 clips x 4 accumulated
# steps: the bases as they are
