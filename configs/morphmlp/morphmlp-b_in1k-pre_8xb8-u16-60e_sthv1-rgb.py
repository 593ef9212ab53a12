# MorphMLP-B, 16 frames, Something-Something V1 (official SSV1_MLP_B16.yaml): drop path 0.5.
# README: 55.1 top-1 (1x3 views).
_base_ = ['morphmlp-s_in1k-pre_8xb8-u16-60e_sthv1-rgb.py']

model = dict(backbone=dict(arch='b16', drop_path_rate=0.5))
