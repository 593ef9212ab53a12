# The recipe of ila_synthetic.py, unchanged, on the dynamics motion set of the synthetic
# dataset (python tools/data/make_synthetic_videos.py --motion-set dynamics): 8 classes in 4
# time-reversal pairs, whose names the text head encodes.
_base_ = ['./ila_synthetic.py']

dynamics = dict(dataset=dict(data_root='data/synthetic_dynamics'))
train_dataloader = val_dataloader = test_dataloader = dynamics
model = dict(cls_head=dict(num_classes=8, class_names='data/synthetic_dynamics/label_map.txt'))
