# MorphMLP's official Something-Something recipe: AdamW 4e-4, 5 warm-up epochs (from 1e-6, per iteration), cosine to
# 1e-6 at epoch 60; betas 0.9/0.999, wd 0.05 (none on 1-D parameters), AMP, gradient
# clipping at 20 (total norm); evaluation every 5 epochs.
base_lr = 4e-4
warmup_epochs = 5
max_epochs = 60
train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=max_epochs, val_begin=1,
                 val_interval=5)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
optim_wrapper = dict(
    type='AmpOptimWrapper',
    loss_scale='dynamic',
    optimizer=dict(type='AdamW', lr=base_lr, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.05),
    paramwise_cfg=dict(norm_decay_mult=0., bias_decay_mult=0., flat_decay_mult=0.),
    clip_grad=dict(max_norm=20, norm_type=2))
param_scheduler = [
    dict(type='LinearLR', start_factor=1e-6 / base_lr, by_epoch=True, begin=0,
         end=warmup_epochs, convert_to_iter_based=True),
    dict(type='CosineAnnealingLR', T_max=max_epochs - warmup_epochs, eta_min=1e-6,
         by_epoch=True, begin=warmup_epochs, end=max_epochs, convert_to_iter_based=True)
]
# (8 GPUs) x (8 videos per GPU)
auto_scale_lr = dict(enable=False, base_batch_size=64)
