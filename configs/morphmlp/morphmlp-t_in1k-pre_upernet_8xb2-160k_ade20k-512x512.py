# UperNet with an image MorphMLP-T backbone on ADE20K: 512x512 crops, 8 GPUs x 2 images,
# mmseg's standard 160k-iteration UperNet schedule with the Swin recipe (AdamW 6e-5, wd 0.01
# with none on norms, 1500 linear warm-up iterations, poly decay), drop path 0.3.
# The paper reports Semantic FPN results (no segmentation code was released); 512x512 inputs
# give stage maps (128, 64, 32, 16) that the chunks (14, 28, 28, 49) do not divide: each
# chunked FC zero-pads the map bottom/right and crops back (docs/morphmlp.md).
# SyncBN in the heads needs a distributed launch; on one GPU/CPU add
#   --cfg-options model.decode_head.norm_cfg.type=BN model.auxiliary_head.norm_cfg.type=BN
# Start from an ImageNet checkpoint of morphmlp-t_8xb128_in1k.py: set `pretrained` below.
_base_ = [
    '../_base_/models/upernet_morphmlp.py', 'mmseg::_base_/datasets/ade20k.py',
    'mmseg::_base_/default_runtime.py', 'mmseg::_base_/schedules/schedule_160k.py'
]
custom_imports = dict(imports=['mmvideomlp'], allow_failed_imports=False)

pretrained = None  # e.g. 'work_dirs/morphmlp_t_in1k/epoch_300.pth'
crop_size = (512, 512)
data_preprocessor = dict(size=crop_size)
model = dict(
    data_preprocessor=data_preprocessor,
    backbone=dict(
        arch='t',
        drop_path_rate=0.3,
        init_cfg=None if pretrained is None else dict(
            type='Pretrained', checkpoint=pretrained, prefix='backbone.')),
    decode_head=dict(in_channels=[84, 168, 336, 588], num_classes=150),
    auxiliary_head=dict(in_channels=336, num_classes=150))

optim_wrapper = dict(
    _delete_=True,
    type='OptimWrapper',
    optimizer=dict(type='AdamW', lr=6e-5, betas=(0.9, 0.999), weight_decay=0.01),
    paramwise_cfg=dict(custom_keys={'norm': dict(decay_mult=0.)}))
param_scheduler = [
    dict(type='LinearLR', start_factor=1e-6, by_epoch=False, begin=0, end=1500),
    dict(type='PolyLR', eta_min=0.0, power=1.0, begin=1500, end=160000, by_epoch=False)
]
train_dataloader = dict(batch_size=2)
val_dataloader = dict(batch_size=1)
test_dataloader = val_dataloader
