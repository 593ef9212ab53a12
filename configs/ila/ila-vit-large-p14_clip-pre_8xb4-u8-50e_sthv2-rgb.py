# ILA ViT-L/14, 8 frames of 224x224, Something-Something V2
# (official configs/ssv2/14_8.yaml).
# Recipe of the released code: frozen CLIP, AdamW in three groups, 50 epochs, mixup/cutmix
# (in the model's data preprocessor), label smoothing 0.1, random erasing, ImageNet
# mean/std, 4 clips x 3 crops at test. 8 GPUs x 4 clips x 8 accumulated steps = 256.
# The OpenAI CLIP weights are read from `clip_checkpoint` (nothing is downloaded).
_base_ = ['ila-vit-base-p16_clip-pre_8xb8-u8-50e_sthv2-rgb.py']

clip_arch = 'ViT-L/14'
clip_checkpoint = 'checkpoints/clip/ViT-L-14.pt'
model = dict(backbone=dict(arch=clip_arch, pretrained=clip_checkpoint),
             cls_head=dict(in_channels=768))
train_dataloader = dict(batch_size=4)
val_dataloader = dict(batch_size=4)
optim_wrapper = dict(accumulative_counts=8)  # 8 GPUs x 4 clips x 8 steps = 256
