# MorphMLP's official Something-Something recipe: the Kinetics-400 one
# (morphmlp_adamw_k400.py) with AdamW 4e-4 and 5 warm-up epochs (from 1e-6, per iteration),
# cosine to 1e-6 at epoch 60.
_base_ = ['./morphmlp_adamw_k400.py']

base_lr = 4e-4
warmup_epochs = 5
optim_wrapper = dict(optimizer=dict(lr=base_lr))
param_scheduler = [
    dict(_base_.param_scheduler[0], start_factor=1e-6 / base_lr, end=warmup_epochs),
    dict(_base_.param_scheduler[1], T_max=_base_.max_epochs - warmup_epochs, begin=warmup_epochs)
]
