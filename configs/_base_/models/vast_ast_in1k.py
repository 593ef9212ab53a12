# Affine-Shift Transformer (AST) image classifier for mmpretrain (ImageNet-1k, 224x224).
# Reconstructed configuration (no official code): see docs/vast.md.
model = dict(
    type='ImageClassifier',
    backbone=dict(
        type='AffineShiftTransformer',
        arch='tiny',
        spatial_shift_ratio=1 / 12,
        affine='token',
        drop_path_rate=0.2,
        out_indices=(3, )),
    neck=dict(type='GlobalAveragePooling'),
    head=dict(
        type='LinearClsHead',
        num_classes=1000,
        in_channels=768,
        init_cfg=None,  # the classifier's init_cfg below covers it
        loss=dict(type='LabelSmoothLoss', label_smooth_val=0.1, mode='original'),
        cal_acc=False),
    init_cfg=[
        dict(type='TruncNormal', layer='Linear', std=0.02, bias=0.),
        dict(type='Constant', layer='LayerNorm', val=1., bias=0.)
    ],
    train_cfg=dict(augments=[dict(type='Mixup', alpha=0.8),
                             dict(type='CutMix', alpha=1.0)]))
