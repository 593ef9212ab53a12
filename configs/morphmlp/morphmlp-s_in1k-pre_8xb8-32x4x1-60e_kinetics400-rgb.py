# MorphMLP-S, 32x4 frames, Kinetics-400 (official K400_MLP_S32x4.yaml): the S16 recipe with
# the 32-frame network (16 temporal tokens; MorphFC_t groups 16/16/14/16). Paper: 79.7 top-1
# (32x1x4 views, 133 GFLOPs per view).
_base_ = ['morphmlp-s_in1k-pre_8xb8-16x4x1-60e_kinetics400-rgb.py']

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
