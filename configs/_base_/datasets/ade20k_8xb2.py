# ADE20K as mmseg loads it, 512x512 crops, 2 images per GPU for training (8 GPUs x 2) and
# 1 for validation and testing.
_base_ = ['mmseg::_base_/datasets/ade20k.py']
train_dataloader = dict(batch_size=2)
val_dataloader = dict(batch_size=1)
test_dataloader = val_dataloader
