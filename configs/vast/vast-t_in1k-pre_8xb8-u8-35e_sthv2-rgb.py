# VAST-T, 8 frames, Something-Something V2: the X-ViT SSv2 recipe of the same authors (SGD
# momentum 0.9, lr 0.03 at batch 64 = 8 GPUs x 8, 5 warm-up epochs from lr 0.003, cosine,
# 35 epochs, wd 1e-4, plain cross-entropy, no mixup, scale jitter [256, 320], 224 crops,
# no flip, dropout 0.5), 1/4 of the channels shifted to each neighbouring frame,
# initialised from an AST-T ImageNet checkpoint. Test: 2 clips x 3 crops. X-ViT's
# AutoAugment is left out (it needs pytorchvideo). Reconstructed: docs/vast.md.
_base_ = [
    '../_base_/models/vast_tiny.py', '../_base_/datasets/vast_sthv2.py',
    '../_base_/schedules/vast_sgd_sthv2.py', '../_base_/video_runtime.py'
]

model = dict(
    backbone=dict(arch='tiny', temporal_shift_ratio=1 / 4, drop_path_rate=0.2,
                  # see vast-t_in1k-pre_8xb8-8x8x1-30e_kinetics400-rgb.py
                  pretrained='checkpoints/ast_t_in1k.pth'),
    cls_head=dict(num_classes=174, in_channels=768))
default_hooks = dict(checkpoint=dict(interval=5, max_keep_ckpts=5))
