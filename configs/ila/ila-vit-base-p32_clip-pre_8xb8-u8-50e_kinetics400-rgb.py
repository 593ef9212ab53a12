# ILA ViT-B/32, 8 frames of 224x224, Kinetics-400
# (official configs/k400/32_8.yaml).
# Recipe of the released code: frozen CLIP, AdamW in three groups, 50 epochs, mixup/cutmix
# (in the model's data preprocessor), label smoothing 0.1, random erasing, ImageNet
# mean/std, 4 clips x 3 crops at test. 8 GPUs x 8 clips x 4 accumulated steps = 256.
# The OpenAI CLIP weights are read from `clip_checkpoint` (nothing is downloaded).
_base_ = ['ila-vit-base-p16_clip-pre_8xb8-u8-50e_kinetics400-rgb.py']

clip_arch = 'ViT-B/32'
clip_checkpoint = 'checkpoints/clip/ViT-B-32.pt'
model = dict(backbone=dict(arch=clip_arch, pretrained=clip_checkpoint),
             cls_head=dict(arch=clip_arch, pretrained=clip_checkpoint))
