# VAST-S, 8 frames, Something-Something V2: the recipe of vast_t_8f_ssv2.py with the small
# backbone. Reconstructed: docs/vast.md.
_base_ = ['vast_t_8f_ssv2.py']

model = dict(backbone=dict(arch='small', drop_path_rate=0.3,
                           pretrained='checkpoints/ast_s_in1k.pth'))
