# Image MorphMLP-T on ImageNet-1K (mmpretrain). The official image code is unreleased; the
# paper trains with the DeiT recipe: 300 epochs, AdamW, batch 1024, wd 0.05, 20 warm-up
# epochs, cosine, RandAugment, random erasing 0.25, Mixup 0.8 / CutMix 1.0, label smoothing
# 0.1, drop path 0.1. The paper prints lr 0.01; 1e-3 at batch 1024 (DeiT scaling) is used.
# Paper: 81.6 top-1, 23M params, 3.9 GFLOPs.
_base_ = [
    '../_base_/models/morphmlp_in1k.py',
    'mmpretrain::_base_/datasets/imagenet_bs64_swin_224.py',
    'mmpretrain::_base_/schedules/imagenet_bs1024_adamw_swin.py', '../_base_/image_runtime.py'
]

model = dict(
    backbone=dict(arch='t', drop_path_rate=0.1),
    head=dict(in_channels=588))
# 8 GPUs x 128 images
train_dataloader = dict(batch_size=128, dataset=dict(type='CheckedImageNet'))
val_dataloader = dict(batch_size=128, dataset=dict(type='CheckedImageNet'))
test_dataloader = val_dataloader
# DeiT trains with mixed precision: add --amp to tools/train.py on GPUs
optim_wrapper = dict(
    optimizer=dict(lr=1e-3),
    paramwise_cfg=dict(_delete_=True, norm_decay_mult=0., bias_decay_mult=0.,
                       flat_decay_mult=0.))
auto_scale_lr = dict(base_batch_size=1024)
