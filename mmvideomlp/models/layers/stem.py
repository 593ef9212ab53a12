"""Convolutional stem and downsampling shared by the channels-last video MLPs.

MorphMLP (Zhang et al., ECCV 2022) and PosMLP-Video (Hao et al., IJCV 2024) use the
same two-convolution stem and the same conv + LayerNorm downsampling; they differ only
in the temporal kernel and stride of the first stem convolution.
"""
import torch.nn as nn
import torch.nn.functional as F
from mmcv.cnn import build_activation_layer, build_norm_layer
from mmengine.model import BaseModule


class ConvStem(BaseModule):
    """Two 3-D convolutions with BatchNorm, each halving height and width.

    ``proj1`` (kernel ``(kt, 3, 3)``, stride ``(st, 2, 2)``) → ``norm1`` → GELU →
    ``proj2`` (kernel ``(1, 3, 3)``, stride ``(1, 2, 2)``) → ``norm2``; with
    ``pointwise=True`` (the image PosMLP stem) then GELU → ``proj3`` (1×1×1) → ``norm3``.

    Args:
        in_channels (int): Input channels. Defaults to 3.
        embed_dims (int): Output channels; the first convolution has half of them.
        temporal_kernel (int): Temporal kernel of ``proj1`` (3 for MorphMLP, 1 for
            PosMLP and for images). Defaults to 1.
        temporal_stride (int): Temporal stride of ``proj1``. Defaults to 1.
        norm_cfg (dict): Norm layer of both convolutions. Defaults to ``BN3d``.
        act_cfg (dict): Activation between the convolutions. Defaults to GELU.
        pointwise (bool): Add the third, 1×1×1 convolution. Defaults to False.

    Shapes:
        input ``(N, C_in, T, H, W)`` → output ``(N, T', H/4, W/4, embed_dims)``
        (channels-last), ``T' = ceil(T / temporal_stride)``.
    """

    def __init__(self,
                 in_channels=3,
                 embed_dims=64,
                 temporal_kernel=1,
                 temporal_stride=1,
                 norm_cfg=dict(type='BN3d'),
                 act_cfg=dict(type='GELU'),
                 pointwise=False,
                 init_cfg=None):
        super().__init__(init_cfg=init_cfg)
        if embed_dims % 2:
            raise ValueError(f'ConvStem: embed_dims must be even, got {embed_dims}')
        mid = embed_dims // 2
        self.proj1 = nn.Conv3d(in_channels, mid, (temporal_kernel, 3, 3),
                               (temporal_stride, 2, 2), (temporal_kernel // 2, 1, 1))
        self.norm1 = build_norm_layer(norm_cfg, mid)[1]
        self.act = build_activation_layer(act_cfg)
        self.proj2 = nn.Conv3d(mid, embed_dims, (1, 3, 3), (1, 2, 2), (0, 1, 1))
        self.norm2 = build_norm_layer(norm_cfg, embed_dims)[1]
        self.pointwise = pointwise
        if pointwise:
            self.proj3 = nn.Conv3d(embed_dims, embed_dims, 1)
            self.norm3 = build_norm_layer(norm_cfg, embed_dims)[1]

    def forward(self, x):
        x = self.act(self.norm1(self.proj1(x)))
        x = self.norm2(self.proj2(x))
        if self.pointwise:
            x = self.norm3(self.proj3(self.act(x)))
        return x.permute(0, 2, 3, 4, 1)


class ConvDownsample(BaseModule):
    """Spatial strided convolution followed by LayerNorm, channels-last in and out.

    By default a 3×3 stride-2 convolution (MorphMLP, PosMLP-Video). With
    ``kernel_size == stride`` it is a non-overlapping patch merging (2×2 stride 2, the
    Swin/ShiftViT downsampling) or a patch embedding (4×4 stride 4); inputs whose height or
    width is not a multiple of the stride are zero-padded on the bottom/right.

    Args:
        in_channels (int): Input channels.
        out_channels (int): Output channels.
        norm_cfg (dict): Norm applied after the convolution. Defaults to LN (eps 1e-5).
        kernel_size (int): Spatial kernel size. Defaults to 3.
        stride (int): Spatial stride. Defaults to 2.
        groups (int): Convolution groups (``in_channels`` for the image PosMLP's
            depthwise-grouped downsampling). Defaults to 1.
        temporal_kernel (int): Odd temporal kernel size, stride 1 and zero padding ``kt // 2``,
            so the number of frames is kept. Defaults to 1 (frame by frame).

    Shapes:
        ``(N, T, H, W, C_in)`` → ``(N, T, ceil(H/stride), ceil(W/stride), C_out)``.
    """

    def __init__(self, in_channels, out_channels, norm_cfg=dict(type='LN', eps=1e-5),
                 kernel_size=3, stride=2, groups=1, temporal_kernel=1, init_cfg=None):
        super().__init__(init_cfg=init_cfg)
        if isinstance(temporal_kernel, bool) or not isinstance(temporal_kernel, int) or \
                temporal_kernel < 1 or temporal_kernel % 2 == 0:
            raise ValueError('ConvDownsample: temporal_kernel must be an odd int >= 1 (it keeps '
                             f'the number of frames), got {temporal_kernel!r}')
        if not 1 <= stride <= kernel_size:
            raise ValueError(f'ConvDownsample: stride must be in [1, kernel_size={kernel_size}],'
                             f' got {stride}')
        self.kernel_size, self.stride = kernel_size, stride
        self.padding = (kernel_size - stride + 1) // 2
        self.proj = nn.Conv3d(in_channels, out_channels,
                              (temporal_kernel, kernel_size, kernel_size), (1, stride, stride),
                              (temporal_kernel // 2, self.padding, self.padding), groups=groups)
        self.norm = build_norm_layer(norm_cfg, out_channels)[1]

    def _extra_padding(self, size):
        # bottom/right zeros so that the output has ceil(size / stride) positions (the
        # ceiling without negative floor division, which ONNX export would truncate)
        needed = ((size + self.stride - 1) // self.stride - 1) * self.stride + self.kernel_size
        return max(needed - size - 2 * self.padding, 0)

    def forward(self, x):
        x = x.permute(0, 4, 1, 2, 3)
        pad_h, pad_w = self._extra_padding(x.shape[3]), self._extra_padding(x.shape[4])
        if pad_h or pad_w:
            x = F.pad(x, (0, pad_w, 0, pad_h))
        x = self.proj(x)
        return self.norm(x.permute(0, 2, 3, 4, 1))
