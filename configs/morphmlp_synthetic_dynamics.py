# The recipe of morphmlp_synthetic.py, unchanged, on the dynamics motion set of the synthetic
# dataset (python tools/data/make_synthetic_videos.py --motion-set dynamics): 8 classes in 4
# time-reversal pairs; the label maps of its augmentations come from the set's spec.json.
_base_ = ['./morphmlp_synthetic.py']

dynamics = dict(dataset=dict(data_root='data/synthetic_dynamics'))
train_dataloader = val_dataloader = test_dataloader = dynamics
model = dict(cls_head=dict(num_classes=8))
