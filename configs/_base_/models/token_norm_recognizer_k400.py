# The recognizer of the PySlowFast-based releases (MorphMLP, PosMLP-Video) without its
# backbone: per-token LayerNorm, mean and linear classifier (TokenNormHead), PySlowFast
# normalisation (mean 0.45, std 0.225 of [0, 1] pixels), and their Kinetics-400
# regularisation: label smoothing 0.1, Mixup 0.8 / CutMix 1.0 (one of the two per batch).
num_classes = 400
model = dict(
    type='Recognizer3D',
    cls_head=dict(type='TokenNormHead', num_classes=num_classes, average_clips='score',
                  label_smooth_eps=0.1),
    data_preprocessor=dict(
        type='CheckedActionDataPreprocessor', mean=[114.75, 114.75, 114.75],
        std=[57.375, 57.375, 57.375], format_shape='NCTHW',
        blending=dict(type='RandomBatchAugment', augments=[
            dict(type='MixupBlending', alpha=0.8, num_classes=num_classes),
            dict(type='CutmixBlending', alpha=1., num_classes=num_classes)])))
