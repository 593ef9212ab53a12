# PosMLP-Video S16 with sequential blocks (temporal then spatial branch, each with its
# own residual: the paper's sequential factorisation, not in the released code) on
# Something-Something V1 with the released recipe. Same parameters as the parallel S16.
_base_ = ['posmlp-video-s_in1k-pre_4xb8-u16-60e_sthv1-rgb.py']

model = dict(backbone=dict(block_types='sequential'))
