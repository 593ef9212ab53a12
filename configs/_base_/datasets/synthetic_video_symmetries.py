# synthetic_video_motion.py with the dataset's symmetries as label-changing augmentations
# for training. The label maps are the dataset's (spec.json), not the recipe's: in the
# shapes set a time-reversed clip is its twin class, a horizontal flip swaps left/right
# and the rotation senses, a vertical flip up/down and the rotation senses; in the dynamics
# set a vertical flip is no symmetry (null), so its clips are never flipped vertically.
_base_ = ['./synthetic_video_motion.py']

train_pipeline = [
    *_base_.train_pipeline[:2],  # CachedDecordInit, SampleFrames
    dict(type='ReverseFrameOrder', prob=0.5, label_map='time_reversal'),
    *_base_.train_pipeline[2:-2],  # DecordDecode, Resize, RandomCrop, SubtractTemporalMean
    dict(type='LabelMappedFlip', flip_ratio=0.5, direction='horizontal',
         label_map='horizontal_flip'),
    dict(type='LabelMappedFlip', flip_ratio=0.5, direction='vertical',
         label_map='vertical_flip'),
    *_base_.train_pipeline[-2:]  # FormatShape, PackActionInputs
]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
