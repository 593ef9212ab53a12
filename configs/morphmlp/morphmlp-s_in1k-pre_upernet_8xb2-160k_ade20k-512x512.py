# UperNet with an image MorphMLP-S backbone on ADE20K: 512x512 crops, 8 GPUs x 2 images,
# mmseg's standard 160k-iteration UperNet schedule with the Swin recipe (AdamW 6e-5, wd 0.01
# with none on norms, 1500 linear warm-up iterations, poly decay), drop path 0.3.
# The paper reports Semantic FPN results (no segmentation code was released); 512x512 inputs
# give stage maps (128, 64, 32, 16) that the chunks (14, 28, 28, 49) do not divide: each
# chunked FC zero-pads the map bottom/right and crops back (docs/morphmlp.md).
# SyncBN in the heads needs a distributed launch; on one GPU/CPU add
#   --cfg-options model.decode_head.norm_cfg.type=BN model.auxiliary_head.norm_cfg.type=BN
# Start from an ImageNet checkpoint of morphmlp-s_8xb128_in1k.py: set `pretrained` below.
_base_ = ['morphmlp-t_in1k-pre_upernet_8xb2-160k_ade20k-512x512.py']

pretrained = None  # e.g. 'work_dirs/morphmlp-s_8xb128_in1k/epoch_300.pth'
model = dict(
    backbone=dict(arch='s', init_cfg=None if pretrained is None else dict(
        type='Pretrained', checkpoint=pretrained, prefix='backbone.')),
    decode_head=dict(in_channels=[112, 224, 392, 784]),
    auxiliary_head=dict(in_channels=392))
