# MorphMLP-B, 16 frames, Something-Something V2 (official SSV2_MLP_B16.yaml): drop path 0.6.
# Paper: 67.6 top-1 (1x3 views, 98 GFLOPs per view).
_base_ = ['morphmlp-s_in1k-pre_8xb8-u16-60e_sthv2-rgb.py']

model = dict(backbone=dict(arch='b16', drop_path_rate=0.6))
