# A small MorphMLP trained from scratch on the embedded synthetic temporal-order dataset
# (tools/data/make_synthetic_videos.py): 16 frames, 56x56 crops. Chunk lengths are chosen
# for the small maps (14x14, 7x7, 4x4, 2x2): one row in stages 1-3, the whole map in
# stage 4. The quickstart model: a few minutes of CPU training.
_base_ = [
    '_base_/video_runtime.py', '_base_/datasets/synthetic_video.py',
    '_base_/schedules/synthetic_adamw.py'
]

model = dict(
    type='Recognizer3D',
    backbone=dict(
        type='MorphMLP',
        arch=dict(embed_dims=[28, 56, 112, 224], depths=[1, 1, 2, 1],
                  chunk_lengths=[14, 7, 4, 4], mlp_ratio=2),
        num_frames=16),
    cls_head=dict(type='TokenNormHead', num_classes=10, in_channels=224,
                  average_clips='prob'),
    data_preprocessor=dict(type='ActionDataPreprocessor', mean=[127.5, 127.5, 127.5],
                           std=[58.0, 58.0, 58.0], format_shape='NCTHW'))
