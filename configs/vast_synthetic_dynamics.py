# The recipe of vast_synthetic.py on the dynamics motion set of the synthetic dataset
# (python tools/data/make_synthetic_videos.py --motion-set dynamics): 8 classes in 4
# time-reversal pairs; the label maps of its augmentations come from the set's spec.json.
# Changed: the data root, the classes, and the epochs, so that its 512 training clips get the
# same number of steps as the 640 of shapes (112 x 64 = 7168, against 90 x 80 = 7200).
_base_ = ['./vast_synthetic.py']

dynamics = dict(dataset=dict(data_root='data/synthetic_dynamics'))
train_dataloader = val_dataloader = test_dataloader = dynamics
model = dict(cls_head=dict(num_classes=8))

max_epochs = 112
train_cfg = dict(max_epochs=max_epochs, val_interval=max_epochs)
param_scheduler = [
    _base_.param_scheduler[0],
    dict(_base_.param_scheduler[1], T_max=max_epochs - 1, end=max_epochs)
]
