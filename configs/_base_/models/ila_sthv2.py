# ILA, Something-Something V2 release: CLIP ViT-B/16 with ILA in every block (two 3x3
# convolutions as interactive block), MIT and a linear classifier (no text tower).
clip_checkpoint = 'checkpoints/clip/ViT-B-16.pt'
model = dict(
    type='ILARecognizer',
    backbone=dict(
        type='ILAViT',
        arch='ViT-B/16',
        interactive='conv',
        pretrained=clip_checkpoint,
        freeze_clip=True),
    cls_head=dict(
        type='ILALinearHead',
        num_classes=174,
        in_channels=512,
        mit_frames=8,
        dropout_ratio=0.5,
        label_smooth_eps=0.1,
        average_clips='prob'),
    data_preprocessor=dict(
        type='CheckedActionDataPreprocessor',
        mean=[123.675, 116.28, 103.53],
        std=[58.395, 57.12, 57.375],
        format_shape='NCTHW',
        blending=dict(
            type='RandomBatchAugment',
            augments=[
                dict(type='MixupBlending', alpha=0.8, num_classes=174),
                dict(type='CutmixBlending', alpha=1.0, num_classes=174)
            ])))
