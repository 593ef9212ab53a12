"""Positional gating units and the blocks of PosMLP-Video and the image PosMLP.

A gating unit splits its input channels into halves ``u`` (first) and ``v`` (second),
mixes the tokens of ``u`` with a positional mixing operator and gates: ``mix(u) * v``.
A branch wraps it as ``fc2(unit(GELU(fc1(LN(x)))))``. The units differ only in the
window they mix over:

* :class:`PoTGU`: all ``T`` frames of a spatial location (LRPE, window ``(T, 1, 1)``);
* :class:`PoSGU`: non-overlapping ``w x w`` windows of each frame (LRPE, or GQPE for the
  image PosMLP);
* :class:`PoSTGU`: non-overlapping ``t x w x w`` spatio-temporal windows (LRPE over a 3-D
  offset table).
"""
import torch
import torch.nn as nn
from mmcv.cnn import build_activation_layer, build_norm_layer
from mmcv.cnn.bricks import DropPath
from mmengine.model import BaseModule

from .posmlp_mixing import QuadraticPositionMixing, RelativePositionMixing


class _Halves(torch.autograd.Function):
    """``x.chunk(2, dim=-1)`` whose backward writes the two gradients into one buffer.

    The gradient of the mixed half arrives in the mixing's window order (a permuted view);
    autograd's ``cat`` of it is several times slower than copying it into place.
    """

    @staticmethod
    def forward(ctx, x):
        ctx.shape = x.shape
        half = x.shape[-1] // 2
        return x[..., :half], x[..., half:]

    @staticmethod
    def backward(ctx, grad_u, grad_v):
        grad = (grad_u if grad_u is not None else grad_v).new_empty(ctx.shape)
        half = ctx.shape[-1] // 2
        for part, g in ((grad[..., :half], grad_u), (grad[..., half:], grad_v)):
            if g is None:
                part.zero_()
            else:
                part.copy_(g)
        return grad


class PosGatingUnit(BaseModule):
    """``mix(u) * v`` with ``u, v`` the first and second half of the channels.

    Args:
        mixing (PositionalMixing): Token mixing applied to ``u``.

    Shapes:
        ``(N, T, H, W, 2C)`` → ``(N, T, H, W, C)``.
    """

    def __init__(self, mixing, init_cfg=None):
        super().__init__(init_cfg=init_cfg)
        self.pos = mixing

    def forward(self, x):
        if torch.is_grad_enabled() and x.requires_grad:
            u, v = _Halves.apply(x)
        else:
            u, v = x.chunk(2, dim=-1)
        return self.pos(u) * v


class PoTGU(PosGatingUnit):
    """Temporal positional gating unit: LRPE over all frames of each location.

    The window is the whole clip, so the table (``2 * max_frames - 1`` offsets) serves
    clips of at most ``max_frames`` frames (shorter ones use its central part); a longer
    clip raises.

    Args:
        max_frames (int): Frames the table serves (official ``WIN_SIZE_T``; the
            backbone's ``num_frames``).
        groups (int): Channel groups.
        table_init_std (float): See :class:`RelativePositionMixing`. Defaults to 0.
    """

    def __init__(self, max_frames, groups, table_init_std=0.):
        super().__init__(RelativePositionMixing((max_frames, 1, 1), groups, whole_axes=(0, ),
                                                table_init_std=table_init_std, name='PoTGU'))


class PoSGU(PosGatingUnit):
    """Spatial positional gating unit: mixing inside non-overlapping ``w x w`` windows.

    Args:
        window_size (int): Spatial window side.
        groups (int): Channel groups.
        pos_type (str): ``'lrpe'`` (video, learnt offset table) or ``'gqpe'`` (image
            PosMLP, quadratic Gaussian with softmax). Defaults to ``'lrpe'``.
        table_init_std (float): See :class:`RelativePositionMixing`. Defaults to 0.
    """

    def __init__(self, window_size, groups, pos_type='lrpe', table_init_std=0.):
        if pos_type == 'lrpe':
            mixing = RelativePositionMixing((1, window_size, window_size), groups,
                                            table_init_std=table_init_std, name='PoSGU')
        elif pos_type == 'gqpe':
            mixing = QuadraticPositionMixing((1, window_size, window_size), groups,
                                             name='PoSGU')
        else:
            raise ValueError(f"PoSGU: pos_type must be 'lrpe' or 'gqpe', got {pos_type!r}")
        super().__init__(mixing)


class PoSTGU(PosGatingUnit):
    """Joint spatio-temporal positional gating unit over ``t x w x w`` windows.

    Not in the released code: the natural 3-D extension of PoTGU/PoSGU (an LRPE table of
    ``(2t-1)(2w-1)^2`` offsets per group with the 3-D Swin-style index), by inference.

    Args:
        temporal_window (int): Frames per window.
        window_size (int): Spatial window side.
        groups (int): Channel groups.
        table_init_std (float): See :class:`RelativePositionMixing`. Defaults to 0.
    """

    def __init__(self, temporal_window, window_size, groups, table_init_std=0.):
        super().__init__(RelativePositionMixing((temporal_window, window_size, window_size),
                                                groups, table_init_std=table_init_std,
                                                name='PoSTGU'))


class PosMLPBranch(BaseModule):
    """``drop(fc2(unit(act(fc1(norm(x))))))``: channel expansion, gating, projection.

    Video: ``mlp_ratio = 2`` (C → 2C, gate C, C → C); image PosMLP: 4 (or 2 in stage 4).

    Args:
        embed_dims (int): Channels ``C``.
        unit (PosGatingUnit): Gating unit over ``mlp_ratio * C / 2`` channels.
        mlp_ratio (float): Expansion of ``fc1``. Defaults to 2.
        drop (float): Dropout after ``fc2``. Defaults to 0.
        norm_cfg (dict): Defaults to LN with eps 1e-5.
        act_cfg (dict): Defaults to GELU.
    """

    def __init__(self, embed_dims, unit, mlp_ratio=2., drop=0.,
                 norm_cfg=dict(type='LN', eps=1e-5), act_cfg=dict(type='GELU'),
                 init_cfg=None):
        super().__init__(init_cfg=init_cfg)
        hidden = int(embed_dims * mlp_ratio)
        if hidden % 2:
            raise ValueError(f'PosMLPBranch: mlp_ratio * embed_dims must be even, got {hidden}')
        if (hidden // 2) % unit.pos.groups:
            raise ValueError(f'PosMLPBranch: the gated half of embed_dims x mlp_ratio = '
                             f'{embed_dims} x {mlp_ratio} ({hidden // 2} channels) cannot '
                             f'form {unit.pos.groups} channel groups')
        self.norm = build_norm_layer(norm_cfg, embed_dims)[1]
        self.fc1 = nn.Linear(embed_dims, hidden)
        self.act = build_activation_layer(act_cfg)
        self.gate_unit = unit
        self.fc2 = nn.Linear(hidden // 2, embed_dims)
        self.drop = nn.Dropout(drop) if drop > 0 else nn.Identity()

    def forward(self, x):
        return self.drop(self.fc2(self.gate_unit(self.act(self.fc1(self.norm(x))))))


BLOCK_TYPES = ('parallel', 'sequential', 'joint', 'spatial')


class PosMLPBlock(BaseModule):
    """One PosMLP(-Video) block, channels-last ``(N, T, H, W, C)`` in and out.

    ``block_type``:

    * ``'parallel'`` (the released PosMLP-Video block):
      ``x + DropPath(S(x) + T(x))`` with one drop path and no FFN;
    * ``'sequential'`` (temporal then spatial, each with its residual):
      ``x = x + DropPath(T(x)); x = x + DropPath(S(x))``;
    * ``'joint'``: ``x + DropPath(ST(x))`` with a PoSTGU branch;
    * ``'spatial'`` (the image PosMLP layer, or a frame-wise video block):
      ``x + DropPath(S(x))``.

    ``T``, ``S`` and ``ST`` are :class:`PosMLPBranch` es with PoTGU, PoSGU and PoSTGU
    (submodules ``t_fc``, ``fc`` and ``st_fc``). Gradient checkpointing is the backbone's
    (:meth:`~mmvideomlp.models.backbones.base.BaseBackbone.run_block`).

    Args:
        embed_dims (int): Channels.
        block_type (str): One of :data:`BLOCK_TYPES`.
        window_size (int): Spatial window side.
        groups (int): Channel groups of every unit.
        max_frames (int, optional): Frames served by the PoTGU table (parallel and
            sequential blocks).
        temporal_window (int, optional): Frames per PoSTGU window (joint).
        mlp_ratio (float): Branch expansion. Defaults to 2.
        pos_type (str): Spatial mixing, ``'lrpe'`` or ``'gqpe'``. Defaults to ``'lrpe'``.
        drop_path (float): Stochastic depth rate. Defaults to 0.
        drop (float): Dropout after each branch. Defaults to 0.
        table_init_std (float): LRPE table init std (0 = official zeros). Defaults to 0.
        norm_cfg (dict): Branch norms. Defaults to LN with eps 1e-5.
    """

    def __init__(self,
                 embed_dims,
                 block_type='parallel',
                 window_size=14,
                 groups=8,
                 max_frames=None,
                 temporal_window=None,
                 mlp_ratio=2.,
                 pos_type='lrpe',
                 drop_path=0.,
                 drop=0.,
                 table_init_std=0.,
                 norm_cfg=dict(type='LN', eps=1e-5),
                 init_cfg=None,
                 **renamed):
        if 'num_frames' in renamed:
            raise TypeError('PosMLPBlock: num_frames was renamed max_frames (frames served '
                            'by the PoTGU table)')
        if renamed:
            raise TypeError(f'PosMLPBlock: unexpected arguments {sorted(renamed)}')
        super().__init__(init_cfg=init_cfg)
        if block_type not in BLOCK_TYPES:
            raise ValueError(f'PosMLPBlock: block_type must be one of {BLOCK_TYPES}, got '
                             f'{block_type!r}')
        self.block_type = block_type

        def branch(unit):
            return PosMLPBranch(embed_dims, unit, mlp_ratio, drop, norm_cfg)

        if block_type in ('parallel', 'sequential'):
            if max_frames is None:
                raise ValueError(f'PosMLPBlock: a {block_type} block needs max_frames (frames '
                                 'served by the PoTGU table)')
            self.t_fc = branch(PoTGU(max_frames, groups, table_init_std))
        if block_type == 'joint':
            if temporal_window is None:
                raise ValueError('PosMLPBlock: a joint block needs temporal_window (frames '
                                 'of a PoSTGU window)')
            self.st_fc = branch(PoSTGU(temporal_window, window_size, groups, table_init_std))
        else:
            self.fc = branch(PoSGU(window_size, groups, pos_type, table_init_std))
        self.drop_path = DropPath(drop_path) if drop_path > 0 else nn.Identity()

    def forward(self, x):
        if self.block_type == 'parallel':
            return x + self.drop_path(self.fc(x) + self.t_fc(x))
        if self.block_type == 'sequential':
            x = x + self.drop_path(self.t_fc(x))
            return x + self.drop_path(self.fc(x))
        if self.block_type == 'joint':
            return x + self.drop_path(self.st_fc(x))
        return x + self.drop_path(self.fc(x))
