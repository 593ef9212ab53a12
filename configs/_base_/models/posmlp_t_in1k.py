# Image PosMLP-T (GQPE spatial gating, 96-dim, depths 2-2-18-2) for mmpretrain:
# 20.93M params, 5.18 GFLOPs at 224x224.
model = dict(
    type='ImageClassifier',
    backbone=dict(type='PosMLP', arch='t', drop_path_rate=0.1, drop_rate=0.02333,
                  out_indices=(3, )),
    neck=dict(type='GlobalAveragePooling'),
    head=dict(
        type='LinearClsHead',
        num_classes=1000,
        in_channels=768,
        loss=dict(type='LabelSmoothLoss', label_smooth_val=0.1, mode='original'),
        init_cfg=dict(type='TruncNormal', layer='Linear', std=.02, bias=0.)),
    train_cfg=dict(augments=[dict(type='Mixup', alpha=0.5), dict(type='CutMix', alpha=1.0)]))
