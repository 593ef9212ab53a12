# Image MorphMLP classifier (mmpretrain): the video network without its temporal parts
# (2-D stem, no MorphFC_t); per-token LN (backbone norm4), mean, linear. DeiT-style
# regularisation: Mixup 0.8 / CutMix 1.0, label smoothing 0.1.
model = dict(
    type='ImageClassifier',
    backbone=dict(type='MorphMLP', arch='t', out_indices=(3, ), drop_path_rate=0.1),
    neck=dict(type='GlobalAveragePooling'),
    head=dict(
        type='LinearClsHead',
        num_classes=1000,
        in_channels=588,
        init_cfg=dict(type='TruncNormal', layer='Linear', std=0.02, bias=0.),
        loss=dict(type='LabelSmoothLoss', label_smooth_val=0.1, mode='original'),
        cal_acc=False),
    train_cfg=dict(augments=[dict(type='Mixup', alpha=0.8), dict(type='CutMix', alpha=1.0)]))
