# AST-T on ImageNet-1k: DeiT/Swin recipe (AdamW lr 1e-3 at batch 1024 = 16 GPUs x 64,
# 300 epochs, 20 warm-up, cosine, wd 0.05, grad clip 5, label smoothing 0.1, RandAugment,
# Mixup 0.8, CutMix 1.0, RandomErasing 0.25), drop path 0.2. Reconstructed: docs/vast.md.
_base_ = [
    '../_base_/models/vast_ast_in1k.py',
    'mmpretrain::_base_/datasets/imagenet_bs64_swin_224.py',
    'mmpretrain::_base_/schedules/imagenet_bs1024_adamw_swin.py', '../_base_/image_runtime.py'
]
# ImageNet with a named error for a missing or empty list
train_dataloader = dict(dataset=dict(type='CheckedImageNet'))
val_dataloader = dict(dataset=dict(type='CheckedImageNet'))
test_dataloader = val_dataloader

model = dict(
    backbone=dict(arch='tiny', drop_path_rate=0.2),
    head=dict(in_channels=768))
optim_wrapper = dict(clip_grad=dict(max_norm=5.0))
