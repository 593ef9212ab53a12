# token_norm_recognizer_k400.py for Something-Something V1/V2: 174 classes.
_base_ = ['./token_norm_recognizer_k400.py']

num_classes = 174
model = dict(
    cls_head=dict(num_classes=num_classes),
    data_preprocessor=dict(blending=dict(augments=[
        dict(augment, num_classes=num_classes)
        for augment in _base_.model.data_preprocessor.blending.augments])))
