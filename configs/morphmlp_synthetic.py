# A small MorphMLP trained from scratch on the embedded synthetic temporal-order dataset
# (tools/data/make_synthetic_videos.py): 16 frames, 56x56 crops, a few minutes on a CPU.
# Chunk lengths fit the small maps (14x14, 7x7, 4x4, 2x2): a row in stages 1-3, the whole
# map in stage 4; MorphFC_t mixes the 8 temporal tokens in 7/8/8/8 channel groups.
# The recipe for so few videos (24 a class):
#   * the clip's per-pixel temporal mean is subtracted (SubtractTemporalMean): the static
#     textured backgrounds are what a model memorises first, and the classes differ only in
#     what changes over time;
#   * the dataset's symmetries as augmentations: a time-reversed clip is its twin class, a
#     horizontal flip swaps left/right and the rotation senses, a vertical flip up/down and
#     the rotation senses.
_base_ = [
    '_base_/video_runtime.py', '_base_/datasets/synthetic_video_motion.py',
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

# labels: 0 left, 1 right, 2 up, 3 down, 4 clockwise, 5 anticlockwise, 6 growing,
# 7 shrinking, 8 appearing, 9 disappearing
time_reversed = {label: label ^ 1 for label in range(10)}
train_pipeline = [
    *_base_.train_pipeline[:2],  # DecordInit, SampleFrames
    dict(type='ReverseFrameOrder', prob=0.5, label_map=time_reversed),
    *_base_.train_pipeline[2:-2],  # DecordDecode, Resize, RandomCrop, SubtractTemporalMean
    dict(type='Flip', flip_ratio=0.5, direction='horizontal',
         flip_label_map={0: 1, 1: 0, 4: 5, 5: 4}),
    dict(type='Flip', flip_ratio=0.5, direction='vertical',
         flip_label_map={2: 3, 3: 2, 4: 5, 5: 4}),
    *_base_.train_pipeline[-2:]  # FormatShape, PackActionInputs
]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))

max_epochs = 50
train_cfg = dict(max_epochs=max_epochs, val_interval=max_epochs)
optim_wrapper = dict(optimizer=dict(lr=2e-3, weight_decay=0.))
param_scheduler = [
    dict(type='LinearLR', start_factor=0.1, by_epoch=True, begin=0, end=2,
         convert_to_iter_based=True),
    dict(type='CosineAnnealingLR', T_max=max_epochs - 2, eta_min=1e-5, by_epoch=True,
         begin=2, end=max_epochs, convert_to_iter_based=True)
]
auto_scale_lr = dict(enable=False, base_batch_size=16)
