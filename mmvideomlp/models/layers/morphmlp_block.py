"""The MorphMLP block: temporal FC, skip-residual spatial FC and channel MLP."""
import torch.nn as nn
from mmcv.cnn import build_norm_layer
from mmcv.cnn.bricks import DropPath
from mmengine.model import BaseModule

from .morphmlp_fc import MorphFCSpatial, MorphFCSpatialStrided, MorphFCTemporal


class ChannelMLP(nn.Module):
    """``fc1 → GELU → fc2`` channel MLP of a MorphMLP block (the official key names)."""

    def __init__(self, embed_dims, hidden_dims):
        super().__init__()
        self.fc1 = nn.Linear(embed_dims, hidden_dims)
        self.act = nn.GELU()
        self.fc2 = nn.Linear(hidden_dims, embed_dims)

    def forward(self, x):
        return self.fc2(self.act(self.fc1(x)))


class MorphBlock(BaseModule):
    """One MorphMLP block.

    Video (``temporal_tokens`` set)::

        u = x + t_fc(t_norm1(x))               # MorphFC_t, no drop path
        x = x + drop_path(fc(norm1(u)))        # skip residual: added to x, not to u
        x = x + drop_path(mlp(norm2(x)))

    Image (``temporal_tokens=None``): the same without the first line (``u = x``).

    Args:
        embed_dims (int): Channels.
        chunk_length (int): Chunk length of MorphFC_s.
        strided (bool): Use the stage-4 strided-chunk mixer. Defaults to False.
        mlp_ratio (float): Hidden/embed ratio of the channel MLP. Defaults to 3.
        temporal_tokens (int, optional): Temporal tokens (frames after the stem); None
            builds an image block.
        temporal_groups (int, optional): Channel groups of MorphFC_t.
        drop_path (float): Stochastic depth rate. Defaults to 0.
        mixing_bias (bool): Biases of the token-mixing FCs (``mlp_t``, ``mlp_h``, ``mlp_w``,
            ``mlp_c``; the official ``qkv_bias``). Defaults to True.
        temporal_init (str): Initialisation of MorphFC_t, ``'zero_proj'`` or ``'official'``
            (see :class:`MorphFCTemporal`). Defaults to ``'zero_proj'``.
        norm_cfg (dict): Norm layers. Defaults to LN with eps 1e-5.

    Shapes:
        ``(B, T, H, W, C)`` → ``(B, T, H, W, C)``.
    """

    def __init__(self,
                 embed_dims,
                 chunk_length,
                 strided=False,
                 mlp_ratio=3.,
                 temporal_tokens=None,
                 temporal_groups=None,
                 drop_path=0.,
                 mixing_bias=True,
                 temporal_init='zero_proj',
                 norm_cfg=dict(type='LN', eps=1e-5),
                 init_cfg=None):
        super().__init__(init_cfg=init_cfg)
        self.temporal = temporal_tokens is not None
        self.norm1 = build_norm_layer(norm_cfg, embed_dims)[1]
        if self.temporal:
            self.t_norm1 = build_norm_layer(norm_cfg, embed_dims)[1]
            self.t_fc = MorphFCTemporal(embed_dims, temporal_tokens, temporal_groups,
                                        mixing_bias, init_mode=temporal_init)
        spatial = MorphFCSpatialStrided if strided else MorphFCSpatial
        self.fc = spatial(embed_dims, chunk_length, mixing_bias)
        self.drop_path = DropPath(drop_path) if drop_path > 0 else nn.Identity()
        self.norm2 = build_norm_layer(norm_cfg, embed_dims)[1]
        self.mlp = ChannelMLP(embed_dims, int(embed_dims * mlp_ratio))

    def forward(self, x):
        u = x + self.t_fc(self.t_norm1(x)) if self.temporal else x
        x = x + self.drop_path(self.fc(self.norm1(u)))
        return x + self.drop_path(self.mlp(self.norm2(x)))
