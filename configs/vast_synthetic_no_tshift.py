# Ablation of vast_synthetic.py: no temporal shift, and frame-by-frame patch embedding. Every
# frame is then processed alone and the head averages over frames, so the model is blind to
# frame order and cannot tell a synthetic class from its time-reversed twin.
_base_ = ['vast_synthetic.py']

model = dict(backbone=dict(temporal_shift_ratio=0., patch_temporal_size=1))
