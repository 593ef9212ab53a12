# ILA ViT-B/16, 16 frames of 224x224, Something-Something V2
# (official configs/ssv2/16_16.yaml).
# Recipe of the released code: frozen CLIP, AdamW in three groups, 50 epochs, mixup/cutmix
# (in the model's data preprocessor), label smoothing 0.1, random erasing, ImageNet
# mean/std, 4 clips x 3 crops at test. 8 GPUs x 4 clips x 8 accumulated steps = 256.
# The OpenAI CLIP weights are read from `clip_checkpoint` (nothing is downloaded).
_base_ = [
    '../_base_/models/ila_sthv2.py', '../_base_/datasets/ila_sthv2.py',
    '../_base_/schedules/ila_adamw_50e.py', '../_base_/ila_runtime.py'
]

clip_arch = 'ViT-B/16'
clip_checkpoint = 'checkpoints/clip/ViT-B-16.pt'
num_frames = 16
model = dict(
    backbone=dict(arch=clip_arch, pretrained=clip_checkpoint),
    cls_head=dict(in_channels=512, mit_frames=num_frames))

# the dataset pipelines, sampled and cropped for this model
for _pipeline in (_base_.train_pipeline, _base_.val_pipeline, _base_.test_pipeline,
                  _base_.train_dataloader.dataset.pipeline,
                  _base_.val_dataloader.dataset.pipeline,
                  _base_.test_dataloader.dataset.pipeline):
    _pipeline[1].clip_len = num_frames
del _pipeline

train_dataloader = dict(batch_size=4)
val_dataloader = dict(batch_size=4)
optim_wrapper = dict(accumulative_counts=8)  # 8 GPUs x 4 clips x 8 steps = 256
