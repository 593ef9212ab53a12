# The MorphMLP-S16 recognizer as trained on Something-Something V1/V2: 174 classes, drop
# path 0.3, label smoothing 0.1, Mixup 0.8 / CutMix 1.0 (token_norm_recognizer_sth.py).
# ImageNet weights: model.backbone.pretrained, as in morphmlp_video.py.
_base_ = ['./token_norm_recognizer_sth.py']

model = dict(
    backbone=dict(type='MorphMLP', arch='s16', drop_path_rate=0.3, pretrained=None),
    cls_head=dict(in_channels=784))
