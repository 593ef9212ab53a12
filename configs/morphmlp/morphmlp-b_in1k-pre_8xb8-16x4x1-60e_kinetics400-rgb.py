# MorphMLP-B, 16x4 frames, Kinetics-400 (official K400_MLP_B16x4.yaml): the S16 recipe with
# the B network and drop path 0.3. Paper: 79.5 top-1 (16x1x4 views, 98 GFLOPs per view).
_base_ = ['morphmlp-s_in1k-pre_8xb8-16x4x1-60e_kinetics400-rgb.py']

model = dict(backbone=dict(arch='b16', drop_path_rate=0.3))
