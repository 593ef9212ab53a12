# Kinetics-400 videos in mmaction2's layout (data/kinetics400): paths, the three data loaders
# (8 clips per GPU for training and validation, 1 video for testing) and accuracy metrics.
# The pipelines belong to each recipe: a config based on this sets them with
# `train_dataloader = dict(dataset=dict(pipeline=train_pipeline))`, and so for val and test.
dataset_type = 'CheckedVideoDataset'
data_root = 'data/kinetics400/videos_train'
data_root_val = 'data/kinetics400/videos_val'
ann_file_train = 'data/kinetics400/kinetics400_train_list_videos.txt'
ann_file_val = ann_file_test = 'data/kinetics400/kinetics400_val_list_videos.txt'

train_dataloader = dict(
    batch_size=8,
    num_workers=8,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(type=dataset_type, ann_file=ann_file_train, data_prefix=dict(video=data_root),
                 pipeline=None))
val_dataloader = dict(
    train_dataloader,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(train_dataloader['dataset'], ann_file=ann_file_val,
                 data_prefix=dict(video=data_root_val), test_mode=True))
test_dataloader = dict(val_dataloader, batch_size=1,
                       dataset=dict(val_dataloader['dataset'], ann_file=ann_file_test))
val_evaluator = dict(type='AccMetric')
test_evaluator = val_evaluator
