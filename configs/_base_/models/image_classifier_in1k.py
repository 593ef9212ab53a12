# An ImageNet-1k classifier for mmpretrain with DeiT's regularisation: global average
# pooling, a linear classifier, label smoothing 0.1, Mixup 0.8 / CutMix 1.0 (one of the two
# per batch). The model bases add the backbone and the classifier's input width.
model = dict(
    type='ImageClassifier',
    neck=dict(type='GlobalAveragePooling'),
    head=dict(type='LinearClsHead', num_classes=1000,
              loss=dict(type='LabelSmoothLoss', label_smooth_val=0.1, mode='original')),
    train_cfg=dict(augments=[dict(type='Mixup', alpha=0.8), dict(type='CutMix', alpha=1.0)]))
