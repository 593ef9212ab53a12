"""PosMLP-Video and the image PosMLP.

* PosMLP-Video: Spatial and Temporal Relative Position Encoding for Efficient Video
  Recognition. Yanbin Hao, Diansong Zhou, Zhicai Wang, Chong-Wah Ngo, Meng Wang.
  IJCV 132(12), 2024; arXiv 2407.02934. Official code: github.com/zhouds1918/PosMLP_Video.
* Parameterization of Cross-Token Relations with Relative Positional Encoding for Vision
  MLP. Zhicai Wang, Yanbin Hao, et al. ACM MM 2022; arXiv 2207.07284. Official code:
  github.com/Zhicaiwww/PosMLP.
"""
import copy

import torch
from mmcv.cnn import build_norm_layer
from mmengine.model import BaseModule, ModuleList

from ...registry import register_model
from ..layers.freezing import FrozenStagesMixin
from ..layers.posmlp_block import BLOCK_TYPES, PoSGU, PoSTGU, PoTGU, PosMLPBlock  # noqa: F401
from ..layers.stem import ConvDownsample, ConvStem


@register_model
class PosMLP(FrozenStagesMixin, BaseModule):
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

    Any frame count up to ``num_frames`` (longer clips need a model built for them;
    weights are resized on loading) and any resolution: windows larger than a feature
    map shrink to it, otherwise maps are zero-padded to whole windows and cropped back.

    Args:
        arch (str | dict): ``'s16'`` (released PosMLP-Video, 13.5M params with a
            174-class head), ``'t'``/``'tiny'`` or ``'s'``/``'small'`` (image PosMLP), or
            a dict with the keys of :attr:`arch_zoo` entries.
        in_channels (int): Input channels. Defaults to 3.
        num_frames (int): Frames served by the PoTGU tables (official ``WIN_SIZE_T``).
            Defaults to 16.
        temporal_windows (int | Sequence[int], optional): Frames per PoSTGU window
            (joint blocks), per stage. Defaults to the arch value or ``num_frames``.
        block_types (str | Sequence[str], optional): Block type of every stage, or one
            for all; overrides the arch. Defaults to None (the arch's).
        drop_path_rate (float): Stochastic depth, linear over all blocks. Defaults to 0.1.
        drop_rate (float): Dropout after each branch. Defaults to 0.
        table_init_std (float): LRPE table init std; 0 keeps the official zeros.
            Defaults to 0.
        out_indices (Sequence[int]): Stages whose features are returned. Defaults to (3,).
        out_norm (bool | dict, optional): Add a norm ``norm{i+1}`` to every returned stage
            (the image model's final LN): True for LN (eps of the design), a dict for
            another norm. Defaults to None: True for the image design, False for the video
            design (:class:`TokenNormHead` normalises the tokens itself).
        frozen_stages (int): -1 freezes nothing, 0 the stem, k >= 1 the stem and stages
            1..k (with their downsampling). Defaults to -1.
        norm_eval (bool): Keep BatchNorm layers in eval mode when training.
            Defaults to False.
        with_cp (bool): Gradient checkpointing of every block. Defaults to False.
        init_cfg (dict | list[dict], optional): Defaults to the official init
            (truncated-normal 0.02 Linear weights, zero biases, LN 1/0; and for the image
            design Conv3d truncated-normal and BN 1/0).

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
    essential_keys = {'embed_dims', 'depths', 'window_sizes', 'groups'}
    arch_defaults = dict(mlp_ratios=2, block_types='parallel', pos_type='lrpe',
                         design='video', temporal_windows=None)

    def __init__(self,
                 arch='s16',
                 in_channels=3,
                 num_frames=16,
                 temporal_windows=None,
                 block_types=None,
                 drop_path_rate=0.1,
                 drop_rate=0.,
                 table_init_std=0.,
                 out_indices=(3, ),
                 out_norm=None,
                 frozen_stages=-1,
                 norm_eval=False,
                 with_cp=False,
                 init_cfg=None):
        arch = self._arch_settings(arch)
        design = arch['design']
        if design not in ('video', 'image'):
            raise ValueError(f"arch design must be 'video' or 'image', got {design!r}")
        if init_cfg is None:
            init_cfg = [
                dict(type='TruncNormal', layer='Linear', std=.02, bias=0.),
                dict(type='Constant', layer='LayerNorm', val=1., bias=0.)
            ]
            if design == 'image':
                init_cfg += [dict(type='TruncNormal', layer='Conv3d', std=.02, bias=0.),
                             dict(type='Constant', layer='BatchNorm3d', val=1., bias=0.)]
        super().__init__(init_cfg=init_cfg)

        self.embed_dims = list(arch['embed_dims'])
        self.depths = list(arch['depths'])
        self.num_stages = len(self.depths)
        num_stages = self.num_stages
        self.window_sizes = self._per_stage(arch['window_sizes'], 'window_sizes')
        self.groups = self._per_stage(arch['groups'], 'groups')
        self.mlp_ratios = self._per_stage(arch['mlp_ratios'], 'mlp_ratios')
        self.block_types = self._per_stage(
            block_types if block_types is not None else arch['block_types'], 'block_types')
        for block_type in self.block_types:
            if block_type not in BLOCK_TYPES:
                raise ValueError(f'block_types must be in {BLOCK_TYPES}, got {block_type!r}')
        if temporal_windows is None:
            temporal_windows = arch.get('temporal_windows') or num_frames
        self.temporal_windows = self._per_stage(temporal_windows, 'temporal_windows')
        self.num_frames = num_frames
        self.pos_type = arch['pos_type']
        self.design = design

        out_indices = [out_indices] if isinstance(out_indices, int) else list(out_indices)
        for k, index in enumerate(out_indices):
            if index < 0:
                out_indices[k] = index + num_stages
            if not 0 <= out_indices[k] < num_stages:
                raise ValueError(f'out_indices must be in [-{num_stages}, {num_stages}), '
                                 f'got {index}')
        self.out_indices = sorted(set(out_indices))
        if not -1 <= frozen_stages <= num_stages:
            raise ValueError(f'frozen_stages must be in [-1, {num_stages}], got '
                             f'{frozen_stages}')
        self.frozen_stages = frozen_stages
        self.norm_eval = norm_eval
        self.with_cp = with_cp

        eps = 1e-6 if design == 'image' else 1e-5
        norm_cfg = dict(type='LN', eps=eps)
        if out_norm is None:
            out_norm = design == 'image'
        out_norm_cfg = (norm_cfg if out_norm is True else out_norm) if out_norm else None
        self.patch_embed1 = ConvStem(
            in_channels, self.embed_dims[0], temporal_kernel=1,
            norm_cfg=dict(type='BN3d', eps=eps), pointwise=design == 'image')
        dpr = [x.item() for x in torch.linspace(0, drop_path_rate, sum(self.depths))]
        cursor = 0
        for i in range(num_stages):
            dims = self.embed_dims[i]
            if i > 0:
                groups = self.embed_dims[i - 1] if design == 'image' else 1
                self.add_module(f'patch_embed{i + 1}', ConvDownsample(
                    self.embed_dims[i - 1], dims, norm_cfg=norm_cfg, groups=groups))
            blocks = ModuleList([
                PosMLPBlock(
                    dims,
                    block_type=self.block_types[i],
                    window_size=self.window_sizes[i],
                    groups=self.groups[i],
                    num_frames=num_frames,
                    temporal_window=self.temporal_windows[i],
                    mlp_ratio=self.mlp_ratios[i],
                    pos_type=self.pos_type,
                    drop_path=dpr[cursor + j],
                    drop=drop_rate,
                    table_init_std=table_init_std,
                    norm_cfg=norm_cfg,
                    with_cp=with_cp) for j in range(self.depths[i])
            ])
            cursor += self.depths[i]
            self.add_module(f'blocks{i + 1}', blocks)
            if out_norm_cfg is not None and i in self.out_indices:
                self.add_module(f'norm{i + 1}', build_norm_layer(out_norm_cfg, dims)[1])
        self._freeze_stages()

    def _arch_settings(self, arch):
        if isinstance(arch, str):
            key = arch.lower()
            if key not in self.arch_zoo:
                raise ValueError(f'arch {arch!r} is not one of {sorted(self.arch_zoo)}; '
                                 'or give a dict')
            return copy.deepcopy(self.arch_zoo[key])
        if not isinstance(arch, dict) or not self.essential_keys <= set(arch):
            raise ValueError(f'a custom arch must be a dict with keys {self.essential_keys}, '
                             f'got {arch}')
        return {**self.arch_defaults, **arch}

    def _per_stage(self, value, name):
        if isinstance(value, (str, int, float)):
            return [value] * self.num_stages
        value = list(value)
        if len(value) != self.num_stages:
            raise ValueError(f'{name} needs {self.num_stages} values (one per stage), got '
                             f'{value}')
        return value

    def _stage_modules(self, i):
        """Modules of stage ``i`` (1-based): its downsampling, blocks and output norm."""
        names = [f'patch_embed{i}' if i > 1 else None, f'blocks{i}', f'norm{i}']
        return [getattr(self, n) for n in names if n and hasattr(self, n)]

    def frozen_modules(self):
        modules = [self.patch_embed1] if self.frozen_stages >= 0 else []
        for i in range(1, self.frozen_stages + 1):
            modules += self._stage_modules(i)
        return modules

    def forward(self, x):
        image = x.dim() == 4
        if image:
            x = x.unsqueeze(2)
        elif x.dim() != 5:
            raise ValueError(f'PosMLP expects (N, C, T, H, W) videos or (N, C, H, W) images, '
                             f'got shape {tuple(x.shape)}')
        x = self.patch_embed1(x)  # (N, T, H/4, W/4, C)
        outs = []
        for i in range(self.num_stages):
            if i > 0:
                x = getattr(self, f'patch_embed{i + 1}')(x)
            for block in getattr(self, f'blocks{i + 1}'):
                x = block(x)
            if i in self.out_indices:
                norm = getattr(self, f'norm{i + 1}', None)
                out = x if norm is None else norm(x)
                out = out.permute(0, 4, 1, 2, 3)
                outs.append(out.squeeze(2).contiguous() if image else out.contiguous())
        if image or len(outs) > 1:
            return tuple(outs)
        return outs[0]
