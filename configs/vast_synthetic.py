# A small VAST trained from scratch on the synthetic temporal-order dataset
# (tools/data/make_synthetic_videos.py): every other frame of the 16 (8 frames of 56x56),
# three stages of 32/64/128 channels. Its classes come in time-reversed pairs, so only the
# temporal shift lets the model tell a class from its twin; vast_synthetic_no_tshift.py is the
# ablation.
# From scratch, a small VAST is otherwise blind to the order of frames for many seeds: the
# order of frames reaches the pooled features only through products of a token with its
# time-shifted neighbours (the affine, the MLP), which the ImageNet-style initialisation
# (truncated normal 0.02 on narrow layers, identity affine) makes vanishingly small, so the
# training sits on the time-symmetric plateau (ln 2 per pair). Hence, for small widths:
#   * linear layers at std 1/sqrt(fan_in) (Kaiming, linear gain): residual branches of the
#     size of the stream instead of about 1 % of it;
#   * affine generators near, not at, the identity (affine_init_std);
#   * a 3x4x4 patch embedding (every token sees the frames beside its own);
#   * the recipe of the other synthetic configs: per-pixel temporal mean subtracted, the
#     dataset's symmetries as label-changing augmentations (time reversal, flips).
_base_ = [
    '_base_/video_runtime.py', '_base_/datasets/synthetic_video_motion.py',
    '_base_/schedules/synthetic_adamw.py'
]

model = dict(
    type='Recognizer3D',
    backbone=dict(
        type='VAST',
        arch=dict(embed_dims=32, depths=(1, 1, 2), mlp_ratio=2.),
        patch_temporal_size=3,
        spatial_shift_ratio=1 / 8,
        temporal_shift_ratio=1 / 4,
        affine='token',
        affine_init_std=0.1,
        drop_path_rate=0.,
        init_cfg=[
            dict(type='Kaiming', layer='Linear', mode='fan_in', nonlinearity='linear',
                 distribution='normal', bias=0.),
            dict(type='TruncNormal', layer='Conv3d', std=.02, bias=0.),
            dict(type='Constant', layer='LayerNorm', val=1., bias=0.)
        ]),
    cls_head=dict(
        type='TokenNormHead',
        num_classes=10,
        in_channels=128,
        norm_cfg=None,
        dropout_ratio=0.3,
        average_clips='prob'),
    data_preprocessor=dict(
        type='CheckedActionDataPreprocessor',
        mean=[0., 0., 0.],
        std=[30., 30., 30.],
        format_shape='NCTHW'))

# labels: 0 left, 1 right, 2 up, 3 down, 4 clockwise, 5 anticlockwise, 6 growing,
# 7 shrinking, 8 appearing, 9 disappearing
time_reversed = {label: label ^ 1 for label in range(10)}
# every other frame: the whole motion at half the cost
frame_sampler = dict(type='CheckedSampleFrames', clip_len=8, frame_interval=2, num_clips=1)
train_pipeline = [
    dict(type='DecordInit', io_backend='disk'), frame_sampler,
    dict(type='ReverseFrameOrder', prob=0.5, label_map=time_reversed),
    dict(type='DecordDecode'),
    dict(type='Resize', scale=(-1, 64)),
    dict(type='RandomCrop', size=56),
    dict(type='SubtractTemporalMean'),
    dict(type='Flip', flip_ratio=0.5, direction='horizontal',
         flip_label_map={0: 1, 1: 0, 4: 5, 5: 4}),
    dict(type='Flip', flip_ratio=0.5, direction='vertical',
         flip_label_map={2: 3, 3: 2, 4: 5, 5: 4}),
    dict(type='FormatShape', input_format='NCTHW'),
    dict(type='PackActionInputs')
]
test_pipeline = [
    dict(type='DecordInit', io_backend='disk'),
    dict(frame_sampler, test_mode=True),
    dict(type='DecordDecode'),
    dict(type='Resize', scale=(-1, 64)),
    dict(type='CenterCrop', crop_size=56),
    dict(type='SubtractTemporalMean'),
    dict(type='FormatShape', input_format='NCTHW'),
    dict(type='PackActionInputs')
]
train_dataloader = dict(batch_size=8, dataset=dict(pipeline=train_pipeline))
val_dataloader = dict(batch_size=8, dataset=dict(pipeline=test_pipeline))
test_dataloader = dict(batch_size=8, dataset=dict(pipeline=test_pipeline))

max_epochs = 30
train_cfg = dict(max_epochs=max_epochs, val_interval=max_epochs)
optim_wrapper = dict(optimizer=dict(lr=2e-3, weight_decay=0.))
param_scheduler = [
    dict(type='LinearLR', start_factor=0.1, by_epoch=True, begin=0, end=1,
         convert_to_iter_based=True),
    dict(type='CosineAnnealingLR', T_max=max_epochs - 1, eta_min=1e-5, by_epoch=True,
         begin=1, end=max_epochs, convert_to_iter_based=True)
]
