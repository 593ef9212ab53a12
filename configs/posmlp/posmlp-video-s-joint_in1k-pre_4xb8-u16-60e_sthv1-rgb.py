# PosMLP-Video S16 with joint blocks (one PoSTGU branch over 4x7x7 spatio-temporal
# windows: the paper's joint unit, not in the released code; window sizes are a choice of
# this package) on Something-Something V1 with the released recipe. One branch per block
# instead of two: about half the block parameters of the parallel S16.
_base_ = ['posmlp-video-s_in1k-pre_4xb8-u16-60e_sthv1-rgb.py']

model = dict(
    backbone=dict(
        _delete_=True,
        type='PosMLP',
        arch=dict(embed_dims=[72, 144, 288, 576], depths=[3, 4, 9, 3],
                  window_sizes=[7, 7, 7, 7], groups=[8, 16, 32, 64], mlp_ratios=2,
                  block_types='joint', temporal_windows=4),
        num_frames=16,
        drop_path_rate=0.1))
