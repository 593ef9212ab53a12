# UperNet with an image PosMLP-T backbone on ADE20K, 512x512 crops, 8 GPUs x 2 images,
# 160k iterations: the recipe of mmseg's Swin-T UperNet (AdamW 6e-5, wd 0.01, 1500
# linear warm-up iterations, poly decay, drop path 0.3); no official PosMLP recipe exists.
# 512x512 inputs give 128x128 stage-1 maps: windows of 14 are zero-padded at the borders.
# SyncBN in the heads needs a distributed launch; on one GPU/CPU run with
#   --cfg-options norm_cfg.type=BN model.decode_head.norm_cfg.type=BN \
#                 model.auxiliary_head.norm_cfg.type=BN
# Initialise from a PosMLP-T ImageNet checkpoint converted with
# tools/model_converters/posmlp_official.py (set `pretrained` below).
_base_ = [
    '../_base_/models/upernet_512.py', '../_base_/datasets/ade20k_8xb2.py',
    '../_base_/seg_runtime.py', '../_base_/schedules/upernet_adamw_160k.py'
]

pretrained = None  # e.g. 'checkpoints/posmlp_t_in1k.pth'
# the heads' input widths are those of upernet_512.py (Swin-T's)
model = dict(backbone=dict(type='PosMLP', arch='t', init_cfg=None if pretrained is None else dict(
    type='Pretrained', checkpoint=pretrained, prefix='backbone.')))
optim_wrapper = dict(paramwise_cfg=dict(custom_keys={
    'relative_position_bias_table': dict(decay_mult=0.),
    'norm': dict(decay_mult=0.)
}))
