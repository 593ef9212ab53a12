# Image MorphMLP-B on ImageNet-1K (mmpretrain). The official image code is unreleased; the
# paper trains with the DeiT recipe: 300 epochs, AdamW, batch 1024, wd 0.05, 20 warm-up
# epochs, cosine, RandAugment, random erasing 0.25, Mixup 0.8 / CutMix 1.0, label smoothing
# 0.1, drop path 0.3. The paper prints lr 0.01; 1e-3 at batch 1024 (DeiT scaling) is used.
# Paper: 83.2 top-1, 58M params, 10.2 GFLOPs.
_base_ = ['morphmlp-t_8xb128_in1k.py']

model = dict(backbone=dict(arch='b', drop_path_rate=0.3), head=dict(in_channels=784))
