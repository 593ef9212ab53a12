"""MorphMLP backbone for video (mmaction2), image (mmpretrain) and segmentation (mmseg).

Paper: *MorphMLP: An Efficient MLP-Like Backbone for Spatial-Temporal Representation
Learning*, D. J. Zhang, K. Li, Y. Wang, Y. Chen, S. Chandra, Y. Qiao, L. Liu, M. Z. Shou,
ECCV 2022 (https://arxiv.org/abs/2111.12527). Official video code:
https://github.com/MTLab/MorphMLP (module and parameter names follow it, so official
checkpoints convert by renaming only; see ``mmvideomlp/converters/morphmlp.py``).
"""
from numbers import Real

from mmcv.cnn import build_norm_layer
from mmengine.model import ModuleList

from ...converters.morphmlp import convert_official, is_official_layout
from ...registry import register_model
from ...weights.adapt import INFLATE_METHODS, inflate_kernel
from ..layers.morphmlp_block import MorphBlock
from ..layers.morphmlp_fc import MorphFCTemporal
from ..layers.stem import ConvDownsample, ConvStem
from .base import BaseBackbone

_TINY = dict(embed_dims=[84, 168, 336, 588], depths=[3, 4, 7, 3])
_SMALL = dict(embed_dims=[112, 224, 392, 784], depths=[3, 4, 9, 3])
_BASE = dict(embed_dims=[112, 224, 392, 784], depths=[4, 6, 15, 4])
_LARGE = dict(embed_dims=[112, 224, 392, 784], depths=[4, 8, 18, 6])
_COMMON = dict(chunk_lengths=[14, 28, 28, 49], mlp_ratio=3)
# The official 16-frame class uses 8 channel groups in MorphFC_t (8 tokens after the stem);
# the 32-frame class uses 16, except 14 at 392 channels (a 448-wide mlp_t in stage 3).
_T16 = dict(num_frames=16, temporal_groups=[8, 8, 8, 8])
_T32 = dict(num_frames=32, temporal_groups=[16, 16, 14, 16])
_OFFICIAL_VIDEO = ('s16', 's32', 'b16', 'b32')
_STEM_KERNEL = 'patch_embed1.proj1.weight'
_RENAMED = dict(qkv_bias='mixing_bias')


def derive_temporal_groups(embed_dims, tokens):
    """Channel groups of MorphFC_t: the divisor of ``embed_dims`` nearest to ``tokens``.

    With ``groups == tokens`` (the official choice wherever it divides the channels)
    ``mlp_t`` is a square ``C × C`` FC; ties go to the larger divisor (a smaller FC).
    This reproduces the official 16- and 32-frame settings.
    """
    divisors = [d for d in range(1, embed_dims + 1) if embed_dims % d == 0]
    return min(divisors, key=lambda d: (abs(d - tokens), -d))


def _is_int(value):
    return isinstance(value, int) and not isinstance(value, bool)


@register_model
class MorphMLP(BaseBackbone):
    """MorphMLP: chunked token-mixing FCs that grow from local to global.

    One class builds the video network (``num_frames`` set: 3-D stem halving time,
    MorphFC_t in every block) and the image network (``num_frames=None``: stem with
    temporal kernel 1, no temporal parts; 4-D input), for classification or dense
    prediction (``out_indices``). Frozen stages, ``norm_eval``, ``with_cp``, drop path and
    initialisation follow :class:`BaseBackbone`.

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
        out_indices (Sequence[int]): Stages (0-3, negative from the end) whose features
            are returned. Defaults to ``(-1, )``, the last stage.
        out_norm (bool, optional): Add a LayerNorm ``norm{i+1}`` to every returned stage.
            Defaults to True for images (the classification head's per-token norm) and
            False for videos (:class:`TokenNormHead` holds it).
        drop_path_rate (float): Stochastic depth, linear over all blocks. Defaults to 0.
        mixing_bias (bool): Biases of the token-mixing FCs (``mlp_t``, ``mlp_h``,
            ``mlp_w``, ``mlp_c``; the official ``QKV_BIAS``). Defaults to True.
        temporal_init (str): How MorphFC_t starts; both make it output 0, so the video
            network starts as the image network. ``'zero_proj'``: ``mlp_t`` like every
            Linear, ``proj`` at 0. ``'official'``: ``mlp_t`` at 0, ``proj.weight`` all ones,
            as released; the block's LayerNorm then removes the layer's output and its
            gradient, beyond rounding noise (:class:`MorphFCTemporal`). Defaults to
            ``'zero_proj'``.
        norm_cfg (dict): Norm of blocks, downsampling and outputs. Defaults to LN (eps
            1e-5).
        stem_norm_cfg (dict): Norm of the stem convolutions. Defaults to BN3d.
        frozen_stages (int): -1 freezes nothing, 0 the stem, ``k`` also stages 1..k.
            Defaults to -1.
        norm_eval (bool): Keep BatchNorm layers in eval mode during training.
            Defaults to False.
        with_cp (bool): Gradient checkpointing of every block. Defaults to False.
        pretrained (str, optional): A checkpoint loaded by ``init_weights`` (shortcut of a
            ``Pretrained`` init_cfg): an image checkpoint of this package is inflated into
            a video network (the temporal ``t_fc``/``t_norm1`` keys are reported as new),
            a video checkpoint (ours or official) is loaded as is. Defaults to None.
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
    optional_keys = dict(temporal_groups=None, num_frames=None)
    # official init: trunc-normal Linear, unit LayerNorm; convolutions and BN keep PyTorch's;
    # MorphFC_t: see temporal_init
    default_init_cfg = [
        dict(type='TruncNormal', layer='Linear', std=.02, bias=0.),
        dict(type='Constant', layer='LayerNorm', val=1., bias=0.)
    ]
    num_stages = 4

    def __init__(self,
                 arch='s',
                 num_frames=None,
                 temporal_groups=None,
                 in_channels=3,
                 out_indices=(-1, ),
                 out_norm=None,
                 drop_path_rate=0.,
                 mixing_bias=True,
                 temporal_init='zero_proj',
                 norm_cfg=dict(type='LN', eps=1e-5),
                 stem_norm_cfg=dict(type='BN3d'),
                 frozen_stages=-1,
                 norm_eval=False,
                 with_cp=False,
                 pretrained=None,
                 inflate='average',
                 init_cfg=None,
                 **kwargs):
        for old, new in _RENAMED.items():
            if old in kwargs:
                raise TypeError(f'MorphMLP: {old!r} was renamed {new!r} (same meaning)')
        if kwargs:
            raise TypeError(f'MorphMLP: unexpected arguments {sorted(kwargs)}')
        super().__init__(norm_eval=norm_eval, with_cp=with_cp, pretrained=pretrained,
                         init_cfg=init_cfg)
        arch = self.parse_arch(arch)
        self._check_arch(arch)
        self.arch_settings = arch
        self.embed_dims = arch['embed_dims']
        self.depths = arch['depths']
        self.chunk_lengths = arch['chunk_lengths']
        self.mlp_ratios = self._parse_mlp_ratios(arch['mlp_ratio'])
        self.num_frames = self._parse_num_frames(num_frames, arch['num_frames'])
        video = self.num_frames is not None
        self.temporal_tokens = (self.num_frames + 1) // 2 if video else None
        self.temporal_groups = self._parse_temporal_groups(temporal_groups,
                                                           arch['temporal_groups'])
        if not _is_int(in_channels) or in_channels < 1:
            raise ValueError(f'MorphMLP: in_channels must be a positive int, got '
                             f'{in_channels!r}')
        if not isinstance(drop_path_rate, Real) or not 0 <= drop_path_rate < 1:
            raise ValueError(f'MorphMLP: drop_path_rate must be a number in [0, 1), got '
                             f'{drop_path_rate!r}')
        if temporal_init not in MorphFCTemporal.init_modes:
            raise ValueError(f'MorphMLP: temporal_init must be one of '
                             f'{MorphFCTemporal.init_modes}, got {temporal_init!r}')
        if inflate not in INFLATE_METHODS:
            raise ValueError(f'MorphMLP: inflate must be one of {INFLATE_METHODS}, got '
                             f'{inflate!r}')
        self.in_channels = in_channels
        self.inflate = inflate
        self.out_indices = self.parse_out_indices(out_indices, self.num_stages)
        self.frozen_stages = self.parse_frozen_stages(frozen_stages, self.num_stages)
        self.out_norm = (not video) if out_norm is None else out_norm
        self._source_has_temporal = True

        self.patch_embed1 = ConvStem(
            in_channels, self.embed_dims[0], temporal_kernel=3 if video else 1,
            temporal_stride=2 if video else 1, norm_cfg=stem_norm_cfg)
        dpr = self.drop_path_rates(drop_path_rate, sum(self.depths))
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
                    mlp_ratio=self.mlp_ratios[i],
                    temporal_tokens=self.temporal_tokens,
                    temporal_groups=self.temporal_groups[i] if video else None,
                    drop_path=dpr[start + j],
                    mixing_bias=mixing_bias,
                    temporal_init=temporal_init,
                    norm_cfg=norm_cfg) for j in range(self.depths[i])
            ])
            start += self.depths[i]
            self.add_module(f'blocks{i + 1}', blocks)
            if self.out_norm and i in self.out_indices:
                self.add_module(f'norm{i + 1}', build_norm_layer(norm_cfg, self.embed_dims[i])[1])
        self._freeze_stages()

    # ---------------------------------------------------------------- arguments
    def _check_list(self, name, values):
        if not isinstance(values, (list, tuple)) or len(values) != self.num_stages or \
                not all(_is_int(v) for v in values):
            raise ValueError(f'MorphMLP: {name} must list {self.num_stages} values (one int per '
                             f'stage), got {values!r}')

    def _check_arch(self, arch):
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

    def _parse_mlp_ratios(self, mlp_ratio):
        ratios = self.per_stage(mlp_ratio, 'mlp_ratio', self.num_stages)
        for i, (ratio, dims) in enumerate(zip(ratios, self.embed_dims)):
            if isinstance(ratio, bool) or not isinstance(ratio, Real):
                raise TypeError(f'MorphMLP: mlp_ratio must be a number or {self.num_stages} '
                                f'numbers, got {ratio!r} for stage {i}')
            if int(dims * ratio) < 1:
                raise ValueError(f'MorphMLP: mlp_ratio={ratio!r} of stage {i} leaves no hidden '
                                 f'unit at embed_dims={dims}; it must be positive')
        return ratios

    def _parse_num_frames(self, num_frames, arch_frames):
        if arch_frames is not None:
            if num_frames is not None and num_frames != arch_frames:
                raise ValueError(
                    f'MorphMLP: arch fixes num_frames={arch_frames} but '
                    f'num_frames={num_frames} was given; use arch "s"/"b" (or a dict without '
                    'num_frames) for other frame counts')
            num_frames = arch_frames
        if num_frames is not None and (not _is_int(num_frames) or num_frames < 1):
            raise ValueError(f'MorphMLP: num_frames must be a positive int (input frames of the '
                             f'video network) or None (image network), got {num_frames!r}')
        return num_frames

    def _parse_temporal_groups(self, groups, arch_groups):
        if self.num_frames is None:
            if groups is not None:
                raise ValueError('MorphMLP: temporal_groups needs a video network '
                                 '(set num_frames)')
            return None
        groups = groups or arch_groups or [derive_temporal_groups(c, self.temporal_tokens)
                                           for c in self.embed_dims]
        self._check_list('temporal_groups', groups)
        return list(groups)

    # ---------------------------------------------------------------- official zoo
    @classmethod
    def zoo_name(cls, arch, num_frames, mixing_bias=True):
        """The official video model (``'s16'``, ...) that ``arch`` and ``num_frames``
        describe, or None."""
        keys = cls.essential_keys + ('temporal_groups', )
        for name in _OFFICIAL_VIDEO:
            zoo = cls.arch_zoo[name]
            if mixing_bias and zoo['num_frames'] == num_frames and \
                    all(list(_as_list(zoo[k])) == list(_as_list(arch.get(k))) for k in keys):
                return name
        return None

    @classmethod
    def check_zoo_arch(cls, expected_arch, arch, num_frames):
        """Raise ValueError unless ``arch`` has the depths, widths (and frame count) of
        the zoo entry ``expected_arch``."""
        key = expected_arch.lower()
        if key not in cls.arch_zoo:
            raise ValueError(f'unknown expected arch {expected_arch!r}; choose from '
                             f'{sorted(cls.arch_zoo)}')
        zoo = cls.arch_zoo[key]
        problems = []
        if zoo['depths'] != arch['depths']:
            hint = [n for n in ('s', 'b', 't', 'l')
                    if cls.arch_zoo[n]['depths'] == arch['depths']]
            problems.append(f'depths {arch["depths"]} (expected {zoo["depths"]}'
                            f'{"; these are " + hint[0].upper() + " depths" if hint else ""})')
        if zoo['embed_dims'] != arch['embed_dims']:
            problems.append(f'widths {arch["embed_dims"]} (expected {zoo["embed_dims"]})')
        if 'num_frames' in zoo and zoo['num_frames'] != num_frames:
            problems.append(f'{num_frames} frames (expected {zoo["num_frames"]})')
        if problems:
            raise ValueError(f'checkpoint is not MorphMLP-{expected_arch}: ' + '; '.join(problems))

    # ---------------------------------------------------------------- contract hooks
    def stem_modules(self):
        return [self.patch_embed1]

    def stage_modules(self, index):
        modules = [getattr(self, f'blocks{index}'), getattr(self, f'norm{index}', None)]
        if index > 1:
            modules.append(getattr(self, f'patch_embed{index}'))
        return modules

    def convert_checkpoint(self, state_dict):
        """Official video checkpoints (whole network) → backbone keys; ours unchanged."""
        self._source_has_temporal = any('.t_fc.' in k or '.t_norm1.' in k for k in state_dict)
        if is_official_layout(state_dict):
            return convert_official(state_dict, num_frames=self.num_frames)['state_dict']
        return state_dict

    def adapt_weight(self, key, value, shape):
        """The image stem kernel inflated to 3 temporal taps (``self.inflate``)."""
        if key != _STEM_KERNEL:
            return None
        inflated = inflate_kernel(value, shape, self.inflate)
        return None if inflated is None else (inflated, f'inflated in time ({self.inflate})')

    def is_new_weight(self, key):
        """MorphFC_t and its norm, when the checkpoint (an image network) has none."""
        return not self._source_has_temporal and ('.t_fc.' in key or '.t_norm1.' in key)

    # ---------------------------------------------------------------- forward
    def _check_input(self, x):
        if self.num_frames is None and x.dim() != 4:
            raise ValueError(f'MorphMLP was built as an image network (num_frames=None) and '
                             f'expects (N, C, H, W); got shape {tuple(x.shape)}. For a video '
                             'recognizer set num_frames (or arch s16/s32/b16/b32)')
        if self.num_frames is not None:
            if x.dim() != 5:
                raise ValueError(f'MorphMLP was built as a video network (num_frames='
                                 f'{self.num_frames}) and expects (N, C, T, H, W); got shape '
                                 f'{tuple(x.shape)}. For images build it with num_frames=None')
            if x.shape[2] != self.num_frames:
                raise ValueError(f'MorphMLP was built for num_frames={self.num_frames} and got '
                                 f'{x.shape[2]} frames; MorphFC_t mixes a fixed number of '
                                 f'frames, so build it with num_frames={x.shape[2]}')
        if x.shape[1] != self.in_channels:
            raise ValueError(f'MorphMLP was built with in_channels={self.in_channels} and got '
                             f'{x.shape[1]} channels (input shape {tuple(x.shape)})')

    def forward(self, x):
        self._check_input(x)
        image = self.num_frames is None
        if image:
            x = x.unsqueeze(2)
        outs = []
        for i in range(self.num_stages):
            x = getattr(self, f'patch_embed{i + 1}')(x)
            for block in getattr(self, f'blocks{i + 1}'):
                x = self.run_block(block, x)
            if i in self.out_indices:
                out = getattr(self, f'norm{i + 1}')(x) if self.out_norm else x
                out = out.permute(0, 4, 1, 2, 3)  # (N, C, T, H, W)
                outs.append(out.squeeze(2) if image else out)
        return self.pack_outputs(outs, image)


def _as_list(value):
    return list(value) if isinstance(value, (list, tuple)) else [value] * MorphMLP.num_stages


def convert_official_checkpoint(checkpoint, expected_arch=None, num_frames=None,
                                chunk_lengths=None):
    """:func:`~mmvideomlp.converters.morphmlp.convert_official`, with the result matched
    against the arch zoo.

    Args:
        checkpoint (dict): The loaded official file.
        expected_arch (str, optional): ``'s16'``, ``'s32'``, ``'b16'``, ``'b32'``, ``'s'``
            or ``'b'``: raise if the weights have other depths, widths or frame count.
        num_frames (int, optional): Frame count of the model (default: from the shapes).
        chunk_lengths (Sequence[int], optional): The official ``SEGMENT_DIM`` (default 14,
            28, 28, 49).

    Returns:
        dict: ``state_dict`` and ``meta``, whose ``arch_name`` is the zoo name or None.
    """
    kwargs = {} if chunk_lengths is None else dict(chunk_lengths=chunk_lengths)
    converted = convert_official(checkpoint, num_frames=num_frames, **kwargs)
    meta = converted['meta']
    if expected_arch is not None:
        MorphMLP.check_zoo_arch(expected_arch, meta['arch'], meta['num_frames'])
    meta['arch_name'] = MorphMLP.zoo_name(meta['arch'], meta['num_frames'], meta['mixing_bias'])
    return converted
