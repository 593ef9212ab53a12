# The PosMLP-Video S16 network of posmlp_s16.py as trained on Something-Something V1/V2
# (the released recipe): 174 classes, label smoothing 0.1, Mixup 0.8 / CutMix 1.0
# (token_norm_recognizer_sth.py).
_base_ = ['./token_norm_recognizer_sth.py']

model = dict(
    backbone=dict(type='PosMLP', arch='s16', num_frames=16, drop_path_rate=0.1),
    cls_head=dict(in_channels=576))
