# A small PosMLP-Video (parallel PoTGU || PoSGU blocks) trained from scratch on the embedded
# synthetic temporal-order dataset (tools/data/make_synthetic_videos.py) with the recipe every
# family's synthetic config shares (synthetic_video_8x32.py: 8 frames of 32x32 with the
# temporal mean subtracted, the dataset's symmetries as label-changing augmentations).
# Stage maps 8, 4, 2, 1: the spatial windows cover each whole map; PoTGU mixes all 8 frames.
# The LRPE tables start at zero (official), so every block starts as the identity.
# Measured (docs/synthetic_dataset.md): on the dynamics set every pair is learnt (top-1 1.00);
# on shapes every pair but in-place rotation, which stays at chance (top-1 0.89).
_base_ = [
    '_base_/video_runtime.py', '_base_/datasets/synthetic_video_8x32.py',
    '_base_/schedules/synthetic_adamw_60e.py'
]

model = dict(
    type='Recognizer3D',
    backbone=dict(
        type='PosMLP',
        arch=dict(embed_dims=[32, 64, 128, 256], depths=[1, 1, 2, 1],
                  window_sizes=[8, 4, 2, 1], groups=[4, 8, 16, 32], mlp_ratios=2,
                  block_types='parallel'),
        num_frames=8,
        drop_path_rate=0.),
    cls_head=dict(type='TokenNormHead', num_classes=10, in_channels=256,
                  average_clips='prob'),
    data_preprocessor=dict(type='CheckedActionDataPreprocessor', mean=[0., 0., 0.],
                           std=[30., 30., 30.], format_shape='NCTHW'))
