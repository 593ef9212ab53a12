"""The ILA block: a CLIP residual block preceded by the ILA module.

`Implicit Temporal Modeling with Learnable Alignment for Video Recognition
<https://arxiv.org/abs/2304.10465>`_ (ICCV 2023), after the released code.
"""
import torch.nn as nn
from mmcv.cnn.bricks import DropPath

from .clip_block import CLIPBlock
from .ila_align import ILAAlignment


class ILABlock(CLIPBlock):
    """``x + skip_align(G) + skip(I)``, then CLIP's attention and MLP.

    Both skip projections are zero-initialised (:meth:`init_weights`), so the block is
    CLIP's at initialisation. Parameter names are the official ones (``message_fc``,
    ``message_ln``, ``message_attn``, ``temporal_skip_fc``, ``temporal_skip_align_fc``
    beside OpenAI's ``attn``, ``ln_1``, ``mlp``, ``ln_2``).

    Args:
        dim (int): Width. num_heads (int): Attention heads (must divide ``dim``).
        interactive (str): ``'dsc'`` or ``'conv'``, see :class:`ILAAlignment`.
        interactive_channels (int): Width of the interactive features. Defaults to 256.
        drop_path (float): Stochastic depth on the four residual branches. Defaults to 0.
        norm_cfg (dict): Norm of the ILA module's convolutions. Defaults to BN.

    Shapes:
        ``(L, N*T, dim)`` → ``(L, N*T, dim)`` and the block's alignment loss ``()``.
    """

    def __init__(self, dim, num_heads, interactive='dsc', interactive_channels=256,
                 drop_path=0., norm_cfg=dict(type='BN')):
        super().__init__(dim, num_heads)
        self.message_fc = nn.Linear(dim, dim)
        self.message_ln = nn.LayerNorm(dim)
        self.message_attn = ILAAlignment(dim, interactive, interactive_channels, norm_cfg)
        self.temporal_skip_fc = nn.Linear(dim, dim)
        self.temporal_skip_align_fc = nn.Linear(dim, dim)
        self.drop_path = DropPath(drop_path) if drop_path > 0 else nn.Identity()

    def init_weights(self):
        """Zero skip projections: the block starts as CLIP's."""
        for fc in (self.temporal_skip_fc, self.temporal_skip_align_fc):
            nn.init.zeros_(fc.weight)
            nn.init.zeros_(fc.bias)

    def forward(self, x, clip_len, grid, jitter_scale=None):
        """``clip_len``: frames T of each clip in the batch; ``grid``: patch grid ``(h, w)``;
        ``jitter_scale``: training jitter of the interactive points (None: no jitter)."""
        aligned, inter, loss, _ = self.message_attn(
            self.message_ln(self.message_fc(x)), clip_len, grid, jitter_scale)
        x = x + self.drop_path(self.temporal_skip_align_fc(aligned))
        x = x + self.drop_path(self.temporal_skip_fc(inter))
        x = x + self.drop_path(self.attention(self.ln_1(x)))
        x = x + self.drop_path(self.mlp(self.ln_2(x)))
        return x, loss
