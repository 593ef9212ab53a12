# VAST's Something-Something V2 schedule (X-ViT's SSv2 one): the Kinetics-400 schedule
# (vast_sgd_k400.py) with wd 1e-4, warm-up from lr 0.003, 35 epochs and evaluation every 5.
_base_ = ['./vast_sgd_k400.py']

max_epochs = 35
train_cfg = dict(max_epochs=max_epochs, val_interval=5)
optim_wrapper = dict(optimizer=dict(weight_decay=1e-4))
param_scheduler = [
    dict(_base_.param_scheduler[0], start_factor=0.1),
    dict(_base_.param_scheduler[1], T_max=max_epochs - _base_.warmup_epochs, end=max_epochs)
]
