# The synthetic recipe shared by every family: synthetic_video_symmetries.py (the per-pixel
# temporal mean subtracted; time reversal and flips as augmentations relabelled by the
# dataset's label maps) on small clips: 8 frames (every other of the 16) of 32x32 (a 36-pixel
# short side, random crops for training, the centre for testing). The motions span 20-40
# pixels of the 64-pixel videos, so the whole motion stays visible at a twelfth of the cost
# of 16 frames of 56x56; what decides whether a small model learns the direction of motion
# from scratch within minutes is mostly how many steps it gets (docs/synthetic_dataset.md).
_base_ = ['./synthetic_video_symmetries.py']

geometry = dict(
    CheckedSampleFrames=dict(clip_len=8, frame_interval=2), Resize=dict(scale=(-1, 36)),
    RandomCrop=dict(size=32), CenterCrop=dict(crop_size=32))
train_pipeline = [dict(step, **geometry.get(step['type'], {})) for step in _base_.train_pipeline]
test_pipeline = [dict(step, **geometry.get(step['type'], {})) for step in _base_.test_pipeline]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
val_dataloader = dict(dataset=dict(pipeline=test_pipeline))
test_dataloader = dict(dataset=dict(pipeline=test_pipeline))
