# Something-Something V2 as trained by MorphMLP: the recipe's pipelines
# (morphmlp_pipelines.py) with 2 augmented copies of every video.
# Test: 1 clip x 3 crops of 224 on a 224 short side.
_base_ = ['./sthv2_videos.py', './morphmlp_pipelines.py']

train_dataloader = dict(
    collate_fn=dict(type='repeat_pseudo_collate'),  # 2 augmented copies: 16 clips per GPU
    dataset=dict(type='CheckedRepeatAugDataset', num_repeats=2, sample_once=True,
                 pipeline=_base_.train_pipeline))
val_dataloader = dict(dataset=dict(pipeline=_base_.val_pipeline))
test_dataloader = dict(dataset=dict(pipeline=_base_.test_pipeline))
