# VAST's Kinetics-400 schedule (X-ViT's, by the same authors): SGD momentum 0.9, lr 0.03 at
# batch 64 (8 GPUs x 8 clips), wd 1e-5, 5 linear warm-up epochs from lr 0.01, cosine to 0 at
# epoch 30; evaluation every 3 epochs. Reconstructed: docs/vast.md.
max_epochs = 30
warmup_epochs = 5
train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=max_epochs, val_begin=1, val_interval=3)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
optim_wrapper = dict(optimizer=dict(type='SGD', lr=0.03, momentum=0.9, weight_decay=1e-5))
param_scheduler = [
    dict(type='LinearLR', start_factor=1 / 3, by_epoch=True, begin=0, end=warmup_epochs,
         convert_to_iter_based=True),
    dict(type='CosineAnnealingLR', T_max=max_epochs - warmup_epochs, eta_min=0,
         by_epoch=True, begin=warmup_epochs, end=max_epochs, convert_to_iter_based=True)
]
# (8 GPUs) x (8 clips per GPU)
auto_scale_lr = dict(enable=False, base_batch_size=64)
