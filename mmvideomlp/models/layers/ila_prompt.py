"""Video-specific prompt generator of X-CLIP, used by the Kinetics-400 ILA head.

`Expanding Language-Image Pretrained Models for General Video Recognition
<https://arxiv.org/abs/2208.02816>`_ (X-CLIP). The class-name text embeddings attend to
the video's patch tokens; ``alpha`` scales the result added to the text embeddings.
"""
import torch
import torch.nn as nn
from mmengine.model.weight_init import trunc_normal_
from mmpretrain.models.utils.clip_generator_helper import QuickGELU


class PromptCrossAttention(nn.Module):
    """Multi-head cross attention, q/k/v projections without bias (``proj`` with bias)."""

    def __init__(self, dim, num_heads):
        super().__init__()
        self.num_heads = num_heads
        self.scale = (dim // num_heads)**-0.5
        self.q_proj = nn.Linear(dim, dim, bias=False)
        self.k_proj = nn.Linear(dim, dim, bias=False)
        self.v_proj = nn.Linear(dim, dim, bias=False)
        self.proj = nn.Linear(dim, dim)

    def forward(self, q, kv):
        N, K, C = q.shape
        heads = self.num_heads

        def split(x):
            return x.reshape(x.shape[0], x.shape[1], heads, C // heads).transpose(1, 2)

        q, k, v = split(self.q_proj(q)), split(self.k_proj(kv)), split(self.v_proj(kv))
        attn = ((q @ k.transpose(-2, -1)) * self.scale).softmax(dim=-1)
        return self.proj((attn @ v).transpose(1, 2).reshape(N, K, C))


class PromptGeneratorLayer(nn.Module):
    """Cross attention to the visual tokens and an MLP, both pre-norm and residual."""

    def __init__(self, dim, num_heads):
        super().__init__()
        self.cross_attn = PromptCrossAttention(dim, num_heads)
        self.norm1 = nn.LayerNorm(dim)
        self.norm3 = nn.LayerNorm(dim)
        self.mlp = nn.Sequential(
            nn.Linear(dim, dim * 4), QuickGELU(), nn.Dropout(0.), nn.Linear(dim * 4, dim))

    def forward(self, x, visual):
        x = x + self.cross_attn(self.norm1(x), visual)
        return x + self.mlp(self.norm3(x))


class VideoSpecificPrompt(nn.Module):
    """``alpha * decoder(text, LN(visual))``.

    Args:
        embed_dim (int): Width E (heads = E / 64). layers (int): Defaults to 2.
        alpha (float): Initial per-channel scale. Defaults to 0.1.

    Shapes:
        text ``(N, K, E)``, visual ``(N, M, E)`` → ``(N, K, E)``.
    """

    def __init__(self, embed_dim, layers=2, alpha=0.1):
        super().__init__()
        if embed_dim % max(1, embed_dim // 64):
            raise ValueError(f'VideoSpecificPrompt: embed_dim={embed_dim} must be divisible by '
                             f'its {max(1, embed_dim // 64)} heads (embed_dim // 64)')
        self.norm = nn.LayerNorm(embed_dim)
        self.decoder = nn.ModuleList(
            [PromptGeneratorLayer(embed_dim, max(1, embed_dim // 64)) for _ in range(layers)])
        self.alpha = nn.Parameter(torch.full((embed_dim, ), float(alpha)))

    def init_weights(self):
        """X-CLIP's initialisation of the linear layers (``alpha`` keeps its value)."""
        for m in self.modules():
            if isinstance(m, nn.Linear):
                trunc_normal_(m.weight, std=0.02)
                if m.bias is not None:
                    nn.init.zeros_(m.bias)

    def forward(self, text, visual):
        visual = self.norm(visual)
        for layer in self.decoder:
            text = layer(text, visual)
        return self.alpha * text
