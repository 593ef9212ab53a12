# A tiny ILA (randomly initialised tiny CLIP: 1 block of width 64, 14-pixel patches) on the
# embedded synthetic temporal-order dataset, with the Kinetics-style text head over the
# class names of data/synthetic/label_map.txt. A random CLIP has nothing worth keeping
# frozen, so this config trains it too (the released recipes freeze pretrained CLIP).
#   python tools/data/make_synthetic_videos.py && python tools/train.py configs/ila_synthetic.py
_base_ = [
    '_base_/ila_runtime.py', '_base_/datasets/synthetic_video.py',
    '_base_/schedules/synthetic_adamw.py'
]

tiny_clip = dict(image_size=56, patch_size=14, width=64, layers=1, heads=2, embed_dim=64,
                 text_width=64, text_layers=1, text_heads=1)
model = dict(
    type='ILARecognizer',
    backbone=dict(type='ILAViT', arch=tiny_clip, interactive='dsc', interactive_channels=32,
                  freeze_clip=False),
    cls_head=dict(type='ILATextHead', num_classes=10, in_channels=64, mit_frames=16,
                  arch=tiny_clip, class_names='data/synthetic/label_map.txt',
                  average_clips='prob'),
    data_preprocessor=dict(type='CheckedActionDataPreprocessor', mean=[123.675, 116.28, 103.53],
                           std=[58.395, 57.12, 57.375], format_shape='NCTHW'))

optim_wrapper = dict(
    constructor='ILAOptimWrapperConstructor',
    optimizer=dict(lr=3e-3, weight_decay=0.),
    paramwise_cfg=dict(_delete_=True, no_decay_keys=('positional_embedding', )))
