# Something-Something V2 videos in mmaction2's layout (data/sthv2): the Kinetics-400 loaders
# on the SSv2 videos and lists. Pipelines are set by each recipe, as there.
_base_ = ['./kinetics400_videos.py']

data_root = data_root_val = 'data/sthv2/videos'
ann_file_train = 'data/sthv2/sthv2_train_list_videos.txt'
ann_file_val = ann_file_test = 'data/sthv2/sthv2_val_list_videos.txt'
train_dataloader = dict(dataset=dict(ann_file=ann_file_train, data_prefix=dict(video=data_root)))
val_dataloader = dict(dataset=dict(ann_file=ann_file_val, data_prefix=dict(video=data_root_val)))
test_dataloader = dict(dataset=dict(ann_file=ann_file_test, data_prefix=dict(video=data_root_val)))
