# synthetic_video_motion.py with the dataset's symmetries as label-changing augmentations
# for training: a time-reversed clip is its twin class, a horizontal flip swaps left/right
# and the rotation senses, a vertical flip up/down and the rotation senses.
_base_ = ['./synthetic_video_motion.py']

# labels: 0 left, 1 right, 2 up, 3 down, 4 clockwise, 5 anticlockwise, 6 growing,
# 7 shrinking, 8 appearing, 9 disappearing
time_reversed = {label: label ^ 1 for label in range(10)}
train_pipeline = [
    *_base_.train_pipeline[:2],  # DecordInit, SampleFrames
    dict(type='ReverseFrameOrder', prob=0.5, label_map=time_reversed),
    *_base_.train_pipeline[2:-2],  # DecordDecode, Resize, RandomCrop, SubtractTemporalMean
    dict(type='Flip', flip_ratio=0.5, direction='horizontal',
         flip_label_map={0: 1, 1: 0, 4: 5, 5: 4}),
    dict(type='Flip', flip_ratio=0.5, direction='vertical',
         flip_label_map={2: 3, 3: 2, 4: 5, 5: 4}),
    *_base_.train_pipeline[-2:]  # FormatShape, PackActionInputs
]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
