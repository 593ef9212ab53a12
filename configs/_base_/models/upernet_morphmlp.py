# UperNet (upernet_512.py) on an image MorphMLP-T backbone (4 scales, a LayerNorm on each).
# Inputs of any size work: where a chunk does not divide a row or column of a stage, the map
# is zero-padded at the bottom/right for that FC and cropped back.
_base_ = ['./upernet_512.py']

model = dict(
    backbone=dict(type='MorphMLP', arch='t'),
    decode_head=dict(in_channels=[84, 168, 336, 588]),
    auxiliary_head=dict(in_channels=336))
