# PosMLP-Video S16 on Something-Something V1: the released configuration
# (official configs/SSV1/SSV1_MLP_S16.yaml). 16 TSN-style segments, 224x224, 4 GPUs x 8 clips.
# Differences from the official recipe (no equivalent in mmaction2): repeated augmentation
# (AUG.NUM_SAMPLE 2) is not available for raw frames; RandAugment has no magnitude std.
# Official initialisation: an ImageNet-1K PosMLP checkpoint with video key names
# (pretrained/model72andt.pth, not public); set model.backbone.init_cfg to such a
# checkpoint converted with tools/model_converters/posmlp_official.py, prefix 'backbone.'.
_base_ = [
    '../_base_/models/posmlp_s16_sth.py', '../_base_/datasets/morphmlp_sthv1.py',
    '../_base_/schedules/morphmlp_adamw_sth.py', '../_base_/video_runtime.py'
]

model = dict(backbone=dict(drop_path_rate=0.1))
# the released pipeline crops straight from the frames: no 256 short-side resize first
train_pipeline = [p for p in _base_.train_pipeline if p.get('scale') != (-1, 256)]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))

# The MorphMLP Something-Something schedule (AdamW 4e-4, 5 warm-up epochs from 1e-6, cosine
# to 1e-6 at epoch 60, AMP, clipping at 20), with weight decay 0 on norms and biases only:
# the LRPE tables and token biases are decayed as in the official code.
optim_wrapper = dict(paramwise_cfg=dict(_delete_=True, norm_decay_mult=0., bias_decay_mult=0.))
default_hooks = dict(checkpoint=dict(interval=2, max_keep_ckpts=5))
# (4 GPUs) x (8 clips per GPU)
auto_scale_lr = dict(base_batch_size=32)
