# The synthetic recipe shared by every family: synthetic_video_symmetries.py (the per-pixel
# temporal mean subtracted; time reversal and flips as augmentations relabelled by the
# dataset's label maps) on small clips: 8 frames (every other of the 16) of 32x32 (a 36-pixel
# short side, random crops for training, the centre for testing), 8 clips a batch. The
# motions span 20-40 pixels of the 64-pixel videos, so the whole motion stays visible at a
# twelfth of the cost of 16 frames of 56x56; what decides whether a small model learns the
# direction of motion from scratch within minutes is mostly how many steps it gets
# (docs/synthetic_dataset.md).
_base_ = ['./synthetic_video_symmetries.py']

num_frames, short_side, crop_size = 8, 36, 32
geometry = dict(
    CheckedSampleFrames=dict(clip_len=num_frames, frame_interval=2),
    Resize=dict(scale=(-1, short_side)), RandomCrop=dict(size=crop_size),
    CenterCrop=dict(crop_size=crop_size))
train_pipeline = [dict(step, **geometry.get(step['type'], {})) for step in _base_.train_pipeline]
test_pipeline = [dict(step, **geometry.get(step['type'], {})) for step in _base_.test_pipeline]
train_dataloader = dict(batch_size=8, dataset=dict(pipeline=train_pipeline))
val_dataloader = dict(batch_size=8, dataset=dict(pipeline=test_pipeline))
test_dataloader = dict(batch_size=8, dataset=dict(pipeline=test_pipeline))
