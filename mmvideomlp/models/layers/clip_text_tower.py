"""The CLIP text encoder (used by ILA's Kinetics-400 head).

`Learning Transferable Visual Models From Natural Language Supervision
<https://arxiv.org/abs/2103.00020>`_ (CLIP). The residual blocks are :class:`CLIPBlock` (mmpretrain's
CLIP block), whose parameter names are OpenAI's.
"""
import torch
import torch.nn as nn

from .clip_block import CLIPBlock

CONTEXT_LENGTH = 77
VOCAB_SIZE = 49408


class CLIPTextTower(nn.Module):
    """Causal transformer over BPE tokens, the EOT token's features, projection.

    Parameter names are OpenAI's without prefix (``token_embedding.weight``,
    ``positional_embedding``, ``transformer.resblocks.*``, ``ln_final.*``,
    ``text_projection``). OpenAI's initialisation is applied by :meth:`init_weights`.

    Args:
        width (int): Text width. layers (int): Blocks.
        heads (int): Attention heads (must divide ``width``).
        embed_dim (int): Joint embedding size.
        context_length (int): Tokens per text. Defaults to 77.
        vocab_size (int): Rows of the token embedding. Defaults to 49408 (CLIP's BPE).

    Shapes:
        tokens ``(K, context_length)`` (int64) → ``(K, embed_dim)``.
    """

    def __init__(self, width, layers, heads, embed_dim, context_length=CONTEXT_LENGTH,
                 vocab_size=VOCAB_SIZE):
        super().__init__()
        for name, value in (('text_width', width), ('text_layers', layers),
                            ('text_heads', heads), ('embed_dim', embed_dim),
                            ('context_length', context_length), ('vocab_size', vocab_size)):
            if not isinstance(value, int) or value <= 0:
                raise ValueError(f'CLIPTextTower: {name} must be a positive int, got {value!r}')
        if width % heads:
            raise ValueError(f'CLIPTextTower: text_width={width} must be divisible by '
                             f'text_heads={heads}')
        self.width, self.layers = width, layers
        self.context_length, self.vocab_size = context_length, vocab_size
        self.token_embedding = nn.Embedding(vocab_size, width)
        self.positional_embedding = nn.Parameter(torch.zeros(context_length, width))
        self.register_buffer(
            'causal_mask',
            torch.full((context_length, context_length), float('-inf')).triu_(1),
            persistent=False)
        self.transformer = nn.Module()
        self.transformer.resblocks = nn.ModuleList(
            [CLIPBlock(width, heads) for _ in range(layers)])
        self.ln_final = nn.LayerNorm(width)
        self.text_projection = nn.Parameter(torch.zeros(width, embed_dim))

    def init_weights(self):
        """OpenAI's initialisation of the text tower."""
        nn.init.normal_(self.token_embedding.weight, std=0.02)
        nn.init.normal_(self.positional_embedding, std=0.01)
        proj_std = self.width**-0.5 * (2 * self.layers)**-0.5
        for block in self.transformer.resblocks:
            nn.init.normal_(block.attn.in_proj_weight, std=self.width**-0.5)
            nn.init.normal_(block.attn.out_proj.weight, std=proj_std)
            nn.init.normal_(block.mlp.c_fc.weight, std=(2 * self.width)**-0.5)
            nn.init.normal_(block.mlp.c_proj.weight, std=proj_std)
        nn.init.normal_(self.text_projection, std=self.width**-0.5)

    def forward(self, tokens):
        x = self.token_embedding(tokens) + self.positional_embedding
        x = x.permute(1, 0, 2)  # (L, K, C), sequence first as in CLIP
        for block in self.transformer.resblocks:
            block.attn_mask = self.causal_mask
            x = block(x)
        x = self.ln_final(x.permute(1, 0, 2))
        # the EOT token has the largest id of each sequence
        return x[torch.arange(x.shape[0]), tokens.argmax(dim=-1)] @ self.text_projection
