"""Classification head of the channels-last video MLPs (MorphMLP, PosMLP-Video, VAST):
LayerNorm on every token, mean over all tokens, (optional dropout), linear classifier."""
import torch.nn as nn
from mmaction.models.heads import BaseHead
from mmcv.cnn import build_norm_layer
from mmengine.model.weight_init import trunc_normal_init

from ...registry import register_model


@register_model
class TokenNormHead(BaseHead):
    """Per-token LayerNorm, token average and a linear layer.

    Unlike :class:`mmaction.models.I3DHead`, the features are normalised *before* pooling,
    as in the official MorphMLP and PosMLP-Video heads.

    Args:
        num_classes (int): Number of classes.
        in_channels (int): Channels of the backbone output.
        norm_cfg (dict, optional): Per-token norm. None for none (a backbone that
            normalises its output, e.g. VAST). Defaults to LN with eps 1e-5.
        dropout_ratio (float): Dropout before the classifier. Defaults to 0.
        init_std (float): Std of the truncated-normal classifier init. Defaults to 0.02.
        **kwargs: Passed to :class:`mmaction.models.heads.BaseHead` (``loss_cls``,
            ``label_smooth_eps``, ``average_clips`` ...).

    Shapes:
        input ``(N, C, T, H, W)`` or ``(N, C, H, W)`` (or a tuple whose last item is one)
        → scores ``(N, num_classes)``.
    """

    def __init__(self,
                 num_classes,
                 in_channels,
                 norm_cfg=dict(type='LN', eps=1e-5),
                 dropout_ratio=0.,
                 init_std=0.02,
                 **kwargs):
        super().__init__(num_classes, in_channels, **kwargs)
        self.init_std = init_std
        self.norm = (build_norm_layer(norm_cfg, in_channels)[1]
                     if norm_cfg is not None else nn.Identity())
        self.dropout = nn.Dropout(dropout_ratio) if dropout_ratio > 0 else nn.Identity()
        self.fc_cls = nn.Linear(in_channels, num_classes)

    def init_weights(self):
        trunc_normal_init(self.fc_cls, std=self.init_std, bias=0.)

    def forward(self, x, **kwargs):
        if isinstance(x, (tuple, list)):
            x = x[-1]
        if x.shape[1] != self.in_channels:
            raise ValueError(f'TokenNormHead expects {self.in_channels} channels in dim 1, '
                             f'got input of shape {tuple(x.shape)}')
        tokens = x.flatten(2).transpose(1, 2)  # (N, L, C)
        x = self.norm(tokens).mean(dim=1)
        return self.fc_cls(self.dropout(x))
