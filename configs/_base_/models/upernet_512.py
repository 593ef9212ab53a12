# mmseg's UperNet with the heads of its Swin-T recipe (SyncBN) for 512x512 ADE20K crops
# (150 classes), on a 4-scale backbone with drop path 0.3 and no initial weights: the model
# bases and configs set the backbone's type and arch, and the heads' input widths.
_base_ = ['mmseg::_base_/models/upernet_swin.py']

data_preprocessor = dict(size=(512, 512))
model = dict(
    data_preprocessor=data_preprocessor,
    backbone=dict(_delete_=True, out_indices=(0, 1, 2, 3), drop_path_rate=0.3, init_cfg=None),
    decode_head=dict(num_classes=150),
    auxiliary_head=dict(num_classes=150))
