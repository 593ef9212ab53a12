# VAST-T, 8 frames, Kinetics-400: the X-ViT recipe of the same authors (SGD momentum 0.9,
# lr 0.03 at batch 64 = 8 GPUs x 8, 5 warm-up epochs from lr 0.01, cosine, 30 epochs,
# wd 1e-5, label smoothing 0.1, mixup 0.4, scale jitter [256, 320], 224 crops, flip,
# dropout 0.5 before the classifier), initialised from an AST-T ImageNet checkpoint.
# Test: 1 clip x 3 crops. X-ViT's AutoAugment is left out (it needs pytorchvideo).
# Reconstructed: docs/vast.md.
_base_ = [
    '../_base_/models/vast_tiny.py', '../_base_/datasets/vast_k400.py',
    '../_base_/schedules/vast_sgd_k400.py', '../_base_/video_runtime.py'
]

model = dict(
    cls_head=dict(label_smooth_eps=0.1),
    data_preprocessor=dict(blending=dict(type='MixupBlending', num_classes=400, alpha=0.4)))
default_hooks = dict(checkpoint=dict(interval=3, max_keep_ckpts=5))
