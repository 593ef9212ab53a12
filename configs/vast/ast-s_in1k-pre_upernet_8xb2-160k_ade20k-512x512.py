# UperNet + AST-S on ADE20K (512x512 crops, 160k iterations, batch 16 = 8 GPUs x 2):
# the recipe of mmseg's Swin-S UperNet (AdamW lr 6e-5, wd 0.01, no decay on norms,
# 1500 linear warm-up iterations then poly decay), initialised from an AST-S ImageNet
# checkpoint (configs/vast/ast-s_16xb64_in1k.py). Reconstructed: docs/vast.md.
_base_ = ['ast-t_in1k-pre_upernet_8xb2-160k_ade20k-512x512.py']

checkpoint_file = 'checkpoints/ast_s_in1k.pth'  # an AST-S ImageNet-1k checkpoint
model = dict(backbone=dict(arch='small', init_cfg=dict(checkpoint=checkpoint_file)))
