# PosMLP-Video S16 with sequential blocks (temporal then spatial branch, each with its
# own residual: the paper's sequential factorisation, not in the released code) on
# Something-Something V1 with the released recipe. Same parameters as the parallel S16.
_base_ = ['posmlp_s16_ssv1.py']

model = dict(backbone=dict(block_types='sequential'))
