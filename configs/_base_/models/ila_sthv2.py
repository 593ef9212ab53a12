# ILA, Something-Something V2 release: the Kinetics-400 model (ila_k400.py) with two 3x3
# convolutions as interactive block, and MIT with a linear classifier (no text tower).
_base_ = ['./ila_k400.py']

model = dict(
    backbone=dict(interactive='conv'),
    cls_head=dict(_delete_=True, type='ILALinearHead', num_classes=174, in_channels=512,
                  mit_frames=8, dropout_ratio=0.5, label_smooth_eps=0.1, average_clips='prob'),
    data_preprocessor=dict(blending=dict(augments=[
        dict(augment, num_classes=174)
        for augment in _base_.model.data_preprocessor.blending.augments])))
