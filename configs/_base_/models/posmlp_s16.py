# PosMLP-Video S16: the released configuration (72-dim, depths 3-4-9-3, windows 14-14-14-7,
# groups 8-16-32-64, 16 frames, parallel PoTGU || PoSGU blocks), 13.51M params with 174
# classes, 40.2 GFLOPs per 16x224x224 view.

model = dict(
    type='Recognizer3D',
    backbone=dict(type='PosMLP', arch='s16', num_frames=16, drop_path_rate=0.1),
    # LN on every token, mean, linear; no dropout (the official head)
    cls_head=dict(type='TokenNormHead', num_classes=174, in_channels=576,
                  average_clips='score'),
    # PySlowFast normalisation: mean 0.45, std 0.225 of [0, 1] pixels
    data_preprocessor=dict(type='CheckedActionDataPreprocessor', mean=[114.75, 114.75, 114.75],
                           std=[57.375, 57.375, 57.375], format_shape='NCTHW'))
