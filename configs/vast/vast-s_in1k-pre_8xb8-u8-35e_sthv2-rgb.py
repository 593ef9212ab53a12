# VAST-S, 8 frames, Something-Something V2: the recipe of
# vast-t_in1k-pre_8xb8-u8-35e_sthv2-rgb.py with the small backbone. Reconstructed: docs/vast.md.
_base_ = ['vast-t_in1k-pre_8xb8-u8-35e_sthv2-rgb.py']

model = dict(backbone=dict(arch='small', drop_path_rate=0.3,
                           pretrained='checkpoints/ast_s_in1k.pth'))
