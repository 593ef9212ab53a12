"""ILA: CLIP ViTs with Implicit Learnable Alignment.

`Implicit Temporal Modeling with Learnable Alignment for Video Recognition
<https://arxiv.org/abs/2304.10465>`_ (Tu et al., ICCV 2023). Built after the released code
(Francis-Rings/ILA), whose checkpoints, like OpenAI's CLIP releases, load after a
prefix-only conversion (:mod:`mmvideomlp.converters.ila`).
"""
import torch
import torch.nn as nn
import torch.nn.functional as F

from ...converters.ila import MISSING_CLIP_HINT, convert_if_official
from ...registry import register_model
from ...weights.adapt import resize_pos_embed
from ..layers.clip_text_tower import CONTEXT_LENGTH, VOCAB_SIZE
from ..layers.ila_block import ILABlock
from .base import BaseBackbone

# Parameters of the CLIP visual tower inside each block (frozen by default).
CLIP_BLOCK_PARTS = ('attn.', 'ln_1.', 'mlp.', 'ln_2.')
# Parameters of the ILA modules inside each block (absent from OpenAI's CLIP).
ILA_BLOCK_PARTS = ('message_', 'temporal_')


def _clip(image_size, patch_size, width, layers, heads, embed_dim, text_width, text_heads):
    return dict(image_size=image_size, patch_size=patch_size, width=width, layers=layers,
                heads=heads, embed_dim=embed_dim, text_width=text_width, text_layers=12,
                text_heads=text_heads)


_VIT_B32 = _clip(224, 32, 768, 12, 12, 512, 512, 8)
_VIT_B16 = _clip(224, 16, 768, 12, 12, 512, 512, 8)
_VIT_L14 = _clip(224, 14, 1024, 24, 16, 768, 768, 12)
_VIT_L14_336 = _clip(336, 14, 1024, 24, 16, 768, 768, 12)


@register_model
class ILAViT(BaseBackbone):
    """CLIP ViT with an ILA module in every block (the ILA video backbone).

    The frames of a clip go through CLIP image by image; the ILA modules exchange
    information between adjacent frames (T-1 pairs, no wrap-around). Stages are the
    transformer layers: the stem is the patch embedding, class and position embeddings
    and ``ln_pre``; stage ``i`` is block ``i - 1`` (the last one with ``ln_post``, ``proj``).

    Args:
        arch (str | dict): An OpenAI CLIP name, ``'ViT-B/32'``, ``'ViT-B/16'``,
            ``'ViT-L/14'``, ``'ViT-L/14@336px'`` (or ``'vit-b32'``, ``'vit-b16'``,
            ``'vit-l14'``, ``'vit-l14-336'``), or a dict with ``image_size``,
            ``patch_size``, ``width``, ``layers``, ``heads``, ``embed_dim`` and optionally
            the text tower's ``text_width``, ``text_layers``, ``text_heads``,
            ``context_length``, ``vocab_size`` (read by :class:`ILATextHead`, which takes
            the same arch). Defaults to ``'ViT-B/16'``.
        in_channels (int): Input channels. Defaults to 3.
        interactive (str): Interactive block, ``'dsc'`` (K400 release) or ``'conv'``
            (SSv2 release). Defaults to ``'dsc'``.
        interactive_channels (int): Width of the interactive features. Defaults to 256.
        freeze_clip (bool): Freeze the CLIP weights (patch and position embeddings,
            ``ln_pre``, ``ln_post``, ``proj`` and each block's attention, MLP and norms),
            as in the released training; composes with ``frozen_stages``.
            Defaults to True.
        out_indices (Sequence[int]): Layers whose patch tokens are returned. Defaults to
            ``(-1, )``.
        frozen_stages (int): -1 nothing, 0 the stem, ``k`` the stem and layers ``1..k``
            (ILA modules included). Defaults to -1.
        drop_path_rate (float): Stochastic depth, linear over the blocks. Defaults to 0.
        norm_cfg (dict): Norm of the ILA modules' convolutions (CLIP's layer norms are
            fixed by its checkpoints). Defaults to BN.
        jitter_scale (float): Scale of the 9-point jitter of the interactive points in
            training. Defaults to 0.2.
        jitter_decay (float): Factor applied to the jitter scale once per epoch from
            ``jitter_decay_start`` on (see :meth:`set_epoch`, called by
            :class:`~mmvideomlp.engine.hooks.ILAJitterHook`). Defaults to 0.5.
        jitter_decay_start (int): First (0-based) epoch with a decayed jitter. Defaults to 30.
        norm_eval (bool): Keep the ILA BatchNorms in eval mode while training.
            Defaults to False.
        with_cp (bool): Gradient checkpointing per block. Defaults to False.
        pretrained (str, optional): An OpenAI CLIP release (its ``visual.*`` weights), an
            official ILA checkpoint or one of this package. Defaults to None.
        init_cfg (dict | list, optional): Defaults to None (PyTorch defaults and OpenAI's
            embedding initialisation, as the released code).

    Shapes:
        input ``(N, 3, T, H, W)`` with T >= 2 → ``(*patch_tokens, frame_embeddings)``:
        ``(N, width, T, h, w)`` for each of ``out_indices`` (``h = ceil(H / patch)``) and
        ``(N, embed_dim, T)`` = ``ln_post(CLS) @ proj`` of the last layer. With
        ``return_align_loss=True`` also the per-block alignment losses ``(layers,)``.
    """
    arch_zoo = {
        'ViT-B/32': _VIT_B32, 'vit-b32': _VIT_B32,
        'ViT-B/16': _VIT_B16, 'vit-b16': _VIT_B16,
        'ViT-L/14': _VIT_L14, 'vit-l14': _VIT_L14,
        'ViT-L/14@336px': _VIT_L14_336, 'vit-l14-336': _VIT_L14_336,
    }
    essential_keys = ('image_size', 'patch_size', 'width', 'layers', 'heads', 'embed_dim')
    optional_keys = dict(text_width=512, text_layers=12, text_heads=8,
                         context_length=CONTEXT_LENGTH, vocab_size=VOCAB_SIZE)

    def __init__(self,
                 arch='ViT-B/16',
                 in_channels=3,
                 interactive='dsc',
                 interactive_channels=256,
                 freeze_clip=True,
                 out_indices=(-1, ),
                 frozen_stages=-1,
                 drop_path_rate=0.,
                 norm_cfg=dict(type='BN'),
                 jitter_scale=0.2,
                 jitter_decay=0.5,
                 jitter_decay_start=30,
                 norm_eval=False,
                 with_cp=False,
                 pretrained=None,
                 init_cfg=None):
        super().__init__(norm_eval=norm_eval, with_cp=with_cp, pretrained=pretrained,
                         init_cfg=init_cfg)
        self.arch_settings = s = self.arch_settings_of(arch)
        self.in_channels = in_channels
        self.patch_size, self.width, self.embed_dim = s['patch_size'], s['width'], s['embed_dim']
        self.num_layers = s['layers']
        self.grid_size = s['image_size'] // s['patch_size']
        self.out_indices = self.parse_out_indices(out_indices, self.num_layers)
        self.frozen_stages = self.parse_frozen_stages(frozen_stages, self.num_layers)
        for name, value, low, high in (('drop_path_rate', drop_path_rate, 0, 1),
                                       ('jitter_scale', jitter_scale, 0, float('inf')),
                                       ('jitter_decay', jitter_decay, 0, 1)):
            if isinstance(value, bool) or not isinstance(value, (int, float)) or \
                    not low <= value <= high:
                raise ValueError(f'ILAViT: {name} must be a number in [{low}, {high}], got '
                                 f'{value!r}')
        if not isinstance(jitter_decay_start, int) or jitter_decay_start < 0:
            raise ValueError(f'ILAViT: jitter_decay_start must be an epoch index >= 0, got '
                             f'{jitter_decay_start!r}')
        self.freeze_clip = freeze_clip
        self.base_jitter_scale = jitter_scale
        self.jitter_decay = jitter_decay
        self.jitter_decay_start = jitter_decay_start
        self.jitter_scale = jitter_scale

        width = self.width
        self.conv1 = nn.Conv2d(in_channels, width, self.patch_size, self.patch_size, bias=False)
        self.class_embedding = nn.Parameter(torch.zeros(width))
        self.positional_embedding = nn.Parameter(torch.zeros(self.grid_size**2 + 1, width))
        self.ln_pre = nn.LayerNorm(width)
        dpr = self.drop_path_rates(drop_path_rate, self.num_layers)
        self.transformer = nn.Module()
        self.transformer.resblocks = nn.ModuleList([
            ILABlock(width, s['heads'], interactive, interactive_channels, dpr[i], norm_cfg)
            for i in range(self.num_layers)
        ])
        self.ln_post = nn.LayerNorm(width)
        self.proj = nn.Parameter(torch.zeros(width, self.embed_dim))
        if freeze_clip:
            for _, param in self.clip_parameters():
                param.requires_grad = False
        self._freeze_stages()

    @classmethod
    def arch_settings_of(cls, arch):
        """The checked settings of ``arch`` (a zoo name or a dict), without a model; the
        text head reads its text-tower settings from the same arch."""
        settings = BaseBackbone.parse_arch(cls.__new__(cls), arch)
        for key in cls.essential_keys:
            value = settings[key]
            if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
                raise ValueError(f'ILAViT: arch {key} must be a positive int, got {value!r}')
        if settings['width'] % settings['heads']:
            raise ValueError(f'ILAViT: arch width={settings["width"]} must be divisible by '
                             f'heads={settings["heads"]} (the attention head width)')
        if settings['image_size'] % settings['patch_size']:
            raise ValueError(f'ILAViT: arch image_size={settings["image_size"]} must be a '
                             f'multiple of patch_size={settings["patch_size"]}')
        return settings

    # ------------------------------------------------------------------ contract
    def stem_modules(self):
        return [self.conv1, self.class_embedding, self.positional_embedding, self.ln_pre]

    def stage_modules(self, index):
        last = [self.ln_post, self.proj] if index == self.num_layers else []
        return [self.transformer.resblocks[index - 1]] + last

    def clip_parameters(self):
        """``(name, parameter)`` of the CLIP weights (everything but the ILA modules)."""
        for name, param in self.named_parameters():
            block_part = name.split('.', 3)[-1] if name.startswith('transformer.') else ''
            if not name.startswith('transformer.') or block_part.startswith(CLIP_BLOCK_PARTS):
                yield name, param

    def init_weights(self):
        """OpenAI's normal initialisation of the class and position embeddings and the
        projection, then the contract's init (layer-wise configs, the ILA modules' zero
        inits, ``Pretrained`` weights)."""
        scale = self.width**-0.5
        for param in (self.class_embedding, self.positional_embedding, self.proj):
            nn.init.normal_(param, std=scale)
        super().init_weights()

    def load_checkpoint(self, checkpoint, prefix=None, strict=False):
        try:
            return super().load_checkpoint(checkpoint, prefix=prefix, strict=strict)
        except FileNotFoundError as error:
            raise FileNotFoundError(f'{error}: {MISSING_CLIP_HINT}') from None

    def convert_checkpoint(self, state_dict):
        """OpenAI CLIP and official ILA checkpoints (``visual.*``) → ``backbone.*``."""
        return convert_if_official(state_dict)

    def adapt_weight(self, key, value, shape):
        """Position embeddings of another patch grid are resized bicubically."""
        if key == 'positional_embedding':
            resized = resize_pos_embed(value, shape)
            if resized is not None:
                return resized, 'bicubic resize of the patch grid'
        return None

    def is_new_weight(self, key):
        """The ILA modules, which CLIP lacks."""
        return key.startswith('transformer.resblocks.') and \
            key.split('.', 3)[-1].startswith(ILA_BLOCK_PARTS)

    def set_epoch(self, epoch):
        """Jitter scale of an epoch: ``scale * decay ** max(0, epoch - start + 1)``.

        The released schedule (scale 0.2, halved at the start of every epoch from 30)."""
        steps = max(0, epoch - self.jitter_decay_start + 1)
        self.jitter_scale = self.base_jitter_scale * self.jitter_decay**steps

    # ------------------------------------------------------------------ forward
    def _embed(self, x):
        """``(N*T, C, H, W)`` → tokens ``(L, N*T, width)`` and the patch grid."""
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
            raise ValueError(f'ILAViT is a video backbone: expects (N, C, T, H, W) clips, got '
                             f'shape {tuple(x.shape)}')
        N, C, T, H, W = x.shape
        if C != self.in_channels:
            raise ValueError(f'ILAViT: input has {C} channels, in_channels={self.in_channels}')
        if T < 2:
            raise ValueError(f'ILAViT aligns adjacent frames: needs at least 2 frames per clip, '
                             f'got T={T}')
        x, grid = self._embed(x.transpose(1, 2).reshape(N * T, C, H, W))
        jitter = self.jitter_scale if self.training else None
        losses, outs = [], []
        for i, block in enumerate(self.transformer.resblocks):
            x, loss = self.run_block(block, x, T, grid, jitter)
            losses.append(loss)
            if i in self.out_indices:
                outs.append(x[1:].view(*grid, N, T, self.width).permute(2, 4, 3, 0, 1))
        frames = (self.ln_post(x[0]) @ self.proj).view(N, T, -1).transpose(1, 2)
        outs = (*outs, frames)
        return (outs, torch.stack(losses)) if return_align_loss else outs
