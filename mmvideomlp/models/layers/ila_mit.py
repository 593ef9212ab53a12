"""Multi-frame Integration Transformer (MIT) of X-CLIP, used by ILA after the backbone.

`Expanding Language-Image Pretrained Models for General Video Recognition
<https://arxiv.org/abs/2208.02816>`_ (X-CLIP). One CLIP-style block over the frame
embeddings, an outer residual and a mean over time.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F
from mmengine.model.weight_init import trunc_normal_

from .clip_block import CLIPBlock


class MultiframeIntegrationTransformer(nn.Module):
    """Temporal transformer over per-frame embeddings.

    Args:
        num_positions (int): Length (in frames) of the learnt positional embedding.
        embed_dim (int): Embedding width E (heads = E / 64).
        layers (int): Blocks. Defaults to 1 (the released models).

    Shapes:
        ``(N, T, E)`` → ``(N, E)``. Another frame count interpolates the positional
        embedding linearly over time.
    """

    def __init__(self, num_positions, embed_dim, layers=1):
        super().__init__()
        heads = max(1, embed_dim // 64)
        if embed_dim % heads:
            raise ValueError(f'MIT: embed_dim={embed_dim} must be divisible by its {heads} '
                             f'heads (embed_dim // 64)')
        self.positional_embedding = nn.Parameter(torch.zeros(1, num_positions, embed_dim))
        self.resblocks = nn.Sequential(
            *[CLIPBlock(embed_dim, heads) for _ in range(layers)])

    def init_weights(self):
        """X-CLIP's initialisation: truncated normal (std 0.02), zero biases."""
        trunc_normal_(self.positional_embedding, std=0.02)
        for m in self.modules():
            if isinstance(m, nn.Linear):
                trunc_normal_(m.weight, std=0.02)
                nn.init.zeros_(m.bias)

    def forward(self, x):
        pos = self.positional_embedding
        if pos.shape[1] != x.shape[1]:
            pos = F.interpolate(pos.transpose(1, 2), size=x.shape[1], mode='linear',
                                align_corners=False).transpose(1, 2)
        y = self.resblocks((x + pos).permute(1, 0, 2)).permute(1, 0, 2)
        return (y + x).mean(dim=1)
