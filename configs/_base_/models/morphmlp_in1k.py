# Image MorphMLP classifier (mmpretrain): the video network without its temporal parts
# (2-D stem, no MorphFC_t); per-token LN (backbone norm4), mean, linear. DeiT-style
# regularisation (image_classifier_in1k.py): Mixup 0.8 / CutMix 1.0, label smoothing 0.1.
_base_ = ['./image_classifier_in1k.py']

model = dict(
    backbone=dict(type='MorphMLP', arch='t', out_indices=(3, ), drop_path_rate=0.1),
    head=dict(in_channels=588, cal_acc=False,
              init_cfg=dict(type='TruncNormal', layer='Linear', std=0.02, bias=0.)))
