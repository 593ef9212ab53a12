# Kinetics-400 as trained by MorphMLP (PySlowFast): the recipe's pipelines
# (morphmlp_pipelines.py) on dense 16x4 clips, with a horizontal flip after the crop, and 2
# augmented copies of every sampled video (repeated augmentation).
# Test: 4 clips x 1 centre crop of 224 on a 256 short side (the paper's 16x1x4 protocol).
_base_ = ['./kinetics400_videos.py', './morphmlp_pipelines.py']

# the sampler is step 1 of each pipeline
train_pipeline = [
    _base_.train_pipeline[0],
    dict(type='CheckedSampleFrames', clip_len=_base_.num_frames, frame_interval=4, num_clips=1),
    *_base_.train_pipeline[2:6],  # decode, short side 256, random resized crop, 224x224
    dict(type='Flip', flip_ratio=0.5),
    *_base_.train_pipeline[6:]
]
val_pipeline = [
    _base_.val_pipeline[0], dict(train_pipeline[1], test_mode=True), _base_.val_pipeline[2],
    dict(type='Resize', scale=(-1, 256)),
    *_base_.val_pipeline[4:]
]
test_pipeline = [val_pipeline[0], dict(val_pipeline[1], num_clips=4), *val_pipeline[2:]]

train_dataloader = dict(
    collate_fn=dict(type='repeat_pseudo_collate'),  # 2 augmented copies: 16 clips per GPU
    dataset=dict(type='CheckedRepeatAugDataset', num_repeats=2, sample_once=True,
                 pipeline=train_pipeline))
val_dataloader = dict(dataset=dict(pipeline=val_pipeline))
test_dataloader = dict(dataset=dict(pipeline=test_pipeline))
