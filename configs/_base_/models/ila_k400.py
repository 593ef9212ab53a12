# ILA, Kinetics-400 release: CLIP ViT-B/16 with ILA in every block (depth-wise separable
# interactive block), MIT + video-specific prompts + text matching with the CLIP class-name
# embeddings. CLIP is frozen; it is read from a local OpenAI checkpoint (no download).
clip_arch = 'ViT-B/16'
clip_checkpoint = 'checkpoints/clip/ViT-B-16.pt'
model = dict(
    type='ILARecognizer',
    backbone=dict(
        type='ILAViT',
        arch=clip_arch,
        interactive='dsc',
        pretrained=clip_checkpoint,
        freeze_clip=True),
    cls_head=dict(
        type='ILATextHead',
        num_classes=400,
        in_channels=512,
        mit_frames=8,
        arch=clip_arch,
        class_names='{{ fileDirname }}/../label_maps/label_map_k400.txt',
        pretrained=clip_checkpoint,
        label_smooth_eps=0.1,
        average_clips='prob'),
    data_preprocessor=dict(
        type='CheckedActionDataPreprocessor',
        mean=[123.675, 116.28, 103.53],  # ImageNet statistics, as the released recipe
        std=[58.395, 57.12, 57.375],
        format_shape='NCTHW',
        blending=dict(
            type='RandomBatchAugment',
            augments=[
                dict(type='MixupBlending', alpha=0.8, num_classes=400),
                dict(type='CutmixBlending', alpha=1.0, num_classes=400)
            ])))
