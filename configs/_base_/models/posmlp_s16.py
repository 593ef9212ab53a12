# PosMLP-Video S16 for Kinetics-400: the released configuration (72-dim, depths 3-4-9-3,
# windows 14-14-14-7, groups 8-16-32-64, 16 frames, parallel PoTGU || PoSGU blocks) on the
# official head (LN on every token, mean, linear; no dropout), PySlowFast normalisation and
# regularisation (token_norm_recognizer_k400.py). 13.51M params with the 174 classes of
# Something-Something (posmlp_s16_sth.py), 40.2 GFLOPs per 16x224x224 view.
_base_ = ['./token_norm_recognizer_k400.py']

model = dict(
    backbone=dict(type='PosMLP', arch='s16', num_frames=16, drop_path_rate=0.1),
    cls_head=dict(in_channels=576))
