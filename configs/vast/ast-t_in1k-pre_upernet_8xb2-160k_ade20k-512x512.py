# UperNet + AST-T on ADE20K (512x512 crops, 160k iterations, batch 16 = 8 GPUs x 2):
# the recipe of mmseg's Swin-T UperNet (AdamW lr 6e-5, wd 0.01, no decay on norms,
# 1500 linear warm-up iterations then poly decay), initialised from an AST-T ImageNet
# checkpoint (configs/vast/ast-t_16xb64_in1k.py). Reconstructed: docs/vast.md.
_base_ = [
    '../_base_/models/vast_upernet_ast.py', 'mmseg::_base_/datasets/ade20k.py',
    'mmseg::_base_/default_runtime.py', 'mmseg::_base_/schedules/schedule_160k.py'
]
custom_imports = dict(imports=['mmvideomlp'], allow_failed_imports=False)

checkpoint_file = 'checkpoints/ast_t_in1k.pth'  # an AST-T ImageNet-1k checkpoint
model = dict(
    backbone=dict(
        arch='tiny',
        drop_path_rate=0.3,
        init_cfg=dict(type='Pretrained', checkpoint=checkpoint_file, prefix='backbone.')))

optim_wrapper = dict(
    _delete_=True,
    type='OptimWrapper',
    optimizer=dict(type='AdamW', lr=0.00006, betas=(0.9, 0.999), weight_decay=0.01),
    paramwise_cfg=dict(custom_keys={'norm': dict(decay_mult=0.)}))
param_scheduler = [
    dict(type='LinearLR', start_factor=1e-6, by_epoch=False, begin=0, end=1500),
    dict(type='PolyLR', eta_min=0.0, power=1.0, begin=1500, end=160000, by_epoch=False)
]
train_dataloader = dict(batch_size=2)
val_dataloader = dict(batch_size=1)
test_dataloader = val_dataloader
