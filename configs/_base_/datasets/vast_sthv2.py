# Something-Something V2 videos with the pipelines of VAST's recipe (vast_pipelines.py) as
# X-ViT trains on SSv2: 8 TSN-style segments instead of dense clips, no flip (the classes
# are direction-sensitive), 2 clips x 3 crops at test time.
_base_ = ['./sthv2_videos.py', './vast_pipelines.py']

frame_sampler = dict(type='CheckedUniformSample', clip_len=8, num_clips=1)
# the sampler is step 1 of each pipeline
train_pipeline = [_base_.train_pipeline[0], frame_sampler,
                  *[step for step in _base_.train_pipeline[2:] if step.type != 'Flip']]
val_pipeline = [_base_.val_pipeline[0], dict(frame_sampler, test_mode=True),
                *_base_.val_pipeline[2:]]
test_pipeline = [_base_.test_pipeline[0], dict(frame_sampler, num_clips=2, test_mode=True),
                 *_base_.test_pipeline[2:]]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
val_dataloader = dict(dataset=dict(pipeline=val_pipeline))
test_dataloader = dict(dataset=dict(pipeline=test_pipeline))
