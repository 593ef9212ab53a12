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
import logging

from mmcv.cnn import build_norm_layer
from mmengine.logging import print_log
from mmengine.model import BaseModule, ModuleList, Sequential

from ...registry import register_model
from ..layers.freezing import FrozenStagesMixin
from ..layers.affine_shift import AFFINE_MODES, AffineShiftBlock
from ..layers.stem import ConvDownsample


@register_model
class AffineShiftTransformer(FrozenStagesMixin, BaseModule):
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
        spatial_shift_ratio (float | tuple[float]): Fraction of the channels shifted in
            each spatial direction, or ``(w+, w-, h+, h-)``. Defaults to 1/12.
        temporal_shift_ratio (float | tuple[float]): Fraction shifted to the next and to
            the previous frame, or ``(t+, t-)``; ignored for images. Defaults to 0.
        temporal_shift_interval (int): Shift in time in every n-th block only (counted
            over the whole network, the first block included). Defaults to 1 (every block).
        affine (str): Affine generator: ``'token'`` (option A), ``'pooled'`` (B), ``'qk'``
            (C), ``'static'`` or ``'none'``. Defaults to ``'token'``.
        affine_reduction (int): Reduction of the ``'pooled'`` generator. Defaults to 4.
        drop_path_rate (float): Stochastic depth, rising linearly to this value over the
            blocks. Defaults to 0.
        norm_cfg (dict): Norm layers. Defaults to LN with eps 1e-5.
        act_cfg (dict): MLP activation. Defaults to GELU.
        out_indices (Sequence[int]): Stages whose (normalised) output is returned.
            Defaults to ``(-1,)``.
        frozen_stages (int): Stages to freeze (the patch embedding with the first one);
            -1 freezes nothing. Defaults to -1.
        norm_eval (bool): Keep BatchNorm layers (if ``norm_cfg`` uses them) in eval mode.
            Defaults to False.
        with_cp (bool): Gradient checkpointing of every block. Defaults to False.
        init_cfg (dict | list[dict]): Initialisation. Defaults to truncated normal
            (std 0.02) for linear and convolution weights, ones/zeros for LayerNorm; the
            affine generators keep their zero initialisation.

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
    essential_keys = {'embed_dims', 'depths', 'mlp_ratio'}

    def __init__(self,
                 arch='tiny',
                 in_channels=3,
                 patch_size=4,
                 spatial_shift_ratio=1 / 12,
                 temporal_shift_ratio=0.,
                 temporal_shift_interval=1,
                 affine='token',
                 affine_reduction=4,
                 drop_path_rate=0.,
                 norm_cfg=dict(type='LN', eps=1e-5),
                 act_cfg=dict(type='GELU'),
                 out_indices=(-1, ),
                 frozen_stages=-1,
                 norm_eval=False,
                 with_cp=False,
                 init_cfg=[
                     dict(type='TruncNormal', layer=['Linear', 'Conv3d'], std=.02, bias=0.),
                     dict(type='Constant', layer=['LayerNorm'], val=1., bias=0.)
                 ]):
        super().__init__(init_cfg=init_cfg)
        arch = self._parse_arch(arch)
        depths = tuple(arch['depths'])
        num_stages = len(depths)
        dims = arch['embed_dims']
        dims = [dims * 2**i for i in range(num_stages)] if isinstance(dims, int) else list(dims)
        if len(dims) != num_stages:
            raise ValueError(f'arch: {len(dims)} embed_dims for {num_stages} stages')
        if affine not in AFFINE_MODES:
            raise ValueError(f'affine={affine!r} is not supported; choose one of {AFFINE_MODES}')
        if temporal_shift_interval < 1:
            raise ValueError(f'temporal_shift_interval must be >= 1, got {temporal_shift_interval}')
        self.embed_dims, self.depths, self.num_stages = dims, depths, num_stages
        self.out_indices = self._parse_out_indices(out_indices, num_stages)
        self.frozen_stages, self.norm_eval = frozen_stages, norm_eval

        self.patch_embed = ConvDownsample(in_channels, dims[0], norm_cfg,
                                          kernel_size=patch_size, stride=patch_size)
        self.downsamples = ModuleList([
            ConvDownsample(dims[i - 1], dims[i], norm_cfg, kernel_size=2, stride=2)
            for i in range(1, num_stages)
        ])
        rates = [drop_path_rate * i / max(sum(depths) - 1, 1) for i in range(sum(depths))]
        stages, index = [], 0
        for i, depth in enumerate(depths):
            blocks = []
            for _ in range(depth):
                shift_in_time = index % temporal_shift_interval == 0
                blocks.append(
                    AffineShiftBlock(
                        dims[i], arch['mlp_ratio'], spatial_shift_ratio,
                        temporal_shift_ratio if shift_in_time else 0., affine,
                        affine_reduction, rates[index], norm_cfg, act_cfg, with_cp))
                index += 1
            stages.append(Sequential(*blocks))
        self.stages = ModuleList(stages)
        for i in self.out_indices:
            self.add_module(f'norm{i}', build_norm_layer(norm_cfg, dims[i])[1])

        self._freeze_stages()
        self.load_report = None
        self._register_load_state_dict_pre_hook(self._check_checkpoint, with_module=False)

    def _parse_arch(self, arch):
        if isinstance(arch, str):
            if arch.lower() not in self.arch_zoo:
                raise ValueError(f'arch={arch!r} is not one of {sorted(set(self.arch_zoo))}')
            return self.arch_zoo[arch.lower()]
        if not isinstance(arch, dict) or not self.essential_keys <= set(arch):
            raise ValueError(f'a custom arch must be a dict with keys {sorted(self.essential_keys)}'
                             f', got {arch!r}')
        return arch

    @staticmethod
    def _parse_out_indices(out_indices, num_stages):
        if isinstance(out_indices, int):
            out_indices = (out_indices, )
        parsed = []
        for i in out_indices:
            if not -num_stages <= i < num_stages:
                raise ValueError(f'out_indices: {i} is out of range for {num_stages} stages')
            parsed.append(i % num_stages)
        return tuple(sorted(set(parsed)))

    def frozen_modules(self):
        if self.frozen_stages < 0:
            return []
        frozen = [self.patch_embed] + [
            m for i in range(min(self.frozen_stages + 1, self.num_stages))
            for m in ([self.downsamples[i - 1]] if i > 0 else []) + [self.stages[i]]
        ]
        return frozen + [getattr(self, f'norm{i}') for i in self.out_indices
                         if i <= self.frozen_stages]

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
            x = stage(x)
            if i in self.out_indices:
                out = getattr(self, f'norm{i}')(x).permute(0, 4, 1, 2, 3)
                outs.append(out[:, :, 0] if image else out)
        if image or len(outs) > 1:
            return tuple(outs)
        return outs[0]

    def _check_checkpoint(self, state_dict, prefix, local_metadata, strict, missing_keys,
                          unexpected_keys, error_msgs):
        """Report what a checkpoint provides to this backbone before it is loaded.

        Image (AST) and video (VAST) models have identical parameters, so an AST
        checkpoint loads into VAST unchanged; 2-D convolution kernels (``(O, I, k, k)``)
        are accepted and given a temporal axis of 1.
        """
        own = {prefix + k: v.shape for k, v in self.state_dict().items()}
        given = [k for k in state_dict if k.startswith(prefix)]
        if not given:
            return
        inflated = []
        for key in given:
            if key in own and state_dict[key].dim() == 4 and len(own[key]) == 5:
                state_dict[key] = state_dict[key].unsqueeze(2)
                inflated.append(key[len(prefix):])
        mismatched = [f'{k[len(prefix):]} {tuple(state_dict[k].shape)} vs {tuple(own[k])}'
                      for k in given if k in own and state_dict[k].shape != own[k]]
        loaded = [k for k in given if k in own and state_dict[k].shape == own[k]]
        missing = [k[len(prefix):] for k in own if k not in state_dict]
        unexpected = [k[len(prefix):] for k in given if k not in own]
        self.load_report = dict(loaded=len(loaded), total=len(own), missing=missing,
                                unexpected=unexpected, mismatched=mismatched, inflated=inflated)
        lines = [f'{type(self).__name__} ({prefix.rstrip(".") or "model"}): loaded '
                 f'{len(loaded)} of {len(own)} tensors from the checkpoint']
        for name, items in (('missing', missing), ('unexpected', unexpected),
                            ('shape mismatch, not loaded', mismatched),
                            ('2-D kernels given a temporal axis', inflated)):
            if items:
                lines.append(f'  {name} ({len(items)}): {", ".join(items)}')
        print_log('\n'.join(lines), logger='current',
                  level=logging.WARNING if missing or unexpected or mismatched else logging.INFO)


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
