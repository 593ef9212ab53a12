"""CLIP's residual attention block with PyTorch's LayerNorm."""
import torch.nn as nn
from mmpretrain.models.utils.clip_generator_helper import ResidualAttentionBlock


class CLIPBlock(ResidualAttentionBlock):
    """mmpretrain's ``ResidualAttentionBlock`` (OpenAI's parameter names) whose ``ln_1`` and
    ``ln_2`` are ``nn.LayerNorm``: CLIP's LayerNorm copies bf16/fp16 inputs to fp32 and
    back, while PyTorch's CPU and CUDA kernels accumulate them in fp32 themselves, so a
    model cast to bf16 stays in bf16. fp32 results are unchanged.

    Args:
        d_model (int): Width.
        n_head (int): Attention heads.
        attn_mask (Tensor, optional): Additive attention mask (the text tower's causal one).
    """

    def __init__(self, d_model, n_head, attn_mask=None):
        super().__init__(d_model, n_head, attn_mask)
        self.ln_1, self.ln_2 = nn.LayerNorm(d_model), nn.LayerNorm(d_model)
