"""The ILA module: implicit learnable alignment of adjacent frame pairs.

`Implicit Temporal Modeling with Learnable Alignment for Video Recognition
<https://arxiv.org/abs/2304.10465>`_ (ICCV 2023). Follows the released code, which the
checkpoints come from: the aligned features are sum-pooled into tokens that only feed a
cosine loss; temporal information reaches each CLIP block through the merged masked map
``G`` and the interactive features ``I`` (added by zero-initialised projections in
:class:`~mmvideomlp.models.layers.ila_block.ILABlock`).
"""
import torch
import torch.nn as nn
import torch.nn.functional as F
from mmcv.cnn import build_norm_layer

# The training jitter of every interactive point, in (x, y) order, times the jitter scale.
JITTER_OFFSETS = ((0, 0), (0, 1), (1, 0), (0, -1), (-1, 0), (1, 1), (-1, -1), (1, -1), (-1, 1))


def flat_top_mask(points, size, plateau=0.25, slope=1.5):
    """Separable plateau-and-ramp mask around each point (not a Gaussian).

    With grid coordinates ``e_i = 2 i / (n - 1) - 1`` (align-corners, -1 and 1 are the
    centres of the first and last patch) and ``f(d) = 1`` for ``|d| <= plateau``, else
    ``max(0, 1 - slope (|d| - plateau))``, the mask is ``M[j, i] = f(e_j - y) f(e_i - x)``.

    Args:
        points (Tensor): ``(..., 2)`` points ``(x, y)`` in [-1, 1].
        size (tuple[int, int]): Grid ``(h, w)``.

    Returns:
        Tensor: ``(..., h, w)``.
    """
    h, w = size

    def profile(coord, n):
        grid = torch.arange(n, device=points.device).to(points.dtype) / (n - 1) * 2 - 1
        dist = (grid - coord.unsqueeze(-1)).abs()
        return (1 - F.relu(dist - plateau) * slope).clamp(min=0)

    return profile(points[..., 1], h).unsqueeze(-1) * profile(points[..., 0], w).unsqueeze(-2)


def merge_pairs(pre, cur, dim):
    """Per-frame merge of pair results (every middle frame belongs to two pairs).

    Frame 0 takes ``pre[0]``, frame t (0 < t < T-1) ``(pre[t] + cur[t-1]) / 2`` and
    frame T-1 ``cur[T-2]``; ``pre`` and ``cur`` have ``T - 1`` entries along ``dim``.
    """
    pairs = pre.shape[dim]
    middle = (pre.narrow(dim, 1, pairs - 1) + cur.narrow(dim, 0, pairs - 1)) / 2
    return torch.cat([pre.narrow(dim, 0, 1), middle, cur.narrow(dim, pairs - 1, 1)], dim=dim)


def alignment_loss(tokens_pre, tokens_cur):
    """Mean of ``1 - cos`` between the pooled aligned tokens of each pair.

    Args:
        tokens_pre, tokens_cur (Tensor): ``(..., C)``.
    """
    a = F.normalize(tokens_pre.reshape(-1, tokens_pre.shape[-1]), dim=-1)
    b = F.normalize(tokens_cur.reshape(-1, tokens_cur.shape[-1]), dim=-1)
    return F.cosine_embedding_loss(a, b, a.new_ones(a.shape[0]))


def _norm(norm_cfg, channels):
    return build_norm_layer(norm_cfg, channels)[1]


class DepthSeparableConv(nn.Module):
    """Depth-wise 3x3 conv, norm, ReLU, then point-wise conv, norm, ReLU (K400 variant)."""

    def __init__(self, in_channels, out_channels, norm_cfg=dict(type='BN')):
        super().__init__()
        self.depthwise_conv = nn.Sequential(
            nn.Conv2d(in_channels, in_channels, 3, padding=1, groups=in_channels),
            _norm(norm_cfg, in_channels), nn.ReLU())
        self.pointwise_conv = nn.Sequential(
            nn.Conv2d(in_channels, out_channels, 1), _norm(norm_cfg, out_channels), nn.ReLU())

    def forward(self, x):
        return self.pointwise_conv(self.depthwise_conv(x))


class ILAAlignment(nn.Module):
    """Interactive points, alignment masks, merged maps and the alignment loss.

    Works on the message-space tokens of one block (``message_ln(message_fc(x))``).

    Args:
        dim (int): Token width D.
        interactive (str): ``'dsc'`` (Kinetics-400 release: depth-wise separable conv, then
            3x3 conv) or ``'conv'`` (Something-Something V2 release: two 3x3 convs).
            Defaults to ``'dsc'``.
        channels (int): Width C of the interactive features (the halves feed the
            temporal conv; the prediction head uses C/2 and C/4). Defaults to 256.
        norm_cfg (dict): Norm after each convolution. Defaults to BN (the released code).

    Shapes:
        tokens ``(L, N*T, D)`` with L = 1 + h*w (CLS first, patches row-major) →
        ``G (L, N*T, D)``, ``I (L, N*T, D)``, loss ``()`` and points ``(N, T-1, 4)``
        (``x, y`` in the earlier frame, then in the later one).
    """

    def __init__(self, dim, interactive='dsc', channels=256, norm_cfg=dict(type='BN')):
        super().__init__()
        if not isinstance(channels, int) or channels <= 0 or channels % 4:
            raise ValueError(f'ILA interactive_channels must be a positive multiple of 4, got '
                             f'{channels!r}')
        half = channels // 2
        if interactive == 'dsc':
            self.interactive_block = nn.Sequential(
                DepthSeparableConv(2 * dim, channels, norm_cfg),
                nn.Conv2d(channels, channels, 3, padding=1), _norm(norm_cfg, channels), nn.ReLU())
        elif interactive == 'conv':
            self.interactive_block = nn.Sequential(
                nn.Conv2d(2 * dim, channels, 3, padding=1), _norm(norm_cfg, channels), nn.ReLU(),
                nn.Conv2d(channels, channels, 3, padding=1), _norm(norm_cfg, channels), nn.ReLU())
        else:
            raise ValueError(f"ILA interactive must be 'dsc' or 'conv', got {interactive!r}")
        # Indices follow the official nn.Sequential so that its checkpoints load as they are.
        self.prediction_block = nn.Sequential(
            nn.Conv2d(channels, half, 3, padding=1), _norm(norm_cfg, half), nn.MaxPool2d(2),
            nn.ReLU(), nn.Conv2d(half, half, 3, padding=1), _norm(norm_cfg, half),
            nn.MaxPool2d(2), nn.ReLU(), nn.AdaptiveMaxPool2d(1), nn.Flatten(1),
            nn.Conv1d(half, half // 2, 1, groups=2), nn.ReLU(),
            nn.Conv1d(half // 2, 4, 1, groups=2), nn.Tanh())
        self.conv = nn.Conv3d(half, half, (3, 1, 1), padding=(1, 0, 0))
        self.fc = nn.Linear(half, dim)
        self.register_buffer('jitter_offsets', torch.tensor(JITTER_OFFSETS, dtype=torch.float),
                             persistent=False)

    def init_weights(self):
        """Zero last point layer: every point starts at the grid centre."""
        nn.init.zeros_(self.prediction_block[12].weight)
        nn.init.zeros_(self.prediction_block[12].bias)

    def forward(self, tokens, clip_len, grid, jitter_scale=None):
        """``clip_len``: frames T per clip; ``grid``: patch grid ``(h, w)``."""
        L, NT, D = tokens.shape
        T, (h, w) = clip_len, grid
        N, P = NT // T, T - 1
        tokens = tokens.view(L, N, T, D)
        cls, patches = tokens[:1], tokens[1:]  # (1, N, T, D), (hw, N, T, D)

        # Adjacent pairs (t, t+1) as images with 2D channels, earlier frame first.
        maps = patches.view(h, w, N, T, D).permute(2, 3, 4, 0, 1)  # (N, T, D, h, w)
        pairs = torch.cat([maps[:, :-1], maps[:, 1:]], dim=2).flatten(0, 1)
        feats = self.interactive_block(pairs)  # (N*P, C, h, w)
        pooled = self.prediction_block[:10](feats).view(N, P, -1).transpose(1, 2)  # (N, C/2, P)
        points = self.prediction_block[10:](pooled).transpose(1, 2) * 0.75  # (N, P, 4)

        # Interactive path I: halves merged per frame, temporal conv, projection to D.
        feats = feats.view(N, P, -1, h, w).transpose(1, 2)  # (N, C, P, h, w)
        half = feats.shape[1] // 2
        inter = self.conv(merge_pairs(feats[:, :half], feats[:, half:], dim=2))  # (N, C/2, T, h, w)
        inter = self.fc(inter.permute(3, 4, 0, 2, 1).reshape(h * w, N, T, half))
        inter = torch.cat([cls, inter]).view(L, NT, D)

        # Alignment masks (averaged over the jittered points while training).
        centres = points.view(N, P, 2, 1, 2)
        if jitter_scale is not None:
            centres = centres + self.jitter_offsets.to(points.dtype) * jitter_scale
        masks = flat_top_mask(centres, (h, w)).mean(3)  # (N, P, 2, h, w)
        masks = masks.flatten(3).permute(3, 0, 1, 2).unsqueeze(-1)  # (hw, N, P, 2, 1)
        aligned_pre = patches[:, :, :-1] * masks[:, :, :, 0]  # (hw, N, P, D)
        aligned_cur = patches[:, :, 1:] * masks[:, :, :, 1]
        loss = alignment_loss(aligned_pre.sum(0), aligned_cur.sum(0))

        # Merged aligned map G; its CLS slot is each frame's own message CLS token.
        aligned = torch.cat([cls, merge_pairs(aligned_pre, aligned_cur, dim=2)]).view(L, NT, D)
        return aligned, inter, loss, points
