# PosMLP-Video S16 on Something-Something V1: the released configuration
# (official configs/SSV1/SSV1_MLP_S16.yaml). 16 TSN-style segments, 224x224, 4 GPUs x 8 clips.
# Differences from the official recipe (no equivalent in mmaction2): repeated augmentation
# (AUG.NUM_SAMPLE 2) is not available for raw frames; RandAugment has no magnitude std.
# Official initialisation: an ImageNet-1K PosMLP checkpoint with video key names
# (pretrained/model72andt.pth, not public); set model.backbone.init_cfg to such a
# checkpoint converted with tools/model_converters/posmlp_official.py, prefix 'backbone.'.
_base_ = ['../_base_/models/posmlp_s16.py', '../_base_/video_runtime.py']

num_classes = 174
model = dict(
    backbone=dict(drop_path_rate=0.1),
    cls_head=dict(num_classes=num_classes, label_smooth_eps=0.1),
    data_preprocessor=dict(
        blending=dict(
            type='RandomBatchAugment',
            augments=[
                dict(type='MixupBlending', alpha=0.8, num_classes=num_classes),
                dict(type='CutmixBlending', alpha=1., num_classes=num_classes)
            ])))

dataset_type = 'CheckedRawframeDataset'
data_root = 'data/sthv1/rawframes'
ann_file_train = 'data/sthv1/sthv1_train_list_rawframes.txt'
ann_file_val = 'data/sthv1/sthv1_val_list_rawframes.txt'
ann_file_test = 'data/sthv1/sthv1_val_list_rawframes.txt'
filename_tmpl = '{:05}.jpg'
file_client_args = dict(io_backend='disk')

# no horizontal flip: Something-Something classes are direction-sensitive
train_pipeline = [
    dict(type='CheckedUniformSample', clip_len=16),
    dict(type='RawFrameDecode', **file_client_args),
    dict(type='RandomResizedCrop', area_range=(0.08, 1.), aspect_ratio_range=(0.75, 4 / 3)),
    dict(type='Resize', scale=(224, 224), keep_ratio=False),
    dict(type='PytorchVideoWrapper', op='RandAugment', magnitude=7, num_layers=4),
    dict(type='RandomErasing', erase_prob=0.25, mode='rand'),
    dict(type='FormatShape', input_format='NCTHW'),
    dict(type='PackActionInputs')
]
val_pipeline = [
    dict(type='CheckedUniformSample', clip_len=16, test_mode=True),
    dict(type='RawFrameDecode', **file_client_args),
    dict(type='Resize', scale=(-1, 224)),
    dict(type='CenterCrop', crop_size=224),
    dict(type='FormatShape', input_format='NCTHW'),
    dict(type='PackActionInputs')
]
# official test protocol: 1 clip x 3 crops of 224 on a 224 short side, logits summed
test_pipeline = [
    dict(type='CheckedUniformSample', clip_len=16, test_mode=True),
    dict(type='RawFrameDecode', **file_client_args),
    dict(type='Resize', scale=(-1, 224)),
    dict(type='ThreeCrop', crop_size=224),
    dict(type='FormatShape', input_format='NCTHW'),
    dict(type='PackActionInputs')
]

train_dataloader = dict(
    batch_size=8,
    num_workers=8,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(type=dataset_type, ann_file=ann_file_train, data_prefix=dict(img=data_root),
                 filename_tmpl=filename_tmpl, pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=8,
    num_workers=8,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(type=dataset_type, ann_file=ann_file_val, data_prefix=dict(img=data_root),
                 filename_tmpl=filename_tmpl, pipeline=val_pipeline, test_mode=True))
test_dataloader = dict(
    batch_size=1,
    num_workers=8,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(type=dataset_type, ann_file=ann_file_test, data_prefix=dict(img=data_root),
                 filename_tmpl=filename_tmpl, pipeline=test_pipeline, test_mode=True))
val_evaluator = dict(type='AccMetric')
test_evaluator = val_evaluator

# AdamW 4e-4, wd 0.05 (0 on norms and biases; LRPE tables and token biases are decayed as
# in the official code), 5 warm-up epochs from 1e-6, cosine to 1e-6 at epoch 60, AMP,
# gradient clipping at 20.
max_epochs = 60
warmup_epochs = 5
base_lr = 4e-4
train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=max_epochs, val_begin=1,
                 val_interval=5)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
optim_wrapper = dict(
    type='AmpOptimWrapper',
    loss_scale='dynamic',
    optimizer=dict(type='AdamW', lr=base_lr, betas=(0.9, 0.999), eps=1e-8,
                   weight_decay=0.05),
    paramwise_cfg=dict(norm_decay_mult=0., bias_decay_mult=0.),
    clip_grad=dict(max_norm=20, norm_type=2))
param_scheduler = [
    dict(type='LinearLR', start_factor=1e-6 / base_lr, by_epoch=True, begin=0,
         end=warmup_epochs, convert_to_iter_based=True),
    dict(type='CosineAnnealingLR', T_max=max_epochs - warmup_epochs, eta_min=1e-6,
         by_epoch=True, begin=warmup_epochs, end=max_epochs, convert_to_iter_based=True)
]
default_hooks = dict(checkpoint=dict(interval=2, max_keep_ckpts=5))
# (4 GPUs) x (8 clips per GPU)
auto_scale_lr = dict(enable=False, base_batch_size=32)
