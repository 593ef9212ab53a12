# MorphMLP-B, 32 frames, Something-Something V1 (official SSV1_MLP_B32.yaml): drop path 0.5.
# README: 57.4 top-1 (1x3 views).
_base_ = ['morphmlp-b_in1k-pre_8xb8-u16-60e_sthv1-rgb.py']

num_frames = 32
model = dict(backbone=dict(arch='b32'))
train_pipeline = [{**p, 'clip_len': num_frames} if 'clip_len' in p else p
                  for p in _base_.train_pipeline]
val_pipeline = [{**p, 'clip_len': num_frames} if 'clip_len' in p else p
                for p in _base_.val_pipeline]
test_pipeline = [{**p, 'clip_len': num_frames} if 'clip_len' in p else p
                 for p in _base_.test_pipeline]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
val_dataloader = dict(dataset=dict(pipeline=val_pipeline))
test_dataloader = dict(dataset=dict(pipeline=test_pipeline))
