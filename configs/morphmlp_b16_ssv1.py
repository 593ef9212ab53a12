# MorphMLP-B, 16 frames, Something-Something V1 (official SSV1_MLP_B16.yaml): drop path 0.5.
# README: 55.1 top-1 (1x3 views).
_base_ = ['morphmlp_s16_ssv1.py']

model = dict(backbone=dict(arch='b16', drop_path_rate=0.5))
