"""ILA: CLIP ViTs with Implicit Learnable Alignment.

`Implicit Temporal Modeling with Learnable Alignment for Video Recognition
<https://arxiv.org/abs/2304.10465>`_ (Tu et al., ICCV 2023). Built after the released code
(Francis-Rings/ILA), whose checkpoints load after a prefix-only conversion
(``tools/model_converters/ila_official.py``).
"""
import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.utils.checkpoint as cp
from mmcv.cnn.bricks import DropPath
from mmengine.model import BaseModule
from mmpretrain.models.utils.clip_generator_helper import ResidualAttentionBlock

from ...registry import register_model
from ..heads import ila_head  # noqa: F401  (registers ILATextHead, ILALinearHead)
from ..layers.freezing import FrozenStagesMixin
from ..layers.ila_align import ILAAlignment
from ..layers.ila_clip import clip_arch, load_clip_state_dict, load_into, resize_pos_embed
from ..recognizers import ila_optim, ila_recognizer  # noqa: F401  (ILARecognizer, optimiser)

# Parameters of the CLIP visual tower inside each block (frozen by default).
CLIP_BLOCK_PARTS = ('attn.', 'ln_1.', 'mlp.', 'ln_2.')


class ILABlock(ResidualAttentionBlock):
    """A CLIP residual block preceded by the ILA module.

    ``x + skip_align(G) + skip(I)`` (both projections zero-initialised, so the block is
    CLIP's at initialisation), then CLIP's attention and MLP. Parameter names are the
    official ones (``message_fc``, ``message_ln``, ``message_attn``,
    ``temporal_skip_fc``, ``temporal_skip_align_fc`` beside OpenAI's ``attn``, ``ln_1``,
    ``mlp``, ``ln_2``).

    Args:
        dim (int): Width. num_heads (int): Attention heads.
        interactive (str): ``'dsc'`` or ``'conv'``, see :class:`ILAAlignment`.
        interactive_channels (int): Width of the interactive features. Defaults to 256.
        drop_path (float): Stochastic depth on the four residual branches. Defaults to 0.
    """

    def __init__(self, dim, num_heads, interactive='dsc', interactive_channels=256,
                 drop_path=0.):
        super().__init__(dim, num_heads)
        self.message_fc = nn.Linear(dim, dim)
        self.message_ln = nn.LayerNorm(dim)
        self.message_attn = ILAAlignment(dim, interactive, interactive_channels)
        self.temporal_skip_fc = nn.Linear(dim, dim)
        self.temporal_skip_align_fc = nn.Linear(dim, dim)
        for fc in (self.temporal_skip_fc, self.temporal_skip_align_fc):
            nn.init.zeros_(fc.weight)
            nn.init.zeros_(fc.bias)
        self.drop_path = DropPath(drop_path) if drop_path > 0 else nn.Identity()

    def forward(self, x, num_frames, grid, jitter_scale=None):
        """``(L, N*T, D)`` → ``(L, N*T, D)`` and this block's alignment loss."""
        aligned, inter, loss, _ = self.message_attn(
            self.message_ln(self.message_fc(x)), num_frames, grid, jitter_scale)
        x = x + self.drop_path(self.temporal_skip_align_fc(aligned))
        x = x + self.drop_path(self.temporal_skip_fc(inter))
        x = x + self.drop_path(self.attention(self.ln_1(x)))
        x = x + self.drop_path(self.mlp(self.ln_2(x)))
        return x, loss


@register_model
class ILAViT(FrozenStagesMixin, BaseModule):
    """CLIP ViT with an ILA module in every block (the ILA video backbone).

    The frames of a clip go through CLIP image by image; the ILA modules exchange
    information between adjacent frames (T-1 pairs, no wrap-around).

    Args:
        arch (str | dict): ``'ViT-B/32'``, ``'ViT-B/16'``, ``'ViT-L/14'``,
            ``'ViT-L/14@336px'`` (aliases ``'b32'``, ``'b16'``, ``'l14'``, ``'l14-336'``)
            or a dict with ``image_size``, ``patch_size``, ``width``, ``layers``, ``heads``,
            ``embed_dim``. Defaults to ``'ViT-B/16'``.
        interactive (str): Interactive block, ``'dsc'`` (K400 release) or ``'conv'``
            (SSv2 release). Defaults to ``'dsc'``.
        interactive_channels (int): Width of the interactive features. Defaults to 256.
        pretrained (str, optional): Local OpenAI CLIP checkpoint (TorchScript ``.pt`` or a
            state dict; its ``visual.*`` keys are used) loaded by :meth:`init_weights`.
            Nothing is downloaded. Defaults to None.
        freeze_clip (bool): Freeze the CLIP weights (patch and position embeddings,
            ``ln_pre``, ``ln_post``, ``proj`` and each block's attention, MLP and norms),
            as in the released training. Defaults to True.
        drop_path_rate (float): Stochastic depth, linear over the blocks. Defaults to 0.
        jitter_scale (float): Scale of the 9-point jitter of the interactive points in
            training. Defaults to 0.2.
        jitter_decay (float): Factor applied to the jitter scale once per epoch from
            ``jitter_decay_start`` on (see :meth:`set_epoch`). Defaults to 0.5.
        jitter_decay_start (int): First (0-based) epoch with a decayed jitter. Defaults to 30.
        norm_eval (bool): Keep the ILA BatchNorms in eval mode while training.
            Defaults to False.
        with_cp (bool): Gradient checkpointing per block. Defaults to False.
        init_cfg (dict | list, optional): Initialisation config. Defaults to None
            (PyTorch defaults, as the released code).

    Shapes:
        input ``(N, 3, T, H, W)`` with T >= 2 →
        ``(patch_tokens (N, width, T, h, w), frame_embeddings (N, embed_dim, T))``, where
        ``h = ceil(H / patch)``; the frame embeddings are ``ln_post(CLS) @ proj``. With
        ``return_align_loss=True`` also the per-block alignment losses ``(layers,)``.
    """
    essential_keys = ('image_size', 'patch_size', 'width', 'layers', 'heads', 'embed_dim')

    def __init__(self,
                 arch='ViT-B/16',
                 interactive='dsc',
                 interactive_channels=256,
                 pretrained=None,
                 freeze_clip=True,
                 drop_path_rate=0.,
                 jitter_scale=0.2,
                 jitter_decay=0.5,
                 jitter_decay_start=30,
                 norm_eval=False,
                 with_cp=False,
                 init_cfg=None):
        super().__init__(init_cfg=init_cfg)
        self.arch_settings = clip_arch(arch, self.essential_keys)
        s = self.arch_settings
        self.patch_size, self.width, self.embed_dim = s['patch_size'], s['width'], s['embed_dim']
        self.grid_size = s['image_size'] // s['patch_size']
        self.pretrained = pretrained
        self.freeze_clip = freeze_clip
        self.norm_eval = norm_eval
        self.with_cp = with_cp
        self.base_jitter_scale = jitter_scale
        self.jitter_decay = jitter_decay
        self.jitter_decay_start = jitter_decay_start
        self.jitter_scale = jitter_scale

        width, scale = self.width, self.width**-0.5
        self.conv1 = nn.Conv2d(3, width, self.patch_size, self.patch_size, bias=False)
        self.class_embedding = nn.Parameter(scale * torch.randn(width))
        self.positional_embedding = nn.Parameter(
            scale * torch.randn(self.grid_size**2 + 1, width))
        self.ln_pre = nn.LayerNorm(width)
        dpr = torch.linspace(0, drop_path_rate, s['layers']).tolist()
        self.transformer = nn.Module()
        self.transformer.resblocks = nn.ModuleList([
            ILABlock(width, s['heads'], interactive, interactive_channels, dpr[i])
            for i in range(s['layers'])
        ])
        self.ln_post = nn.LayerNorm(width)
        self.proj = nn.Parameter(scale * torch.randn(width, self.embed_dim))
        if freeze_clip:
            self._freeze_clip()

    def clip_parameters(self):
        """``(name, parameter)`` of the CLIP weights (everything but the ILA modules)."""
        for name, param in self.named_parameters():
            block_part = name.split('.', 3)[-1] if name.startswith('transformer.') else ''
            if not name.startswith('transformer.') or block_part.startswith(CLIP_BLOCK_PARTS):
                yield name, param

    def _freeze_clip(self):
        for _, param in self.clip_parameters():
            param.requires_grad = False

    def init_weights(self):
        super().init_weights()
        if self.pretrained is None:
            return
        state = load_clip_state_dict(self.pretrained)
        if any(k.startswith('visual.') for k in state):
            state = {k[len('visual.'):]: v for k, v in state.items() if k.startswith('visual.')}
        clip_names = {name for name, _ in self.clip_parameters()}
        load_into(self, state, f'CLIP visual tower from {self.pretrained}',
                  allowed_missing=lambda k: k not in clip_names,
                  resize={'positional_embedding': resize_pos_embed})

    def set_epoch(self, epoch):
        """Jitter scale of an epoch: ``scale * decay ** max(0, epoch - start + 1)``.

        The released schedule (scale 0.2, halved at the start of every epoch from 30)."""
        steps = max(0, epoch - self.jitter_decay_start + 1)
        self.jitter_scale = self.base_jitter_scale * self.jitter_decay**steps

    def _embed(self, x):
        """``(N*T, 3, H, W)`` → tokens ``(L, N*T, width)`` and the patch grid."""
        H, W = x.shape[-2:]
        p = self.patch_size
        if H % p or W % p:  # pad bottom/right to whole patches
            x = F.pad(x, (0, -W % p, 0, -H % p))
        x = self.conv1(x)
        grid = tuple(x.shape[-2:])
        if min(grid) < 4:
            raise ValueError(f'ILAViT needs a patch grid of at least 4x4 for the interactive-'
                             f'point head (two 2x2 max-pools), got {grid[0]}x{grid[1]} from '
                             f'{H}x{W} input with patch size {p}; use inputs of at least '
                             f'{4 * p}x{4 * p}')
        x = x.flatten(2).transpose(1, 2)
        cls = self.class_embedding.to(x.dtype) + x.new_zeros(x.shape[0], 1, x.shape[-1])
        x = torch.cat([cls, x], dim=1)
        pos = self.positional_embedding
        if grid != (self.grid_size, self.grid_size):
            pos = self._resized_pos_embed(grid)
        x = self.ln_pre(x + pos.to(x.dtype))
        return x.permute(1, 0, 2), grid

    def _resized_pos_embed(self, grid):
        g = self.grid_size
        pos = self.positional_embedding
        patches = pos[1:].reshape(1, g, g, -1).permute(0, 3, 1, 2)
        patches = F.interpolate(patches, size=grid, mode='bicubic', align_corners=False)
        return torch.cat([pos[:1], patches.flatten(2).transpose(1, 2)[0]])

    def forward(self, x, return_align_loss=False):
        if x.dim() != 5:
            raise ValueError(f'ILAViT expects (N, C, T, H, W) clips, got shape {tuple(x.shape)}')
        N, C, T, H, W = x.shape
        if T < 2:
            raise ValueError(f'ILAViT aligns adjacent frames: needs at least 2 frames per clip, '
                             f'got T={T}')
        x, grid = self._embed(x.transpose(1, 2).reshape(N * T, C, H, W))
        jitter = self.jitter_scale if self.training else None
        losses = []
        for block in self.transformer.resblocks:
            if self.with_cp and x.requires_grad:
                x, loss = cp.checkpoint(block, x, T, grid, jitter, use_reentrant=False)
            else:
                x, loss = block(x, T, grid, jitter)
            losses.append(loss)
        frames = (self.ln_post(x[0]) @ self.proj).view(N, T, -1).transpose(1, 2)
        patches = x[1:].view(*grid, N, T, self.width).permute(2, 4, 3, 0, 1)
        outs = (patches, frames)
        return (outs, torch.stack(losses)) if return_align_loss else outs

