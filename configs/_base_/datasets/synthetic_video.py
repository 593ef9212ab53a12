# The embedded synthetic temporal-order dataset (tools/data/make_synthetic_videos.py) through
# the Kinetics-400 loaders (2 workers, test batches of 8 too).
# Classes differ only in the order of frames, so no horizontal flip and no temporal jitter
# that could reverse time; 16 frames are read whole. Any other video (e.g. the demo)
# is resized to the 64-pixel short side of the synthetic videos first.
_base_ = ['./kinetics400_videos.py']

data_root = data_root_val = 'data/synthetic'
ann_file_train = f'{data_root}/train_list.txt'
ann_file_val = f'{data_root}/val_list.txt'
ann_file_test = f'{data_root}/test_list.txt'
num_frames = 16
short_side = 64
crop_size = 56

train_pipeline = [
    dict(type='DecordInit', io_backend='disk'),
    dict(type='CheckedSampleFrames', clip_len=num_frames, frame_interval=1, num_clips=1),
    dict(type='DecordDecode'),
    dict(type='Resize', scale=(-1, short_side)),
    dict(type='RandomCrop', size=crop_size),
    dict(type='FormatShape', input_format='NCTHW'),
    dict(type='PackActionInputs')
]
# testing: the same frames, a centre crop
test_pipeline = [train_pipeline[0], dict(train_pipeline[1], test_mode=True), *train_pipeline[2:4],
                 dict(type='CenterCrop', crop_size=crop_size), *train_pipeline[5:]]

train_dataloader = dict(num_workers=2, dataset=dict(
    ann_file=ann_file_train, data_prefix=dict(video=data_root), pipeline=train_pipeline))
val_dataloader = dict(num_workers=2, dataset=dict(
    ann_file=ann_file_val, data_prefix=dict(video=data_root_val), pipeline=test_pipeline))
test_dataloader = dict(batch_size=8, num_workers=2, dataset=dict(
    ann_file=ann_file_test, data_prefix=dict(video=data_root_val), pipeline=test_pipeline))
