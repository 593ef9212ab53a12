# Image PosMLP-T (GQPE spatial gating, 96-dim, depths 2-2-18-2) for mmpretrain:
# 20.93M params, 5.18 GFLOPs at 224x224. Label smoothing 0.1, Mixup 0.5 / CutMix 1.0.
_base_ = ['./image_classifier_in1k.py']

model = dict(
    backbone=dict(type='PosMLP', arch='t', drop_path_rate=0.1, drop_rate=0.02333,
                  out_indices=(3, )),
    head=dict(in_channels=768,
              init_cfg=dict(type='TruncNormal', layer='Linear', std=.02, bias=0.)),
    train_cfg=dict(augments=[dict(type='Mixup', alpha=0.5), dict(type='CutMix', alpha=1.0)]))
