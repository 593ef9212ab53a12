"""PosMLP-Video and the image PosMLP.

* PosMLP-Video: Spatial and Temporal Relative Position Encoding for Efficient Video
  Recognition. Yanbin Hao, Diansong Zhou, Zhicai Wang, Chong-Wah Ngo, Meng Wang.
  IJCV 132(12), 2024; arXiv 2407.02934. Official code: github.com/zhouds1918/PosMLP_Video.
* Parameterization of Cross-Token Relations with Relative Positional Encoding for Vision
  MLP. Zhicai Wang, Yanbin Hao, et al. ACM MM 2022; arXiv 2207.07284. Official code:
  github.com/Zhicaiwww/PosMLP.
"""
from numbers import Real

from mmcv.cnn import build_norm_layer
from mmengine.model import ModuleList

from ...registry import register_model
from ..layers.posmlp_block import BLOCK_TYPES, PoSGU, PoSTGU, PoTGU, PosMLPBlock  # noqa: F401
from ..layers.posmlp_mixing import PositionalMixing
from ..layers.stem import ConvDownsample, ConvStem
from ...converters.posmlp import OFFICIAL_CONVERTERS, official_kind
from .base import BaseBackbone

TEMPORAL_BLOCKS = ('parallel', 'sequential', 'joint')


def _is_positive_int(value):
    return isinstance(value, int) and not isinstance(value, bool) and value > 0


@register_model
class PosMLP(BaseBackbone):
    """PosMLP-Video (video) and PosMLP (image) backbone.

    Four stages of positional-gating blocks on channels-last features; a two-convolution
    stem (stride 4) and conv + LN downsampling (stride 2) between stages; time is never
    downsampled. Blocks (see :class:`~mmvideomlp.models.layers.posmlp_block.PosMLPBlock`):

    * ``'parallel'``: ``x + DropPath(PoSGU-branch(x) + PoTGU-branch(x))``, the only block of
      the released video code (bit-exact with it) and the paper's parallel factorisation;
    * ``'sequential'``: temporal then spatial branch, each with its own residual, the
      paper's sequential factorisation (not in the released code; inferred form);
    * ``'joint'``: one PoSTGU branch over ``t x w x w`` windows, the paper's joint
      spatio-temporal unit (not in the released code; natural 3-D extension);
    * ``'spatial'``: PoSGU branch only, the image PosMLP layer.

    ``block_types`` may differ per stage. Token mixing matrices come from relative
    positions: LRPE tables (video; they start at zero as in the official code, which
    makes every block the identity at initialisation, see
    :class:`~mmvideomlp.models.layers.posmlp_mixing.RelativePositionMixing`) or the GQPE
    quadratic map (image PosMLP-T/S).

    A design whose blocks are all ``'spatial'`` (the image archs ``'t'``, ``'s'``) mixes
    nothing across frames: it takes images (also frames of a 2-D recognizer) and refuses
    5-D videos. The video designs take clips of up to ``num_frames`` frames (weights
    trained for another frame count or window are resized on loading) and images (one
    frame). Any resolution: windows larger than a feature map shrink to it, otherwise maps
    are zero-padded to whole windows and cropped back.

    Args:
        arch (str | dict): ``'s16'`` (released PosMLP-Video, 13.5M params with a
            174-class head), ``'t'``/``'tiny'`` or ``'s'``/``'small'`` (image PosMLP), or
            a dict with :attr:`essential_keys` and any of :attr:`optional_keys`.
        in_channels (int): Input channels. Defaults to 3.
        num_frames (int | None): Input frames the network is built for; the PoTGU tables
            serve clips of at most this many frames (official ``WIN_SIZE_T``). None is
            allowed only for designs without temporal blocks. Defaults to 16.
        temporal_windows (int | Sequence[int], optional): Frames per PoSTGU window
            (joint blocks), per stage. Defaults to the arch value or ``num_frames``.
        block_types (str | Sequence[str], optional): Block type of every stage, or one
            for all; overrides the arch. Defaults to None (the arch's).
        drop_path_rate (float): Stochastic depth, linear over all blocks. Defaults to 0.
        drop_rate (float): Dropout after each branch. Defaults to 0.
        table_init_std (float): LRPE table init std; 0 keeps the official zeros.
            Defaults to 0.
        norm_cfg (dict, optional): Norm over the channels of the channels-last tokens
            (branches, downsampling, output norms). Defaults to LN with the design's eps
            (1e-5 video, 1e-6 image).
        out_indices (int | Sequence[int]): Stages whose features are returned.
            Defaults to (-1, ): the last stage.
        out_norm (bool | dict, optional): Add a norm ``norm{i+1}`` to every returned stage
            (the image model's final LN): True for ``norm_cfg``, a dict for another norm.
            Defaults to None: True for the image design, False for the video design
            (:class:`TokenNormHead` normalises the tokens itself).
        frozen_stages (int): -1 freezes nothing, 0 the stem, k >= 1 the stem and stages
            1..k (with their downsampling). Defaults to -1.
        norm_eval (bool): Keep BatchNorm layers in eval mode when training.
            Defaults to False.
        with_cp (bool): Gradient checkpointing of every block. Defaults to False.
        pretrained (str, optional): Checkpoint loaded last (this package's layout or an
            official one). Defaults to None.
        init_cfg (dict | list[dict], optional): Layer-wise init configs replace the
            official init (truncated-normal 0.02 Linear weights, zero biases, LN 1/0; and
            for the image design Conv3d truncated-normal and BN 1/0); ``Pretrained``
            entries are added to it. Defaults to None.

    Shapes:
        video ``(N, C, T, H, W)`` → ``(N, C_i, T, H_i, W_i)``, a tensor if one out index,
        else a tuple; image ``(N, C, H, W)`` → a tuple of ``(N, C_i, H_i, W_i)``, with
        ``H_i = ceil(H / 2^(i+2))``.

    Example:
        >>> import torch
        >>> from mmvideomlp.models.backbones.posmlp import PosMLP
        >>> video = PosMLP('s16').eval()
        >>> video(torch.rand(1, 3, 16, 224, 224)).shape
        torch.Size([1, 576, 16, 7, 7])
        >>> image = PosMLP('t', out_indices=(0, 1, 2, 3)).eval()
        >>> [tuple(f.shape) for f in image(torch.rand(1, 3, 224, 224))]
        [(1, 96, 56, 56), (1, 192, 28, 28), (1, 384, 14, 14), (1, 768, 7, 7)]
    """

    # design 'video': ConvStem with BN eps 1e-5, full conv downsampling, LN eps 1e-5;
    # design 'image': + pointwise stem conv, BN eps 1e-6, depthwise-grouped downsampling,
    # LN eps 1e-6 (the image PosMLP).
    # yapf: disable
    arch_zoo = {
        **dict.fromkeys(['s16', 'video-small'], {
            'embed_dims': [72, 144, 288, 576], 'depths': [3, 4, 9, 3],
            'window_sizes': [14, 14, 14, 7], 'groups': [8, 16, 32, 64],
            'mlp_ratios': [2, 2, 2, 2], 'block_types': 'parallel', 'pos_type': 'lrpe',
            'design': 'video'}),
        **dict.fromkeys(['t', 'tiny'], {
            'embed_dims': [96, 192, 384, 768], 'depths': [2, 2, 18, 2],
            'window_sizes': [14, 14, 14, 7], 'groups': [8, 16, 32, 64],
            'mlp_ratios': [4, 4, 4, 2], 'block_types': 'spatial', 'pos_type': 'gqpe',
            'design': 'image'}),
        **dict.fromkeys(['s', 'small'], {
            'embed_dims': [128, 256, 512, 1024], 'depths': [2, 2, 18, 2],
            'window_sizes': [14, 14, 14, 7], 'groups': [8, 16, 32, 64],
            'mlp_ratios': [4, 4, 4, 2], 'block_types': 'spatial', 'pos_type': 'gqpe',
            'design': 'image'}),
    }
    # yapf: enable
    essential_keys = ('embed_dims', 'depths', 'window_sizes', 'groups')
    optional_keys = dict(mlp_ratios=2, block_types='parallel', pos_type='lrpe',
                         design='video', temporal_windows=None)
    default_init_cfg = [
        dict(type='TruncNormal', layer='Linear', std=.02, bias=0.),
        dict(type='Constant', layer='LayerNorm', val=1., bias=0.)
    ]
    image_init_cfg = [
        dict(type='TruncNormal', layer='Conv3d', std=.02, bias=0.),
        dict(type='Constant', layer='BatchNorm3d', val=1., bias=0.)
    ]

    def __init__(self,
                 arch='s16',
                 in_channels=3,
                 num_frames=16,
                 temporal_windows=None,
                 block_types=None,
                 drop_path_rate=0.,
                 drop_rate=0.,
                 table_init_std=0.,
                 norm_cfg=None,
                 out_indices=(-1, ),
                 out_norm=None,
                 frozen_stages=-1,
                 norm_eval=False,
                 with_cp=False,
                 pretrained=None,
                 init_cfg=None):
        arch_name = arch if isinstance(arch, str) else 'custom'
        arch = self.parse_arch(arch)
        design = arch['design']
        if design not in ('video', 'image'):
            raise ValueError(f"PosMLP: arch design must be 'video' or 'image', got {design!r}")
        default_init = self.default_init_cfg + (self.image_init_cfg if design == 'image' else [])
        super().__init__(norm_eval, with_cp, pretrained, init_cfg, default_init_cfg=default_init)
        self.arch_name, self.design, self.in_channels = arch_name, design, in_channels
        self._parse_stages(arch, block_types)
        self._parse_frames(num_frames, temporal_windows, arch['temporal_windows'])
        self.out_indices = self.parse_out_indices(out_indices, self.num_stages)
        self.frozen_stages = self.parse_frozen_stages(frozen_stages, self.num_stages)

        eps = 1e-6 if design == 'image' else 1e-5
        norm_cfg = dict(type='LN', eps=eps) if norm_cfg is None else norm_cfg
        if out_norm is None:
            out_norm = design == 'image'
        out_norm_cfg = (norm_cfg if out_norm is True else out_norm) if out_norm else None
        self.patch_embed1 = ConvStem(
            in_channels, self.embed_dims[0], temporal_kernel=1,
            norm_cfg=dict(type='BN3d', eps=eps), pointwise=design == 'image')
        dpr = iter(self.drop_path_rates(drop_path_rate, sum(self.depths)))
        for i, dims in enumerate(self.embed_dims):
            if i > 0:
                groups = self.embed_dims[i - 1] if design == 'image' else 1
                self.add_module(f'patch_embed{i + 1}', ConvDownsample(
                    self.embed_dims[i - 1], dims, norm_cfg=norm_cfg, groups=groups))
            self.add_module(f'blocks{i + 1}', ModuleList([
                PosMLPBlock(
                    dims,
                    block_type=self.block_types[i],
                    window_size=self.window_sizes[i],
                    groups=self.groups[i],
                    max_frames=self.num_frames,
                    temporal_window=self.temporal_windows[i],
                    mlp_ratio=self.mlp_ratios[i],
                    pos_type=self.pos_type,
                    drop_path=next(dpr),
                    drop=drop_rate,
                    table_init_std=table_init_std,
                    norm_cfg=norm_cfg) for _ in range(self.depths[i])
            ]))
            if out_norm_cfg is not None and i in self.out_indices:
                self.add_module(f'norm{i + 1}', build_norm_layer(out_norm_cfg, dims)[1])
        self._freeze_stages()

    # ------------------------------------------------------------------ arguments
    def _parse_stages(self, arch, block_types):
        depths = arch['depths']
        if isinstance(depths, int) or not all(_is_positive_int(d) for d in depths):
            raise ValueError(f'PosMLP: arch depths must be a list of positive ints (blocks '
                             f'per stage), got {depths!r}')
        self.depths = list(depths)
        self.num_stages = n = len(self.depths)
        per_stage = {name: self.per_stage(arch[name], name, n)
                     for name in ('embed_dims', 'window_sizes', 'groups', 'mlp_ratios')}
        for name in ('embed_dims', 'window_sizes', 'groups'):
            if not all(_is_positive_int(v) for v in per_stage[name]):
                raise ValueError(f'PosMLP: arch {name} must be positive ints, got '
                                 f'{arch[name]!r}')
        ratios = per_stage['mlp_ratios']
        if not all(isinstance(r, Real) and not isinstance(r, bool) and r > 0 for r in ratios):
            raise TypeError(f'PosMLP: arch mlp_ratios must be positive numbers, got '
                            f'{arch["mlp_ratios"]!r}')
        for i, (dims, ratio, groups) in enumerate(zip(per_stage['embed_dims'], ratios,
                                                      per_stage['groups'])):
            hidden = int(dims * ratio)
            if hidden % 2 or (hidden // 2) % groups:
                raise ValueError(
                    f'PosMLP: stage {i + 1}: embed_dims x mlp_ratios = {dims} x {ratio} = '
                    f'{hidden} channels must be even and their half ({hidden // 2}, the '
                    f'gated channels) divisible by groups={groups}')
        self.embed_dims, self.window_sizes = per_stage['embed_dims'], per_stage['window_sizes']
        self.groups, self.mlp_ratios = per_stage['groups'], ratios
        self.block_types = self.per_stage(
            arch['block_types'] if block_types is None else block_types, 'block_types', n)
        for block_type in self.block_types:
            if block_type not in BLOCK_TYPES:
                raise ValueError(f'PosMLP: block_types must be in {BLOCK_TYPES}, got '
                                 f'{block_type!r}')
        self.pos_type = arch['pos_type']
        if self.pos_type not in ('lrpe', 'gqpe'):
            raise ValueError(f"PosMLP: arch pos_type must be 'lrpe' or 'gqpe', got "
                             f'{self.pos_type!r}')

    @property
    def mixes_time(self):
        """Whether any block mixes tokens across frames (a video design)."""
        return any(t in TEMPORAL_BLOCKS for t in self.block_types)

    def _parse_frames(self, num_frames, temporal_windows, arch_windows):
        if num_frames is None and not self.mixes_time:
            self.num_frames = None
        elif _is_positive_int(num_frames):
            self.num_frames = num_frames
        else:
            raise ValueError(
                f'PosMLP: num_frames must be a positive int (input frames the network is '
                f'built for), got {num_frames!r}' +
                ('' if num_frames is not None else
                 f'; None is only allowed when no block mixes time (block_types '
                 f'{self.block_types})'))
        windows = temporal_windows if temporal_windows is not None else \
            (arch_windows or self.num_frames)
        self.temporal_windows = self.per_stage(windows, 'temporal_windows', self.num_stages)
        for i, (block_type, window) in enumerate(zip(self.block_types, self.temporal_windows)):
            if block_type == 'joint' and not _is_positive_int(window):
                raise ValueError(f'PosMLP: temporal_windows of the joint stage {i + 1} must '
                                 f'be a positive int (frames per PoSTGU window), got '
                                 f'{window!r}')

    # ------------------------------------------------------------------ contract
    def stem_modules(self):
        return [self.patch_embed1]

    def stage_modules(self, index):
        names = [f'patch_embed{index}' if index > 1 else None, f'blocks{index}',
                 f'norm{index}']
        return [getattr(self, n) for n in names if n and hasattr(self, n)]

    def convert_checkpoint(self, state_dict):
        """Official PosMLP-Video / PosMLP checkpoints in this package's layout."""
        kind = official_kind(state_dict)
        if kind is None:
            return state_dict
        return OFFICIAL_CONVERTERS[kind](state_dict)[0]

    def adapt_weight(self, key, value, shape):
        """LRPE tables and token biases of another window (frame count) are resized;
        other tensors as the base."""
        module_name, _, name = key.rpartition('.')
        module = self.get_submodule(module_name) if module_name else self
        if isinstance(module, PositionalMixing) and name in module.resizable:
            return module.adapt_tensor(name, value, key)
        return super().adapt_weight(key, value, shape)

    def is_new_weight(self, key):
        """Temporal branches: an image checkpoint has none."""
        return '.t_fc.' in key or '.st_fc.' in key

    # ------------------------------------------------------------------ forward
    def _check_input(self, x):
        if x.dim() not in (4, 5):
            raise ValueError(f'PosMLP expects (N, C, T, H, W) videos or (N, C, H, W) images, '
                             f'got shape {tuple(x.shape)}')
        if x.shape[1] != self.in_channels:
            raise ValueError(f'PosMLP: input has {x.shape[1]} channels (shape '
                             f'{tuple(x.shape)}) but in_channels={self.in_channels}')
        if x.dim() == 4:
            return
        if not self.mixes_time:
            raise ValueError(
                f'PosMLP arch {self.arch_name!r} has only spatial blocks (block_types '
                f'{self.block_types}): it mixes nothing across frames, so it is an image '
                f'network and refuses the video of shape {tuple(x.shape)}. For videos use '
                f"arch 's16' or block_types 'parallel', 'sequential' or 'joint'; to apply it "
                f'frame by frame give (N, C, H, W) frames (e.g. mmaction2 Recognizer2D).')
        if x.shape[2] > self.num_frames and any(t in ('parallel', 'sequential')
                                                for t in self.block_types):
            raise ValueError(
                f'PosMLP was built for num_frames={self.num_frames} (its PoTGU tables serve '
                f'at most {self.num_frames} frames) and got a clip of {x.shape[2]} frames; '
                f'build it with num_frames={x.shape[2]} (weights trained for '
                f'{self.num_frames} frames are resized when loaded)')

    def forward(self, x):
        self._check_input(x)
        image = x.dim() == 4
        if image:
            x = x.unsqueeze(2)
        x = self.patch_embed1(x)  # (N, T, H/4, W/4, C)
        outs = []
        for i in range(self.num_stages):
            if i > 0:
                x = getattr(self, f'patch_embed{i + 1}')(x)
            for block in getattr(self, f'blocks{i + 1}'):
                x = self.run_block(block, x)
            if i in self.out_indices:
                norm = getattr(self, f'norm{i + 1}', None)
                out = (x if norm is None else norm(x)).permute(0, 4, 1, 2, 3)
                outs.append(out.squeeze(2).contiguous() if image else out.contiguous())
        return self.pack_outputs(outs, image)
