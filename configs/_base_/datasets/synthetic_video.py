# The embedded synthetic temporal-order dataset (tools/data/make_synthetic_videos.py) through
# the Kinetics-400 loaders (test batches of 8 too).
# Classes differ only in the order of frames, so no horizontal flip and no temporal jitter
# that could reverse time; 16 frames are read whole. Any other video (e.g. the demo)
# is resized to the 64-pixel short side of the synthetic videos first. The whole set decodes
# into 126 MB, so the frames are decoded once and kept (CachedDecordInit) and the pipeline
# runs in the main process (no workers): after the first epoch it costs about 0.5 ms a clip,
# and workers would only take CPU from the model on small machines.
_base_ = ['./kinetics400_videos.py']

# Paths are relative to the dataset's data_root: another generated set (e.g. --motion-set
# dynamics) is one `dataset=dict(data_root=...)` away. spec.json holds the set's label maps.
data_root = 'data/synthetic'
num_frames = 16
short_side = 64
crop_size = 56

train_pipeline = [
    dict(type='CachedDecordInit', io_backend='disk'),
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

dataset = dict(data_root=data_root, data_prefix=dict(video=''), label_maps='spec.json')
loader = dict(num_workers=0, persistent_workers=False)
train_dataloader = dict(loader, dataset=dict(
    dataset, ann_file='train_list.txt', pipeline=train_pipeline))
val_dataloader = dict(loader, dataset=dict(
    dataset, ann_file='val_list.txt', pipeline=test_pipeline))
test_dataloader = dict(loader, batch_size=8, dataset=dict(
    dataset, ann_file='test_list.txt', pipeline=test_pipeline))
