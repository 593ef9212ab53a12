# A small PosMLP-Video (parallel PoTGU || PoSGU blocks) trained from scratch on the
# synthetic temporal-order dataset (16 frames, 56x56 crops; stage maps 14, 7, 4, 2).
_base_ = [
    '_base_/video_runtime.py', '_base_/datasets/synthetic_video.py',
    '_base_/schedules/synthetic_adamw.py'
]

model = dict(
    type='Recognizer3D',
    backbone=dict(
        type='PosMLP',
        arch=dict(embed_dims=[24, 48, 96, 192], depths=[1, 1, 2, 1],
                  window_sizes=[7, 7, 4, 2], groups=[4, 8, 16, 32], mlp_ratios=2,
                  block_types='parallel'),
        num_frames=16,
        drop_path_rate=0.),
    cls_head=dict(type='TokenNormHead', num_classes=10, in_channels=192,
                  average_clips='prob'),
    data_preprocessor=dict(type='CheckedActionDataPreprocessor', mean=[127.5, 127.5, 127.5],
                           std=[58.0, 58.0, 58.0], format_shape='NCTHW'))
