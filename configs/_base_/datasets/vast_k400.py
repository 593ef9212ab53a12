# Kinetics-400 videos with the data pipelines of VAST's recipe (vast_pipelines.py).
_base_ = ['./kinetics400_videos.py', './vast_pipelines.py']

train_dataloader = dict(dataset=dict(pipeline=_base_.train_pipeline))
val_dataloader = dict(dataset=dict(pipeline=_base_.val_pipeline))
test_dataloader = dict(dataset=dict(pipeline=_base_.test_pipeline))
