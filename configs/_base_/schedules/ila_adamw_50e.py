# The released ILA optimisation: AdamW (betas 0.9/0.98, eps 1e-8) over three groups,
# linear warm-up over 5 epochs, cosine decay over the 50 epochs to 8e-8 (all groups).
# Base lr/decay = TRAIN.LR 8e-6 / TRAIN.WEIGHT_DECAY 3e-3, which only reach the CLIP weights
# when they are fine-tuned (model.backbone.freeze_clip=False):
#   message_*  (ILA modules)          lr 5e-4, weight decay 1e-2
#   temporal_* (skip projections)     lr 8e-5, weight decay 1e-3
#   MIT (+ SSv2 classifier)           lr 4e-4, weight decay 3e-3
# No weight decay for 1-D parameters, biases and positional embeddings (the constructor).
# Total batch 256 = 8 GPUs x batch_size x accumulative_counts (set by each config).
max_epochs = 50
warmup_epochs = 5
base_lr = 8e-6
train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=max_epochs, val_begin=1, val_interval=1)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')

optim_wrapper = dict(
    type='OptimWrapper',
    constructor='ILAOptimWrapperConstructor',
    optimizer=dict(type='AdamW', lr=base_lr, betas=(0.9, 0.98), eps=1e-8, weight_decay=3e-3),
    paramwise_cfg=dict(
        custom_keys={
            'message_': dict(lr_mult=5e-4 / base_lr, decay_mult=1e-2 / 3e-3),
            'temporal_': dict(lr_mult=10., decay_mult=1e-3 / 3e-3),
            'cls_head.mit': dict(lr_mult=4e-4 / base_lr, decay_mult=1.),
            'cls_head.norm': dict(lr_mult=4e-4 / base_lr, decay_mult=1.),
            'cls_head.fc_cls': dict(lr_mult=4e-4 / base_lr, decay_mult=1.),
        },
        no_decay_keys=('positional_embedding', )),
    accumulative_counts=4)

param_scheduler = [
    dict(type='LinearLR', start_factor=1e-3, by_epoch=True, begin=0, end=warmup_epochs,
         convert_to_iter_based=True),
    # begins at 0 like the released timm scheduler: the cosine runs over all 50 epochs
    dict(type='CosineAnnealingLR', T_max=max_epochs, eta_min=base_lr / 100, by_epoch=True,
         begin=0, end=max_epochs, convert_to_iter_based=True)
]
auto_scale_lr = dict(enable=False, base_batch_size=256)

# jitter of the interactive points: 0.2, halved every epoch from epoch 30 (ILAViT.set_epoch)
