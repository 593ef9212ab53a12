# MorphMLP video recognizer: the official S16 network, LN-mean-linear head, PySlowFast
# normalisation (mean 0.45, std 0.225 of [0, 1] pixels). 47.04M params with 400 classes,
# 66.4 GFLOPs per 16x224x224 view.
model = dict(
    type='Recognizer3D',
    backbone=dict(
        type='MorphMLP',
        arch='s16',
        drop_path_rate=0.1,
        # ImageNet weights: an image MorphMLP checkpoint of this package (inflated to 3-D)
        # or the official video_morphmlp_{s,b}.pth; see docs/morphmlp.md
        pretrained=None),
    cls_head=dict(type='TokenNormHead', num_classes=400, in_channels=784,
                  average_clips='score'),
    data_preprocessor=dict(type='CheckedActionDataPreprocessor', mean=[114.75, 114.75, 114.75],
                           std=[57.375, 57.375, 57.375], format_shape='NCTHW'))
