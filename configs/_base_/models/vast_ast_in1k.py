# Affine-Shift Transformer (AST) image classifier for mmpretrain (ImageNet-1k, 224x224),
# DeiT-style regularisation (image_classifier_in1k.py).
# Reconstructed configuration (no official code): see docs/vast.md.
_base_ = ['./image_classifier_in1k.py']

model = dict(
    backbone=dict(type='AffineShiftTransformer', arch='tiny', spatial_shift_ratio=1 / 12,
                  affine='token', drop_path_rate=0.2, out_indices=(3, )),
    # the classifier's init_cfg below covers the head
    head=dict(in_channels=768, init_cfg=None, cal_acc=False),
    init_cfg=[
        dict(type='TruncNormal', layer='Linear', std=0.02, bias=0.),
        dict(type='Constant', layer='LayerNorm', val=1., bias=0.)
    ])
