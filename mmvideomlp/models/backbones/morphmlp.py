"""MorphMLP backbone for video (mmaction2), image (mmpretrain) and segmentation (mmseg).

Paper: *MorphMLP: An Efficient MLP-Like Backbone for Spatial-Temporal Representation
Learning*, D. J. Zhang, K. Li, Y. Wang, Y. Chen, S. Chandra, Y. Qiao, L. Liu, M. Z. Shou,
ECCV 2022 (https://arxiv.org/abs/2111.12527). Official video code:
https://github.com/MTLab/MorphMLP (module and parameter names follow it, so official
checkpoints convert by renaming only; see ``mmvideomlp/converters/morphmlp.py``).
"""
import copy
from typing import Dict, Sequence, Union

import torch
import torch.nn as nn
from mmcv.cnn import build_norm_layer
from mmengine.model import BaseModule, ModuleList

from ...registry import register_model
from ..layers.freezing import FrozenStagesMixin
from ..layers.morphmlp_block import MorphBlock
from ..layers.stem import ConvDownsample, ConvStem

_TINY = dict(embed_dims=[84, 168, 336, 588], depths=[3, 4, 7, 3])
_SMALL = dict(embed_dims=[112, 224, 392, 784], depths=[3, 4, 9, 3])
_BASE = dict(embed_dims=[112, 224, 392, 784], depths=[4, 6, 15, 4])
_LARGE = dict(embed_dims=[112, 224, 392, 784], depths=[4, 8, 18, 6])
_COMMON = dict(chunk_lengths=[14, 28, 28, 49], mlp_ratio=3)
# The official 16-frame class uses 8 channel groups in MorphFC_t (8 tokens after the stem);
# the 32-frame class uses 16, except 14 at 392 channels (a 448-wide mlp_t in stage 3).
_T16 = dict(num_frames=16, temporal_groups=[8, 8, 8, 8])
_T32 = dict(num_frames=32, temporal_groups=[16, 16, 14, 16])


def derive_temporal_groups(embed_dims, tokens):
    """Channel groups of MorphFC_t: the divisor of ``embed_dims`` nearest to ``tokens``.

    With ``groups == tokens`` (the official choice wherever it divides the channels)
    ``mlp_t`` is a square ``C × C`` FC; ties go to the larger divisor (a smaller FC).
    This reproduces the official 16- and 32-frame settings.
    """
    divisors = [d for d in range(1, embed_dims + 1) if embed_dims % d == 0]
    return min(divisors, key=lambda d: (abs(d - tokens), -d))


@register_model
class MorphMLP(FrozenStagesMixin, BaseModule):
    """MorphMLP: chunked token-mixing FCs that grow from local to global.

    One class builds the video network (``num_frames`` set: 3-D stem halving time,
    MorphFC_t in every block) and the image network (``num_frames=None``: stem with
    temporal kernel 1, no temporal parts; 4-D input), for classification or dense
    prediction (``out_indices``).

    Args:
        arch (str | dict): ``'t'/'s'/'b'/'l'`` (and long names) or the official video
            models ``'s16'``, ``'s32'``, ``'b16'``, ``'b32'`` (which also fix
            ``num_frames`` and ``temporal_groups``). A dict needs ``embed_dims``,
            ``depths``, ``chunk_lengths`` (4 values each) and ``mlp_ratio`` (a number or
            4 values); optional ``temporal_groups`` (4 values) and ``num_frames``.
            Defaults to ``'s'``.
        num_frames (int, optional): Input frames of the video network (any number ≥ 1;
            the stem leaves ``ceil(num_frames / 2)`` temporal tokens). None builds the
            image network. Defaults to None (or the arch's value).
        temporal_groups (Sequence[int], optional): Channel groups of MorphFC_t per stage.
            Defaults to the arch's value, else :func:`derive_temporal_groups`.
        in_channels (int): Input channels. Defaults to 3.
        out_indices (Sequence[int]): Stages (0-3) whose features are returned.
            Defaults to ``(3,)``.
        out_norm (bool, optional): Add a LayerNorm ``norm{i+1}`` to every returned stage.
            Defaults to True for images (the classification head's per-token norm) and
            False for videos (:class:`TokenNormHead` holds it).
        drop_path_rate (float): Stochastic depth, linear over all blocks. Defaults to 0.
        qkv_bias (bool): Biases of the token-mixing FCs. Defaults to True.
        norm_cfg (dict): Norm of blocks, downsampling and outputs. Defaults to LN (eps
            1e-5).
        stem_norm_cfg (dict): Norm of the stem convolutions. Defaults to BN3d.
        frozen_stages (int): -1 freezes nothing, 0 the stem, ``k`` also stages 1..k.
            Defaults to -1.
        norm_eval (bool): Keep BatchNorm layers in eval mode during training.
            Defaults to False.
        with_cp (bool): Gradient checkpointing of every block. Defaults to False.
        pretrained (str, optional): A MorphMLP checkpoint loaded by ``init_weights``:
            an image checkpoint of this package is inflated into a video network, a video
            checkpoint (ours or official) is loaded as is. Defaults to None.
        inflate (str): How the 3-tap stem kernel is made from an image checkpoint:
            ``'average'`` (I3D: repeat and divide by 3) or ``'center'`` (centre tap only,
            a static clip then gives the image features). Defaults to ``'average'``.
        init_cfg (dict | list, optional): mmengine init config (e.g. ``Pretrained``).

    Shapes:
        video: ``(N, C_in, T, H, W)`` → ``(N, C_i, ceil(T/2), H_i, W_i)``, a single tensor
        when one stage is returned, else a tuple; image: ``(N, C_in, H, W)`` → a tuple of
        ``(N, C_i, H_i, W_i)``. ``H_1 = ceil(H / 4)``, halved (rounding up) per stage.

    Examples:
        >>> import torch
        >>> video = MorphMLP('s16').eval()
        >>> video(torch.rand(1, 3, 16, 224, 224)).shape
        torch.Size([1, 784, 8, 7, 7])
        >>> image = MorphMLP('t', out_indices=(0, 1, 2, 3)).eval()
        >>> [tuple(o.shape) for o in image(torch.rand(1, 3, 512, 512))]
        [(1, 84, 128, 128), (1, 168, 64, 64), (1, 336, 32, 32), (1, 588, 16, 16)]
    """
    arch_zoo = {
        **dict.fromkeys(['t', 'tiny'], {**_TINY, **_COMMON}),
        **dict.fromkeys(['s', 'small'], {**_SMALL, **_COMMON}),
        **dict.fromkeys(['b', 'base'], {**_BASE, **_COMMON}),
        **dict.fromkeys(['l', 'large'], {**_LARGE, **_COMMON}),
        's16': {**_SMALL, **_COMMON, **_T16},
        's32': {**_SMALL, **_COMMON, **_T32},
        'b16': {**_BASE, **_COMMON, **_T16},
        'b32': {**_BASE, **_COMMON, **_T32},
    }
    essential_keys = ('embed_dims', 'depths', 'chunk_lengths', 'mlp_ratio')
    num_stages = 4

    def __init__(self,
                 arch: Union[str, Dict] = 's',
                 num_frames=None,
                 temporal_groups=None,
                 in_channels=3,
                 out_indices: Sequence[int] = (3, ),
                 out_norm=None,
                 drop_path_rate=0.,
                 qkv_bias=True,
                 norm_cfg=dict(type='LN', eps=1e-5),
                 stem_norm_cfg=dict(type='BN3d'),
                 frozen_stages=-1,
                 norm_eval=False,
                 with_cp=False,
                 pretrained=None,
                 inflate='average',
                 init_cfg=None):
        super().__init__(init_cfg=self._default_init_cfg(init_cfg))
        arch = self._parse_arch(arch)
        self.arch_settings = arch
        self.embed_dims = arch['embed_dims']
        self.depths = arch['depths']
        self.chunk_lengths = arch['chunk_lengths']
        mlp_ratios = arch['mlp_ratio']
        if not isinstance(mlp_ratios, (list, tuple)):
            mlp_ratios = [mlp_ratios] * self.num_stages

        if 'num_frames' in arch:
            if num_frames is not None and num_frames != arch['num_frames']:
                raise ValueError(
                    f'MorphMLP: arch fixes num_frames={arch["num_frames"]} but '
                    f'num_frames={num_frames} was given; use arch "s"/"b" (or a dict without '
                    'num_frames) for other frame counts')
            num_frames = arch['num_frames']
        if num_frames is not None and (not isinstance(num_frames, int) or num_frames < 1):
            raise ValueError(f'MorphMLP: num_frames must be a positive int or None (image '
                             f'network), got {num_frames!r}')
        self.num_frames = num_frames
        self.temporal_tokens = None if num_frames is None else (num_frames + 1) // 2
        if num_frames is None:
            if temporal_groups is not None:
                raise ValueError('MorphMLP: temporal_groups needs a video network '
                                 '(set num_frames)')
            self.temporal_groups = None
        else:
            groups = temporal_groups or arch.get('temporal_groups') or [
                derive_temporal_groups(c, self.temporal_tokens) for c in self.embed_dims
            ]
            self._check_list('temporal_groups', groups)
            self.temporal_groups = list(groups)

        self.out_indices = self._parse_out_indices(out_indices)
        self.out_norm = (num_frames is None) if out_norm is None else out_norm
        self.frozen_stages = frozen_stages
        self.norm_eval = norm_eval
        if inflate not in ('average', 'center'):
            raise ValueError(f"MorphMLP: inflate must be 'average' or 'center', got {inflate!r}")
        self.pretrained = pretrained
        self.inflate = inflate

        video = num_frames is not None
        self.patch_embed1 = ConvStem(
            in_channels, self.embed_dims[0], temporal_kernel=3 if video else 1,
            temporal_stride=2 if video else 1, norm_cfg=stem_norm_cfg)
        dpr = torch.linspace(0, drop_path_rate, sum(self.depths), device='cpu').tolist()
        start = 0
        for i in range(self.num_stages):
            if i > 0:
                self.add_module(f'patch_embed{i + 1}',
                                ConvDownsample(self.embed_dims[i - 1], self.embed_dims[i],
                                               norm_cfg=norm_cfg))
            blocks = ModuleList([
                MorphBlock(
                    self.embed_dims[i],
                    self.chunk_lengths[i],
                    strided=i == self.num_stages - 1,
                    mlp_ratio=mlp_ratios[i],
                    num_frames=self.temporal_tokens,
                    temporal_groups=self.temporal_groups[i] if video else None,
                    drop_path=dpr[start + j],
                    qkv_bias=qkv_bias,
                    norm_cfg=norm_cfg,
                    with_cp=with_cp) for j in range(self.depths[i])
            ])
            start += self.depths[i]
            self.add_module(f'blocks{i + 1}', blocks)
            if self.out_norm and i in self.out_indices:
                self.add_module(f'norm{i + 1}', build_norm_layer(norm_cfg, self.embed_dims[i])[1])
        self._freeze_stages()

    # ---------------------------------------------------------------- configuration
    def _parse_arch(self, arch):
        if isinstance(arch, str):
            key = arch.lower()
            if key not in self.arch_zoo:
                raise ValueError(f'MorphMLP: unknown arch {arch!r}; choose one of '
                                 f'{sorted(self.arch_zoo)} or pass a dict')
            return copy.deepcopy(self.arch_zoo[key])
        if not isinstance(arch, dict):
            raise TypeError(f'MorphMLP: arch must be a str or a dict, got {type(arch).__name__}')
        missing = [k for k in self.essential_keys if k not in arch]
        if missing:
            raise ValueError(f'MorphMLP: a custom arch needs the keys {list(self.essential_keys)} '
                             f'(optional: temporal_groups, num_frames); missing {missing}')
        arch = copy.deepcopy(arch)
        for key in ('embed_dims', 'depths', 'chunk_lengths'):
            self._check_list(key, arch[key])
        for i, (dims, chunk) in enumerate(zip(arch['embed_dims'], arch['chunk_lengths'])):
            if dims < 4:
                raise ValueError(f'MorphMLP: embed_dims[{i}]={dims} is too small; the '
                                 're-weighting needs at least 4 channels')
            if chunk < 1 or dims % chunk:
                allowed = [d for d in range(1, dims + 1) if dims % d == 0]
                raise ValueError(f'MorphMLP: chunk_lengths[{i}]={chunk} must divide '
                                 f'embed_dims[{i}]={dims} (the chunk length is also the number '
                                 f'of channel groups); allowed values: {allowed}')
        if arch['embed_dims'][0] % 2:
            raise ValueError(f'MorphMLP: embed_dims[0]={arch["embed_dims"][0]} must be even '
                             '(the stem halves it in its first convolution)')
        if any(d < 1 for d in arch['depths']):
            raise ValueError(f'MorphMLP: depths must be ≥ 1, got {arch["depths"]}')
        return arch

    def _check_list(self, name, values):
        if not isinstance(values, (list, tuple)) or len(values) != self.num_stages:
            raise ValueError(f'MorphMLP: {name} must list {self.num_stages} values (one per '
                             f'stage), got {values!r}')

    def _parse_out_indices(self, out_indices):
        if isinstance(out_indices, int):
            out_indices = [out_indices]
        parsed = []
        for index in out_indices:
            if not -self.num_stages <= index < self.num_stages:
                raise ValueError(f'MorphMLP: out_indices must be in [-4, 3], got {index}')
            parsed.append(index % self.num_stages)
        return tuple(sorted(set(parsed)))

    # ---------------------------------------------------------------- weights
    @staticmethod
    def _default_init_cfg(init_cfg):
        """Official init (trunc-normal Linear, unit LayerNorm; convolutions and BN keep
        PyTorch's), kept under a ``Pretrained`` init_cfg so unloaded weights are sane."""
        default = [
            dict(type='TruncNormal', layer='Linear', std=.02, bias=0.),
            dict(type='Constant', layer='LayerNorm', val=1., bias=0.)
        ]
        if init_cfg is None:
            return default
        cfgs = [init_cfg] if isinstance(init_cfg, dict) else list(init_cfg)
        if all(cfg.get('type') == 'Pretrained' for cfg in cfgs):
            return default + cfgs
        return init_cfg

    def init_weights(self):
        # Default init, then the children (MorphFC_t: mlp_t = 0, proj.weight = 1), then a
        # Pretrained init_cfg, all in BaseModule.init_weights.
        super().init_weights()
        if self.pretrained:
            from ...converters.morphmlp import load_pretrained
            load_pretrained(self, self.pretrained, inflate=self.inflate)

    def frozen_modules(self):
        modules = [self.patch_embed1] if self.frozen_stages >= 0 else []
        for i in range(1, min(self.frozen_stages, self.num_stages) + 1):
            modules += [getattr(self, f'blocks{i}'), getattr(self, f'norm{i}', None)]
            if i > 1:
                modules.append(getattr(self, f'patch_embed{i}'))
        return modules

    # ---------------------------------------------------------------- forward
    def forward(self, x):
        if self.num_frames is None:
            if x.dim() != 4:
                raise ValueError(f'MorphMLP was built as an image network (num_frames=None) '
                                 f'and expects (N, C, H, W); got shape {tuple(x.shape)}')
            x = x.unsqueeze(2)
        else:
            if x.dim() != 5:
                raise ValueError(f'MorphMLP was built as a video network and expects '
                                 f'(N, C, T, H, W); got shape {tuple(x.shape)}')
            if x.shape[2] != self.num_frames:
                raise ValueError(f'MorphMLP was built for num_frames={self.num_frames} and got '
                                 f'{x.shape[2]} frames; MorphFC_t mixes a fixed number of frames, '
                                 f'so build it with num_frames={x.shape[2]}')
        outs = []
        for i in range(self.num_stages):
            x = getattr(self, f'patch_embed{i + 1}')(x)
            for block in getattr(self, f'blocks{i + 1}'):
                x = block(x)
            if i in self.out_indices:
                out = getattr(self, f'norm{i + 1}')(x) if self.out_norm else x
                out = out.permute(0, 4, 1, 2, 3)  # (N, C, T, H, W)
                outs.append(out.squeeze(2) if self.num_frames is None else out)
        if self.num_frames is not None and len(outs) == 1:
            return outs[0]
        return tuple(outs)
