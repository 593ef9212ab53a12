# MorphMLP-B, 16 frames, Something-Something V2 (official SSV2_MLP_B16.yaml): drop path 0.6.
# Paper: 67.6 top-1 (1x3 views, 98 GFLOPs per view).
_base_ = ['morphmlp_s16_ssv2.py']

model = dict(backbone=dict(arch='b16', drop_path_rate=0.6))
