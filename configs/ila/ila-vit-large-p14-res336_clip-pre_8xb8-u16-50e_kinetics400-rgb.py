# ILA ViT-L/14@336px, 16 frames of 336x336, Kinetics-400
# (official configs/k400/14_16_336.yaml).
# Recipe of the released code: frozen CLIP, AdamW in three groups, 50 epochs, mixup/cutmix
# (in the model's data preprocessor), label smoothing 0.1, random erasing, ImageNet
# mean/std, 4 clips x 3 crops at test. 8 GPUs x 8 clips x 4 accumulated steps = 256.
# The OpenAI CLIP weights are read from `clip_checkpoint` (nothing is downloaded).
_base_ = ['ila-vit-base-p16_clip-pre_8xb8-u16-50e_kinetics400-rgb.py']

clip_arch = 'ViT-L/14@336px'
clip_checkpoint = 'checkpoints/clip/ViT-L-14-336px.pt'
img_size = 336
model = dict(backbone=dict(arch=clip_arch, pretrained=clip_checkpoint),
             cls_head=dict(arch=clip_arch, pretrained=clip_checkpoint, in_channels=768))

# the crops of the base's pipelines, data loaders included (short side 384 for training)
for _pipeline in (_base_.train_pipeline, _base_.train_dataloader.dataset.pipeline):
    _pipeline[3].scale = (-1, 384)
    _pipeline[4].input_size = img_size
    _pipeline[5].scale = (img_size, img_size)
for _pipeline in (_base_.val_pipeline, _base_.test_pipeline,
                  _base_.val_dataloader.dataset.pipeline, _base_.test_dataloader.dataset.pipeline):
    _pipeline[3].scale = (-1, img_size)
    _pipeline[4].crop_size = img_size
del _pipeline
