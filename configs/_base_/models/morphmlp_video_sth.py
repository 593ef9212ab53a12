# The MorphMLP-S16 recognizer as trained on Something-Something V1/V2: 174 classes, drop
# path 0.3, label smoothing 0.1, Mixup 0.8 / CutMix 1.0 (one of the two per batch).
_base_ = ['./morphmlp_video.py']
num_classes = 174
model = dict(
    backbone=dict(drop_path_rate=0.3),
    cls_head=dict(num_classes=num_classes, label_smooth_eps=0.1),
    data_preprocessor=dict(
        blending=dict(
            type='RandomBatchAugment',
            augments=[
                dict(type='MixupBlending', alpha=0.8, num_classes=num_classes),
                dict(type='CutmixBlending', alpha=1., num_classes=num_classes)
            ])))
