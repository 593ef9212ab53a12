# MorphMLP video recognizer for Kinetics-400: the official S16 network on the PySlowFast
# head, normalisation and regularisation (token_norm_recognizer_k400.py). 47.04M params with
# 400 classes, 66.4 GFLOPs per 16x224x224 view.
_base_ = ['./token_norm_recognizer_k400.py']

model = dict(
    backbone=dict(
        type='MorphMLP',
        arch='s16',
        drop_path_rate=0.1,
        # ImageNet weights: an image MorphMLP checkpoint of this package (inflated to 3-D)
        # or the official video_morphmlp_{s,b}.pth; see docs/morphmlp.md
        pretrained=None),
    cls_head=dict(in_channels=784))
