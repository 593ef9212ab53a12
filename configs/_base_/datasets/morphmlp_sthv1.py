# Something-Something V1 (JPEG frames) as trained by MorphMLP: the recipe's pipelines
# (morphmlp_pipelines.py) on frames. Repeated augmentation (2 copies per video) is not
# available for raw frames in mmaction2, so each GPU sees 8 videos once.
# Test: 1 clip x 3 crops of 224 (short side 224).
_base_ = ['./sthv1_rawframes.py', './morphmlp_pipelines.py']

# the segment sampler, then the JPEG decoder in place of decord's
train_pipeline, val_pipeline, test_pipeline = (
    [pipeline[1], dict(type='RawFrameDecode', io_backend='disk'), *pipeline[3:]]
    for pipeline in (_base_.train_pipeline, _base_.val_pipeline, _base_.test_pipeline))
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
val_dataloader = dict(dataset=dict(pipeline=val_pipeline))
test_dataloader = dict(dataset=dict(pipeline=test_pipeline))
