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
#     dataset's symmetries as label-changing augmentations (synthetic_video_symmetries.py).
# The head and data preprocessor are VAST-T's (vast_tiny.py), on the centred frames.
_base_ = [
    '_base_/models/vast_tiny.py', '_base_/video_runtime.py',
    '_base_/datasets/synthetic_video_symmetries.py', '_base_/schedules/synthetic_adamw.py'
]

model = dict(
    backbone=dict(
        _delete_=True,
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
    cls_head=dict(num_classes=10, in_channels=128, dropout_ratio=0.3),
    data_preprocessor=dict(mean=[0., 0., 0.], std=[30., 30., 30.]))

# every other frame: the whole motion at half the cost (step 1 of each pipeline)
frame_sampler = dict(type='CheckedSampleFrames', clip_len=8, frame_interval=2, num_clips=1)
train_pipeline = [_base_.train_pipeline[0], frame_sampler, *_base_.train_pipeline[2:]]
test_pipeline = [_base_.test_pipeline[0], dict(frame_sampler, test_mode=True),
                 *_base_.test_pipeline[2:]]
train_dataloader = dict(batch_size=8, dataset=dict(pipeline=train_pipeline))
val_dataloader = dict(batch_size=8, dataset=dict(pipeline=test_pipeline))
test_dataloader = dict(batch_size=8, dataset=dict(pipeline=test_pipeline))

max_epochs = 30
train_cfg = dict(max_epochs=max_epochs, val_interval=max_epochs)
optim_wrapper = dict(optimizer=dict(lr=2e-3, weight_decay=0.))
param_scheduler = [
    _base_.param_scheduler[0],
    dict(_base_.param_scheduler[1], T_max=max_epochs - 1, begin=1, end=max_epochs)
]
