"""Token-mixing layers of MorphMLP: chunked spatial FCs, the temporal FC and their fusion.

Paper: *MorphMLP: An Efficient MLP-Like Backbone for Spatial-Temporal Representation
Learning*, D. J. Zhang et al., ECCV 2022 (https://arxiv.org/abs/2111.12527).

All layers work on channels-last features ``(B, T, H, W, C)``; images are ``T = 1``.
A chunk FC with chunk length ``L`` splits the channels into ``L`` groups of ``D = C / L``
and mixes the ``L`` tokens of a chunk with the ``D`` channels of a group through one
square ``Linear(C, C)`` whose input index is ``position * D + channel`` (the official
layout, so official weights load unchanged). It is applied to all chunks, groups and
frames at once as a batched matmul on a permuted view.
"""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmengine.model import BaseModule
from mmengine.model.weight_init import constant_init


def _check_groups(layer, embed_dims, groups, setting):
    if groups < 1 or embed_dims % groups:
        divisors = [d for d in range(1, embed_dims + 1) if embed_dims % d == 0]
        raise ValueError(f'{layer}: {setting}={groups} must divide the channels '
                         f'embed_dims={embed_dims}; allowed values: {divisors}')


def chunk_padding(rows, cols, chunk):
    """Zero padding (bottom, right) that makes row-major chunks of ``chunk`` tokens whole.

    Where ``rows * cols`` is a multiple of ``chunk`` nothing is padded, and chunks are cut
    from the row-major flattened grid exactly as in the official code (at 224² input they
    cover a quarter row, one row and two rows in stages 1-3). Otherwise the right side is
    padded so that a chunk either lies inside one row (``cols >= chunk``: ``cols`` becomes
    a multiple of ``chunk``) or covers ``k`` whole rows (``cols < chunk``: ``cols`` becomes
    the smallest divisor of ``chunk`` not below it, and the rows a multiple of ``k``).

    Returns:
        tuple[int, int]: rows and columns to append.
    """
    if (rows * cols) % chunk == 0:
        return 0, 0
    if cols >= chunk:
        return 0, -cols % chunk
    width = next(d for d in range(cols, chunk + 1) if chunk % d == 0)
    return -rows % (chunk // width), width - cols


def chunk_fc(x, linear, chunk):
    """Apply ``linear`` to the row-major chunks of ``chunk`` tokens of every frame.

    Args:
        x (Tensor): ``(B, T, H, W, C)``, any strides (a transposed view gives the
            column-major branch).
        linear (nn.Linear): ``Linear(C, C)`` in the official ``position * D + channel``
            layout.
        chunk (int): Chunk length, also the number of channel groups.

    Returns:
        Tensor: ``(B, T, H, W, C)``, possibly a non-contiguous view.
    """
    B, T, H, W, C = x.shape
    D = C // chunk
    pad_h, pad_w = chunk_padding(H, W, chunk)
    if pad_h or pad_w:
        x = F.pad(x, (0, 0, 0, pad_w, 0, pad_h))
    Hp, Wp = H + pad_h, W + pad_w
    if Wp % chunk == 0:  # chunks inside rows: (row, chunk in row, position)
        n = Wp // chunk
        v = x.reshape(B, T, Hp, n, chunk, chunk, D).permute(0, 1, 2, 3, 5, 4, 6)
        y = linear(v.reshape(B, T, Hp, n, chunk, C))
        y = y.view(B, T, Hp, n, chunk, chunk, D).permute(0, 1, 2, 3, 5, 4, 6)
    elif chunk % Wp == 0:  # chunks of k whole rows: (row block, position = (row, col))
        k = chunk // Wp
        v = x.reshape(B, T, Hp // k, k, Wp, chunk, D).permute(0, 1, 2, 5, 3, 4, 6)
        y = linear(v.reshape(B, T, Hp // k, chunk, C))
        y = y.view(B, T, Hp // k, chunk, k, Wp, D).permute(0, 1, 2, 4, 5, 3, 6)
    else:  # official layout where chunks straddle rows: cut the flattened sequence
        n = Hp * Wp // chunk
        v = x.reshape(B, T, n, chunk, chunk, D).permute(0, 1, 2, 4, 3, 5)
        y = linear(v.reshape(B, T, n, chunk, C))
        y = y.view(B, T, n, chunk, chunk, D).permute(0, 1, 2, 4, 3, 5)
    y = y.reshape(B, T, Hp, Wp, C)
    return y[:, :, :H, :W] if pad_h or pad_w else y


def strided_chunk_fc(x, linear, chunk):
    """Apply ``linear`` to strided chunks (stage 4 of MorphMLP).

    With the grid flattened row-major and ``J = ceil(H * W / chunk)``, token ``p = i * J + j``
    is position ``i`` of chunk ``j``: every chunk samples the whole map with stride ``J``
    (at 224² input there is a single chunk holding all 7×7 tokens). Where ``H * W`` is
    not a multiple of ``chunk`` the flattened sequence is zero-padded at its end (the
    bottom-right of the map) and the result cropped back.
    """
    B, T, H, W, C = x.shape
    D = C // chunk
    seq = H * W
    J = math.ceil(seq / chunk)
    x = x.reshape(B, T, seq, C)
    if J * chunk != seq:
        x = F.pad(x, (0, 0, 0, J * chunk - seq))
    v = x.view(B, T, chunk, J, chunk, D).permute(0, 1, 3, 4, 2, 5)  # (B, T, j, g, i, d)
    y = linear(v.reshape(B, T, J, chunk, C))
    y = y.view(B, T, J, chunk, chunk, D).permute(0, 1, 4, 2, 3, 5).reshape(B, T, J * chunk, C)
    return y[:, :, :seq].view(B, T, H, W, C)


class SplitAttention(nn.Module):
    """Re-weighting of ``k`` branches by a softmax over branches (as in ViP).

    The branches are summed and averaged over all tokens of a sample (all frames of a
    clip together); ``fc1 → GELU → fc2`` gives ``k * C`` logits read as ``(C, k)``
    (interleaved: row ``k * c + i`` belongs to branch ``i`` of channel ``c``).

    Args:
        embed_dims (int): Channels ``C``.
        num_branches (int): ``k``.
    """

    def __init__(self, embed_dims, num_branches):
        super().__init__()
        self.num_branches = num_branches
        self.fc1 = nn.Linear(embed_dims, embed_dims // 4)
        self.act = nn.GELU()
        self.fc2 = nn.Linear(embed_dims // 4, embed_dims * num_branches)

    def forward(self, branches):
        B, C = branches[0].shape[0], branches[0].shape[-1]
        # the mean of the sum as the sum of sums over each branch's own (possibly permuted)
        # view: no full-size temporary; sum, unlike mean, reduces bf16 without an fp32 copy
        token_dims = tuple(range(1, branches[0].dim() - 1))
        tokens = branches[0][0, ..., 0].numel()
        pooled = sum(b.sum(token_dims) for b in branches) / tokens
        weights = self.fc2(self.act(self.fc1(pooled))).view(B, C, self.num_branches)
        weights = weights.softmax(-1).permute(2, 0, 1).reshape(self.num_branches, B, 1, 1, 1, C)
        # accumulate in place, starting from the last branch (the contiguous channel FC)
        out = branches[-1] * weights[-1]
        for b, w in zip(branches[:-1], weights[:-1]):
            out.addcmul_(b, w)
        return out


class MorphFCSpatial(BaseModule):
    """MorphFC_s of stages 1-3: row chunks, column chunks and channels, fused.

    ``mlp_w`` mixes chunks of the row-major flattened grid, ``mlp_h`` chunks of the
    column-major one, ``mlp_c`` is a per-token FC; :class:`SplitAttention` fuses the
    three and ``proj`` projects the result.

    Args:
        embed_dims (int): Channels ``C``.
        chunk_length (int): Chunk length ``L`` (= number of channel groups); must divide
            ``C``.
        mixing_bias (bool): Biases of the three branch FCs. Defaults to True.

    Shapes:
        ``(B, T, H, W, C)`` → ``(B, T, H, W, C)``, any ``H`` and ``W`` (see
        :func:`chunk_padding`).
    """

    def __init__(self, embed_dims, chunk_length, mixing_bias=True, init_cfg=None):
        super().__init__(init_cfg=init_cfg)
        _check_groups('MorphFCSpatial', embed_dims, chunk_length, 'chunk_length')
        self.chunk_length = chunk_length
        self.mlp_h = nn.Linear(embed_dims, embed_dims, bias=mixing_bias)
        self.mlp_w = nn.Linear(embed_dims, embed_dims, bias=mixing_bias)
        self.mlp_c = nn.Linear(embed_dims, embed_dims, bias=mixing_bias)
        self.reweight = SplitAttention(embed_dims, 3)
        self.proj = nn.Linear(embed_dims, embed_dims)

    def forward(self, x):
        h = chunk_fc(x.transpose(2, 3), self.mlp_h, self.chunk_length).transpose(2, 3)
        w = chunk_fc(x, self.mlp_w, self.chunk_length)
        c = self.mlp_c(x)
        return self.proj(self.reweight([h, w, c]))


class MorphFCSpatialStrided(BaseModule):
    """MorphFC_s of stage 4: strided chunks over the whole map and channels, fused.

    Args:
        embed_dims (int): Channels ``C``.
        chunk_length (int): Chunk length ``L`` (= number of channel groups); must divide
            ``C``.
        mixing_bias (bool): Biases of the two branch FCs. Defaults to True.

    Shapes:
        ``(B, T, H, W, C)`` → ``(B, T, H, W, C)``, any ``H`` and ``W``.
    """

    def __init__(self, embed_dims, chunk_length, mixing_bias=True, init_cfg=None):
        super().__init__(init_cfg=init_cfg)
        _check_groups('MorphFCSpatialStrided', embed_dims, chunk_length, 'chunk_length')
        self.chunk_length = chunk_length
        self.mlp_c = nn.Linear(embed_dims, embed_dims, bias=mixing_bias)
        self.mlp_h = nn.Linear(embed_dims, embed_dims, bias=mixing_bias)
        self.reweight = SplitAttention(embed_dims, 2)
        self.proj = nn.Linear(embed_dims, embed_dims)

    def forward(self, x):
        h = strided_chunk_fc(x, self.mlp_h, self.chunk_length)
        c = self.mlp_c(x)
        return self.proj(self.reweight([h, c]))


class MorphFCTemporal(BaseModule):
    """MorphFC_t: one FC over all frames of each channel group.

    Channels are split into ``groups`` contiguous groups of ``S = C / groups``; for every
    position and group, the ``T * S`` values (index ``t * S + s``) are mixed by
    ``mlp_t``, then ``proj`` is applied. Both initialisations below make the layer output
    exactly 0, so a video network starts as the image network it was inflated from.

    * ``'zero_proj'``: ``mlp_t`` keeps the backbone's Linear initialisation and ``proj``
      starts at 0; ``proj`` learns from the first step, ``mlp_t`` as soon as ``proj``
      moves.
    * ``'official'`` (the released code): ``mlp_t`` at 0 and ``proj.weight`` all ones.
      The layer then adds the same value to every channel of a token, which the block's
      next LayerNorm (``norm1``, the layer's only consumer) removes: no gradient reaches
      ``mlp_t`` or ``proj.weight`` (only rounding noise, ~1e-11 against ~1e-4 for the
      spatial FCs).

    Args:
        embed_dims (int): Channels ``C``.
        temporal_tokens (int): Temporal tokens ``T``, fixed at build time.
        groups (int): Channel groups; must divide ``C``.
        mixing_bias (bool): Bias of ``mlp_t``. Defaults to True.
        init_mode (str): ``'zero_proj'`` or ``'official'``. Defaults to ``'zero_proj'``.

    Shapes:
        ``(B, T, H, W, C)`` → ``(B, T, H, W, C)``.
    """
    init_modes = ('zero_proj', 'official')

    def __init__(self, embed_dims, temporal_tokens, groups, mixing_bias=True,
                 init_mode='zero_proj', init_cfg=None):
        super().__init__(init_cfg=init_cfg)
        _check_groups('MorphFCTemporal', embed_dims, groups, 'temporal_groups')
        if init_mode not in self.init_modes:
            raise ValueError(f'MorphFCTemporal: init_mode must be one of {self.init_modes}, '
                             f'got {init_mode!r}')
        self.temporal_tokens = temporal_tokens
        self.groups = groups
        self.init_mode = init_mode
        dims = temporal_tokens * embed_dims // groups
        self.mlp_t = nn.Linear(dims, dims, bias=mixing_bias)
        self.proj = nn.Linear(embed_dims, embed_dims)

    def init_weights(self):
        if self.init_mode == 'official':
            constant_init(self.mlp_t, 0., bias=0.)
            constant_init(self.proj, 1., bias=0.)
        else:
            constant_init(self.proj, 0., bias=0.)

    def forward(self, x):
        B, T, H, W, C = x.shape
        if T != self.temporal_tokens:
            raise ValueError(f'MorphFCTemporal was built for {self.temporal_tokens} temporal '
                             f'tokens and got {T}: mlp_t mixes a fixed number of frames; build '
                             'the backbone with the matching num_frames')
        G = self.groups
        t = x.reshape(B, T, H, W, G, C // G).permute(0, 2, 3, 4, 1, 5)
        t = self.mlp_t(t.reshape(B, H, W, G, T * C // G))
        t = t.view(B, H, W, G, T, C // G).permute(0, 4, 1, 2, 3, 5).reshape(B, T, H, W, C)
        return self.proj(t)
