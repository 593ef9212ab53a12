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

model = dict(backbone=dict(temporal_shift_ratio=1 / 4), cls_head=dict(num_classes=174))
default_hooks = dict(checkpoint=dict(interval=5, max_keep_ckpts=5))
