# UperNet on an image MorphMLP backbone (4 scales, a LayerNorm on each), mmseg's standard
# heads. Inputs of any size work: where a chunk does not divide a row or column of a stage,
# the map is zero-padded at the bottom/right for that FC and cropped back.
_base_ = ['mmseg::_base_/models/upernet_swin.py']
model = dict(
    backbone=dict(
        _delete_=True,
        type='MorphMLP',
        arch='t',
        out_indices=(0, 1, 2, 3),
        drop_path_rate=0.3,
        init_cfg=None),
    decode_head=dict(in_channels=[84, 168, 336, 588], num_classes=150),
    auxiliary_head=dict(in_channels=336, num_classes=150))
