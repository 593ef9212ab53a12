"""Affine-Shift Transformer (AST) and Video Affine-Shift Transformer (VAST).

Bulat, Martinez, Tzimiropoulos, "Efficient Attention-free Video Shift Transformers",
arXiv:2208.11108, 2022 (https://arxiv.org/abs/2208.11108).

No official code exists and only the abstract of the paper is public: the macro
architecture (a Swin-like four-stage pyramid without attention, positional embedding or
class token), the variants and the video extension are reconstructions documented in
``docs/vast.md``. One class serves images (``(N, C, H, W)``: mmpretrain, mmseg) and
videos (``(N, C, T, H, W)``: mmaction2); a video is embedded frame by frame and only
downsampled in space, so image (AST) checkpoints load into the video model unchanged.
"""
import numbers

from mmcv.cnn import build_norm_layer
from mmengine.model import ModuleList, Sequential

from ...registry import register_model
from ..layers.affine_shift import AFFINE_MODES, AffineShiftBlock
from ...weights.adapt import INFLATE_METHODS
from ..layers.stem import ConvDownsample
from .base import BaseBackbone


@register_model
class AffineShiftTransformer(BaseBackbone):
    """Affine-Shift Transformer: a pyramid of Affine-Shift blocks for images and videos.

    Patch embedding (4×4 stride-4 convolution + LN, per frame) → stages of
    :class:`~mmvideomlp.models.layers.affine_shift.AffineShiftBlock` separated by 2×2
    stride-2 convolutions + LN (spatial only; the number of frames never changes).

    Args:
        arch (str | dict): ``'tiny'``/``'t'``, ``'small'``/``'s'``, ``'base'``/``'b'``, or
            a dict with ``embed_dims`` (int, doubled at every stage, or one int per stage),
            ``depths`` (blocks per stage; any number of stages) and ``mlp_ratio``.
            Defaults to ``'tiny'``.
        in_channels (int): Input channels. Defaults to 3.
        patch_size (int): Stride and kernel of the patch embedding. Defaults to 4.
        patch_kernel_size (int, optional): Spatial kernel of the patch embedding when it
            should exceed the stride (overlapping patches, zero-padded, e.g. 7 with stride
            4); None (default) uses ``patch_size``.
        patch_temporal_size (int): Odd temporal kernel of the patch embedding (stride 1,
            so every frame keeps its tokens): 1 (default) embeds every frame alone; 3 makes
            each token see its frame and the two beside it (a spatio-temporal tubelet),
            which lets small models trained from scratch pick up motion at once. Image (AST)
            checkpoints are inflated into it (``inflate``).
        inflate (str): How 2-D kernels of a checkpoint fill ``patch_temporal_size`` taps:
            ``'center'`` (default; a static clip then gives the image features) or
            ``'average'``.
        spatial_shift_ratio (float | tuple[float]): Fraction of the channels shifted in
            each spatial direction, or ``(w+, w-, h+, h-)``. Defaults to 1/12.
        temporal_shift_ratio (float | tuple[float]): Fraction shifted to the next and to
            the previous frame, or ``(t+, t-)``; ignored for images. Defaults to 0.
        temporal_shift_interval (int): Shift in time in every n-th block only (counted
            over the whole network, the first block included). Defaults to 1 (every block).
        affine (str): Affine generator: ``'token'`` (option A), ``'pooled'`` (B), ``'qk'``
            (C), ``'static'`` or ``'none'``. Defaults to ``'token'``.
        affine_reduction (int): Reduction of the ``'pooled'`` generator. Defaults to 4.
        affine_init_std (float): 0 (default) starts every affine generator at the
            identity (zero weights); a positive std draws its weights from a truncated
            normal, so that each token's scale depends on its content from the first step
            and the product of a token with its time-shifted neighbours, the block's only
            first-order order-sensitive term, is not zero at initialisation (small models
            trained from scratch on temporal-order tasks need it, see docs/vast.md).
        drop_path_rate (float): Stochastic depth, rising linearly to this value over the
            blocks. Defaults to 0.
        norm_cfg (dict): Norm layers. Defaults to LN with eps 1e-5.
        act_cfg (dict): MLP activation. Defaults to GELU.
        out_indices (Sequence[int]): Stages whose (normalised) output is returned.
            Defaults to ``(-1,)``.
        frozen_stages (int): -1 freezes nothing, 0 the patch embedding, ``k`` also stages
            ``1..k`` (each with the downsampling before it and its output norm).
            Defaults to -1.
        norm_eval (bool): Keep BatchNorm layers (if ``norm_cfg`` uses them) in eval mode.
            Defaults to False.
        with_cp (bool): Gradient checkpointing of every block. Defaults to False.
        pretrained (str, optional): AST/VAST checkpoint loaded by ``init_weights`` (2-D
            kernels are given a temporal axis). Defaults to None.
        init_cfg (dict | list[dict], optional): Initialisation. Defaults to truncated
            normal (std 0.02) for linear and convolution weights, ones/zeros for LayerNorm;
            the affine generators keep their own initialisation (zero, or ``affine_init_std``)
            whatever the init_cfg.

    Shapes:
        - image ``(N, C_in, H, W)`` → tuple of ``(N, C_i, H_i, W_i)``, one per out index,
          ``H_i = ceil(H / (patch_size · 2^i))``.
        - video ``(N, C_in, T, H, W)`` → ``(N, C_i, T, H_i, W_i)``, a tuple when there are
          several out indices.

    Examples:
        >>> import torch
        >>> from mmvideomlp.models.backbones.vast import AffineShiftTransformer
        >>> model = AffineShiftTransformer('tiny', out_indices=(0, 1, 2, 3))
        >>> [tuple(o.shape) for o in model(torch.rand(1, 3, 224, 224))]
        [(1, 96, 56, 56), (1, 192, 28, 28), (1, 384, 14, 14), (1, 768, 7, 7)]
    """

    # yapf: disable
    arch_zoo = {
        **dict.fromkeys(['t', 'tiny'], dict(embed_dims=96, depths=(2, 2, 6, 2), mlp_ratio=4.)),
        **dict.fromkeys(['s', 'small'], dict(embed_dims=96, depths=(2, 2, 18, 2), mlp_ratio=4.)),
        **dict.fromkeys(['b', 'base'], dict(embed_dims=128, depths=(2, 2, 18, 2), mlp_ratio=4.)),
    }  # yapf: enable
    essential_keys = ('embed_dims', 'depths', 'mlp_ratio')
    default_init_cfg = [
        dict(type='TruncNormal', layer=['Linear', 'Conv3d'], std=.02, bias=0.),
        dict(type='Constant', layer=['LayerNorm'], val=1., bias=0.)
    ]

    def __init__(self,
                 arch='tiny',
                 in_channels=3,
                 patch_size=4,
                 patch_kernel_size=None,
                 patch_temporal_size=1,
                 inflate='center',
                 spatial_shift_ratio=1 / 12,
                 temporal_shift_ratio=0.,
                 temporal_shift_interval=1,
                 affine='token',
                 affine_reduction=4,
                 affine_init_std=0.,
                 drop_path_rate=0.,
                 norm_cfg=dict(type='LN', eps=1e-5),
                 act_cfg=dict(type='GELU'),
                 out_indices=(-1, ),
                 frozen_stages=-1,
                 norm_eval=False,
                 with_cp=False,
                 pretrained=None,
                 init_cfg=None):
        super().__init__(norm_eval=norm_eval, with_cp=with_cp, pretrained=pretrained,
                         init_cfg=init_cfg)
        arch = self.parse_arch(arch)
        depths = self._check_depths(arch['depths'])
        num_stages = len(depths)
        dims = self._check_dims(arch['embed_dims'], num_stages)
        mlp_ratio = arch['mlp_ratio']
        if isinstance(mlp_ratio, bool) or not isinstance(mlp_ratio, numbers.Real) or mlp_ratio <= 0:
            raise TypeError(f'{type(self).__name__}: mlp_ratio must be a positive number, got '
                            f'{mlp_ratio!r}')
        if affine not in AFFINE_MODES:
            raise ValueError(f'affine={affine!r} is not supported; choose one of {AFFINE_MODES}')
        if not isinstance(temporal_shift_interval, int) or temporal_shift_interval < 1:
            raise ValueError('temporal_shift_interval must be an int >= 1, got '
                             f'{temporal_shift_interval!r}')
        self.embed_dims, self.depths, self.num_stages = dims, depths, num_stages
        self.out_indices = self.parse_out_indices(out_indices, num_stages)
        self.frozen_stages = self.parse_frozen_stages(frozen_stages, num_stages)

        if inflate not in INFLATE_METHODS:
            raise ValueError(f'inflate must be one of {INFLATE_METHODS}, got {inflate!r}')
        self.inflate = inflate
        self.patch_embed = ConvDownsample(in_channels, dims[0], norm_cfg,
                                          kernel_size=patch_kernel_size or patch_size,
                                          stride=patch_size,
                                          temporal_kernel=patch_temporal_size)
        self.downsamples = ModuleList([
            ConvDownsample(dims[i - 1], dims[i], norm_cfg, kernel_size=2, stride=2)
            for i in range(1, num_stages)
        ])
        rates = self.drop_path_rates(drop_path_rate, sum(depths))
        stages, index = [], 0
        for i, depth in enumerate(depths):
            blocks = []
            for _ in range(depth):
                shift_in_time = index % temporal_shift_interval == 0
                blocks.append(
                    AffineShiftBlock(
                        dims[i], mlp_ratio, spatial_shift_ratio,
                        temporal_shift_ratio if shift_in_time else 0., affine,
                        affine_reduction, rates[index], norm_cfg, act_cfg,
                        affine_init_std))
                index += 1
            stages.append(Sequential(*blocks))
        self.stages = ModuleList(stages)
        for i in self.out_indices:
            self.add_module(f'norm{i}', build_norm_layer(norm_cfg, dims[i])[1])
        self._freeze_stages()

    def _check_depths(self, depths):
        depths = tuple(depths) if isinstance(depths, (list, tuple)) else (depths, )
        if not depths or any(not isinstance(d, int) or d < 1 for d in depths):
            raise ValueError(f'{type(self).__name__}: depths must list at least one int >= 1 '
                             f'per stage, got {depths!r}')
        return depths

    def _check_dims(self, dims, num_stages):
        dims = [dims * 2**i for i in range(num_stages)] if isinstance(dims, int) else list(dims)
        if len(dims) != num_stages or any(not isinstance(d, int) or d < 1 for d in dims):
            raise ValueError(f'{type(self).__name__}: embed_dims must be an int (doubled every '
                             f'stage) or {num_stages} ints, got {dims!r}')
        return dims

    def stem_modules(self):
        return [self.patch_embed]

    def stage_modules(self, index):
        i = index - 1
        return ([self.downsamples[i - 1]] if i > 0 else []) + [self.stages[i]] + \
            [getattr(self, f'norm{i}', None)]

    def forward(self, x):
        if x.dim() == 4:
            image, x = True, x.unsqueeze(2)
        elif x.dim() == 5:
            image = False
        else:
            raise ValueError('AffineShiftTransformer expects (N, C, H, W) images or '
                             f'(N, C, T, H, W) videos, got shape {tuple(x.shape)}')
        x = self.patch_embed(x.permute(0, 2, 3, 4, 1))  # (N, T, H, W, C)
        outs = []
        for i, stage in enumerate(self.stages):
            if i > 0:
                x = self.downsamples[i - 1](x)
            for block in stage:
                x = self.run_block(block, x)
            if i in self.out_indices:
                out = getattr(self, f'norm{i}')(x).permute(0, 4, 1, 2, 3)
                outs.append(out[:, :, 0] if image else out)
        return self.pack_outputs(outs, image)


@register_model
class VAST(AffineShiftTransformer):
    """Video Affine-Shift Transformer: AST whose blocks also shift channels in time.

    Same module as :class:`AffineShiftTransformer` (and the same parameters, so AST
    ImageNet checkpoints load unchanged) with a temporal shift in every block by default:
    1/8 of the channels read the next frame and 1/8 the previous one (1/4 each for
    Something-Something). Input ``(N, C, T, H, W)``; ``T`` is never downsampled.

    Args:
        arch (str | dict): See :class:`AffineShiftTransformer`. Defaults to ``'tiny'``.
        temporal_shift_ratio (float | tuple[float]): Defaults to 1/8.
        **kwargs: Other arguments of :class:`AffineShiftTransformer`.
    """

    def __init__(self, arch='tiny', temporal_shift_ratio=1 / 8, **kwargs):
        super().__init__(arch=arch, temporal_shift_ratio=temporal_shift_ratio, **kwargs)
