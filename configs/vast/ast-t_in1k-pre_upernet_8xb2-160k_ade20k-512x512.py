# UperNet + AST-T on ADE20K (512x512 crops, 160k iterations, batch 16 = 8 GPUs x 2):
# the recipe of mmseg's Swin-T UperNet (AdamW lr 6e-5, wd 0.01, no decay on norms,
# 1500 linear warm-up iterations then poly decay), initialised from an AST-T ImageNet
# checkpoint (configs/vast/ast-t_16xb64_in1k.py). Reconstructed: docs/vast.md.
_base_ = [
    '../_base_/models/vast_upernet_ast.py', '../_base_/datasets/ade20k_8xb2.py',
    '../_base_/seg_runtime.py', '../_base_/schedules/upernet_adamw_160k.py'
]

checkpoint_file = 'checkpoints/ast_t_in1k.pth'  # an AST-T ImageNet-1k checkpoint
model = dict(backbone=dict(
    arch='tiny',
    drop_path_rate=0.3,
    init_cfg=dict(type='Pretrained', checkpoint=checkpoint_file, prefix='backbone.')))
