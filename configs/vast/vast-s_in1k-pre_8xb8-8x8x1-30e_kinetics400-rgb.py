# VAST-S, 8 frames, Kinetics-400: the recipe of
# vast-t_in1k-pre_8xb8-8x8x1-30e_kinetics400-rgb.py with the small backbone. Reconstructed: docs/vast.md.
_base_ = ['vast-t_in1k-pre_8xb8-8x8x1-30e_kinetics400-rgb.py']

model = dict(backbone=dict(arch='small', drop_path_rate=0.3,
                           pretrained='checkpoints/ast_s_in1k.pth'))
