# AST-B on ImageNet-1k: DeiT/Swin recipe (AdamW lr 1e-3 at batch 1024 = 16 GPUs x 64,
# 300 epochs, 20 warm-up, cosine, wd 0.05, grad clip 5, label smoothing 0.1, RandAugment,
# Mixup 0.8, CutMix 1.0, RandomErasing 0.25), drop path 0.5. Reconstructed: docs/vast.md.
_base_ = ['ast-t_16xb64_in1k.py']

model = dict(backbone=dict(arch='base', drop_path_rate=0.5), head=dict(in_channels=1024))
