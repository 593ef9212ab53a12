# The PosMLP-Video S16 recognizer as trained on Something-Something V1/V2 (the released
# recipe): 174 classes, label smoothing 0.1, Mixup 0.8 / CutMix 1.0 (one of the two per
# batch).
_base_ = ['./posmlp_s16.py']
num_classes = 174
model = dict(
    cls_head=dict(num_classes=num_classes, label_smooth_eps=0.1),
    data_preprocessor=dict(
        blending=dict(
            type='RandomBatchAugment',
            augments=[
                dict(type='MixupBlending', alpha=0.8, num_classes=num_classes),
                dict(type='CutmixBlending', alpha=1., num_classes=num_classes)
            ])))
