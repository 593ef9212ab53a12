# A small MorphMLP trained from scratch on the embedded synthetic temporal-order dataset
# (tools/data/make_synthetic_videos.py): 16 frames, 56x56 crops, a few minutes on a CPU.
# Chunk lengths fit the small maps (14x14, 7x7, 4x4, 2x2): a row in stages 1-3, the whole
# map in stage 4; MorphFC_t mixes the 8 temporal tokens in 7/8/8/8 channel groups.
# The recipe for so few videos (24 a class), synthetic_video_symmetries.py:
#   * the clip's per-pixel temporal mean is subtracted (SubtractTemporalMean): the static
#     textured backgrounds are what a model memorises first, and the classes differ only in
#     what changes over time;
#   * the dataset's symmetries as augmentations (time reversal, flips).
_base_ = [
    '_base_/video_runtime.py', '_base_/datasets/synthetic_video_symmetries.py',
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
    data_preprocessor=dict(type='CheckedActionDataPreprocessor', mean=[0., 0., 0.],
                           std=[30., 30., 30.], format_shape='NCTHW'))

max_epochs = 50
train_cfg = dict(max_epochs=max_epochs, val_interval=max_epochs)
optim_wrapper = dict(optimizer=dict(lr=2e-3, weight_decay=0.))
param_scheduler = [  # 2 warm-up epochs, then the cosine
    dict(_base_.param_scheduler[0], end=2),
    dict(_base_.param_scheduler[1], T_max=max_epochs - 2, begin=2, end=max_epochs)
]
auto_scale_lr = dict(base_batch_size=16)
