# VAST-T (Video Affine-Shift Transformer) for mmaction2's Recognizer3D.
# The backbone normalises its output (norm3, shared with the AST image model, so AST
# checkpoints load unchanged); the head pools all tokens, applies dropout and classifies.
model = dict(
    type='Recognizer3D',
    backbone=dict(
        type='VAST',
        arch='tiny',
        spatial_shift_ratio=1 / 12,
        temporal_shift_ratio=1 / 8,
        affine='token',
        drop_path_rate=0.2,
        out_indices=(3, ),
        # An AST ImageNet-1k checkpoint (configs/vast/ast-t_16xb64_in1k.py): every backbone
        # tensor loads unchanged (the classifier is not used). Set pretrained=None to start anew.
        pretrained='checkpoints/ast_t_in1k.pth'),
    cls_head=dict(
        type='TokenNormHead',
        num_classes=400,
        in_channels=768,
        norm_cfg=None,
        dropout_ratio=0.5,
        average_clips='prob'),
    data_preprocessor=dict(
        type='CheckedActionDataPreprocessor',
        mean=[123.675, 116.28, 103.53],
        std=[58.395, 57.12, 57.375],
        format_shape='NCTHW'))
