# A small VAST trained from scratch on the synthetic temporal-order dataset
# (tools/data/make_synthetic_videos.py) with the recipe every family's synthetic config shares
# (synthetic_video_8x32.py: 8 frames of 32x32 with the temporal mean subtracted, the dataset's
# symmetries as label-changing augmentations): three stages of 32/64/128 channels on 8x8
# tokens. Its classes come in time-reversed pairs, so only the temporal shift lets the model
# tell a class from its twin; vast_synthetic_no_tshift.py is the ablation.
# From scratch, a small VAST is otherwise blind to the order of frames for many seeds: the
# order of frames reaches the pooled features only through products of a token with its
# time-shifted neighbours (the affine, the MLP), which the ImageNet-style initialisation
# (truncated normal 0.02 on narrow layers, identity affine) makes vanishingly small, so the
# training sits on the time-symmetric plateau (ln 2 per pair). Hence, for small widths:
#   * linear layers at std 1/sqrt(fan_in) (Kaiming, linear gain): residual branches of the
#     size of the stream instead of about 1 % of it;
#   * affine generators near, not at, the identity (affine_init_std);
#   * overlapping 3x7x7 patches at stride 4 (every token sees the frames beside its own and
#     the edges of its neighbours);
#   * enough steps: it learns one motion family after another, so the budget goes into
#     epochs of small clips (90 epochs, under 4 minutes on 2 CPU cores).
# The clips must not be exactly zero where nothing moves (the dataset's sensor noise): a zero
# token meets LayerNorm's eps and the first gradients reach ~1e9 (docs/vast.md).
# The head and data preprocessor are VAST-T's (vast_tiny.py), on the centred frames.
_base_ = [
    '_base_/models/vast_tiny.py', '_base_/video_runtime.py',
    '_base_/datasets/synthetic_video_8x32.py', '_base_/schedules/synthetic_adamw.py'
]

model = dict(
    backbone=dict(
        _delete_=True,
        type='VAST',
        arch=dict(embed_dims=32, depths=(1, 1, 2), mlp_ratio=2.),
        patch_temporal_size=3,
        patch_kernel_size=7,
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

max_epochs = 90
train_cfg = dict(max_epochs=max_epochs, val_interval=max_epochs)
optim_wrapper = dict(optimizer=dict(lr=2e-3, weight_decay=0.))
param_scheduler = [
    _base_.param_scheduler[0],
    dict(_base_.param_scheduler[1], T_max=max_epochs - 1, begin=1, end=max_epochs)
]
