# MorphMLP-S, 32 frames, Something-Something V2 (official SSV2_MLP_S32.yaml): the S16 recipe
# with the 32-frame network. Paper: 68.3 top-1 (1x3 views, 135 GFLOPs per view).
_base_ = ['morphmlp-s_in1k-pre_8xb8-u16-60e_sthv2-rgb.py']

num_frames = 32
model = dict(backbone=dict(arch='s32'))
train_pipeline = [{**p, 'clip_len': num_frames} if 'clip_len' in p else p
                  for p in _base_.train_pipeline]
val_pipeline = [{**p, 'clip_len': num_frames} if 'clip_len' in p else p
                for p in _base_.val_pipeline]
test_pipeline = [{**p, 'clip_len': num_frames} if 'clip_len' in p else p
                 for p in _base_.test_pipeline]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
val_dataloader = dict(dataset=dict(pipeline=val_pipeline))
test_dataloader = dict(dataset=dict(pipeline=test_pipeline))
