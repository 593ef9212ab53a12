# The synthetic AdamW schedule for the small-clip recipes (synthetic_video_8x32.py): 60
# epochs, one warm-up epoch, then the cosine; no weight decay (a few hundred clips, minutes
# of training).
_base_ = ['./synthetic_adamw.py']

max_epochs = 60
train_cfg = dict(max_epochs=max_epochs, val_interval=max_epochs)
optim_wrapper = dict(optimizer=dict(lr=2e-3, weight_decay=0.))
param_scheduler = [
    dict(_base_.param_scheduler[0], end=1),
    dict(_base_.param_scheduler[1], T_max=max_epochs - 1, begin=1, end=max_epochs)
]
