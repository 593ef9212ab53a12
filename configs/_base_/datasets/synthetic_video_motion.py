# The synthetic dataset with every clip's per-pixel temporal mean subtracted
# (SubtractTemporalMean): what is static (the textured background, the distractors) is
# gone and what moves, which is all the classes differ in, is left. Models trained from
# scratch on a few hundred clips otherwise memorise the backgrounds. Pair it with a data
# preprocessor of mean 0 (the frames are already centred), e.g. std 30.
_base_ = ['./synthetic_video.py']

train_pipeline = [
    *_base_.train_pipeline[:-2],
    dict(type='SubtractTemporalMean'),
    *_base_.train_pipeline[-2:]  # FormatShape, PackActionInputs
]
test_pipeline = [
    *_base_.test_pipeline[:-2],
    dict(type='SubtractTemporalMean'),
    *_base_.test_pipeline[-2:]
]
train_dataloader = dict(batch_size=16, dataset=dict(pipeline=train_pipeline))
val_dataloader = dict(batch_size=16, dataset=dict(pipeline=test_pipeline))
test_dataloader = dict(batch_size=16, dataset=dict(pipeline=test_pipeline))
