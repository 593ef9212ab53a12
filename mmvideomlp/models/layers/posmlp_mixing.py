"""Positional token mixing of PosMLP and PosMLP-Video.

Token mixing whose ``L x L`` matrix is generated from relative positions instead of being
learnt densely (Wang et al., ACM MM 2022, arXiv 2207.07284; Hao et al., IJCV 2024,
arXiv 2407.02934):

* LRPE (:class:`RelativePositionMixing`): ``W[m, n, s] = table[index[m, n], s]``, a learnt
  bias for every relative offset and channel group, no normalisation;
* GQPE (:class:`QuadraticPositionMixing`, image PosMLP): ``W[:, :, s]`` is the softmax over
  input tokens of a quadratic form of the offset (a learnt Gaussian per group).

Both mix non-overlapping 3-D windows ``(wt, wh, ww)`` of a channels-last video
``(N, T, H, W, C)``; a window of size 1 along an axis means "no mixing along that axis", so
the temporal (``(T, 1, 1)``), spatial (``(1, w, w)``) and joint (``(t, w, w)``) operators
are the same code. Channels are grouped *interleaved*: channel ``c`` belongs to group
``c mod groups`` (the official layout). A per-output-token bias is added after mixing.
"""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmengine.logging import print_log
from mmengine.model.weight_init import trunc_normal_

from ...weights.adapt import (pick_window, resize_relative_position_table, resize_token_bias,
                              window_candidates)

AXES = ('temporal', 'height', 'width')


def as_window(window_size):
    """``int`` or 1/2/3-tuple → ``(wt, wh, ww)``; 2-tuples are spatial, ints temporal."""
    if isinstance(window_size, int):
        window_size = (window_size, 1, 1)
    window_size = tuple(int(w) for w in window_size)
    if len(window_size) == 2:
        window_size = (1, ) + window_size
    if len(window_size) != 3 or min(window_size) < 1:
        raise ValueError(f'window_size must be 1 to 3 positive ints, got {window_size}')
    return window_size


def window_coords(window_size):
    """``(3, L)`` coordinates of the tokens of a window, row-major over ``(t, h, w)``."""
    grids = torch.meshgrid(*[torch.arange(w) for w in window_size], indexing='ij')
    return torch.stack(grids).flatten(1)


def relative_position_index(window_size):
    """``(L, L)`` index of the relative offset of every (output m, input n) token pair.

    ``index[m, n]`` enumerates ``p_m - p_n`` in mixed radix ``(2wt-1, 2wh-1, 2ww-1)``;
    for a ``(T, 1, 1)`` window it is ``m - n + T - 1`` and for ``(1, w, w)`` it is Swin's
    2-D index, as in the official code.
    """
    coords = window_coords(window_size)
    rel = coords[:, :, None] - coords[:, None, :]
    index = torch.zeros(rel.shape[1:], dtype=torch.long)
    for k, w in enumerate(window_size):
        index = index * (2 * w - 1) + rel[k] + w - 1
    return index


def sub_window_tokens(window_size, sub_window):
    """Flat indices (in ``window_size``) of the tokens of the leading ``sub_window``."""
    coords = window_coords(window_size)
    inside = torch.ones(coords.shape[1], dtype=torch.bool)
    for k, w in enumerate(sub_window):
        inside = inside & (coords[k] < w)
    return inside.nonzero().squeeze(1)


class _ContiguousGrad(torch.autograd.Function):
    """Identity whose backward makes the incoming gradient contiguous in one copy."""

    @staticmethod
    def forward(ctx, x):
        return x.view_as(x)

    @staticmethod
    def backward(ctx, grad):
        return grad.contiguous()


def window_mix(weight, u):
    """``einsum('abcdefs,nidjekfvs->niajbkcvs', weight, u)`` as one batched matmul per group.

    ``weight``: ``(wt, wh, ww, wt, wh, ww, g)`` (output token, input token, group);
    ``u``: ``(N, T/wt, wt, H/wh, wh, W/ww, ww, C/g, g)``. Returns the mixed ``u`` as a
    view in the layout of ``u``. Unlike ``torch.einsum`` the gradient of the product is made
    contiguous once: with interleaved groups it arrives with the groups innermost, and the
    batched matmul's backward would otherwise copy every group's matrix separately.
    """
    wt, wh, ww, g = weight.shape[:3] + weight.shape[-1:]
    L = wt * wh * ww
    N, I, _, J, _, K, _, V, _ = u.shape
    w = weight.permute(6, 0, 1, 2, 3, 4, 5).reshape(g, L, L)
    x = u.permute(8, 2, 4, 6, 0, 1, 3, 5, 7).reshape(g, L, N * I * J * K * V)
    out = torch.bmm(w, x)
    if torch.is_grad_enabled() and out.requires_grad:
        out = _ContiguousGrad.apply(out)
    return out.view(g, wt, wh, ww, N, I, J, K, V).permute(4, 5, 1, 6, 2, 7, 3, 8, 0)


class PositionalMixing(nn.Module):
    """Windowed, channel-grouped token mixing with a generated ``L x L`` matrix.

    Subclasses generate the ``(L, L, groups)`` matrix (:meth:`mixing_weights`); this class
    partitions the input into windows, mixes with one batched matmul over views of the input
    (no loop over windows, frames or groups), adds the per-output-token bias and undoes
    the partition.

    Inputs that do not fill whole windows are handled exactly: along an axis shorter than
    the window, the window shrinks to the leading sub-window (the sub-matrix of the same
    relations); otherwise the input is zero-padded to a multiple of the window and the
    result cropped back. Both equal mixing with missing tokens set to zero (for a
    normalised matrix the padded tokens are also left out of the normalisation).

    Args:
        window_size (int | tuple[int]): ``(wt, wh, ww)`` (see :func:`as_window`).
        groups (int): Channel groups; channel ``c`` uses matrix ``c mod groups``.
        whole_axes (tuple[int]): Axes (0 = time) on which the window must cover the whole
            input: a longer input raises instead of being split into several windows.
        name (str): Name used in error messages.

    Shapes:
        ``(N, T, H, W, C)`` → ``(N, T, H, W, C)``.
    """

    normalized = False

    def __init__(self, window_size, groups, whole_axes=(), name='mixing'):
        super().__init__()
        self.window_size = as_window(window_size)
        if groups < 1:
            raise ValueError(f'{name}: groups must be positive, got {groups}')
        self.groups = groups
        self.whole_axes = tuple(whole_axes)
        self.name = name
        self.num_tokens = math.prod(self.window_size)
        self.token_bias = nn.Parameter(torch.zeros(self.num_tokens))
        self._operand_cache = {}

    def init_weights(self):
        """The token bias starts at zero (official)."""
        nn.init.zeros_(self.token_bias)

    def mixing_weights(self, window):
        """The ``(L, L, groups)`` mixing matrix of the leading sub-window ``window``."""
        raise NotImplementedError

    def _window_for(self, sizes):
        window = []
        for axis, (size, w) in enumerate(zip(sizes, self.window_size)):
            if size > w and axis in self.whole_axes:
                raise ValueError(
                    f'{self.name}: its {AXES[axis]} window covers the whole input and its '
                    f'relative-position table serves at most {w} positions (offsets up to '
                    f'±{w - 1}), got an input of {size}. Build the model for {size} (e.g. '
                    f'num_frames={size}); weights trained for {w} are resized when loaded.')
            window.append(min(size, w))
        return tuple(window)

    def _sub_tokens(self, window, device):
        return sub_window_tokens(self.window_size, window).to(device)

    def token_bias_for(self, window):
        if window == self.window_size:
            return self.token_bias
        return self.token_bias[self._sub_tokens(window, self.token_bias.device)]

    def _operands(self, window, sizes, padded_sizes, dtype):
        """The mixing matrix ``(wt, wh, ww, wt, wh, ww, g)`` in ``dtype``, the normaliser of
        softmax windows holding padded tokens (or None) and the token bias, in ``dtype``."""
        (T, H, W), (Tp, Hp, Wp) = sizes, padded_sizes
        wt, wh, ww = window
        weight = self.mixing_weights(window).view(wt, wh, ww, wt, wh, ww, self.groups)
        norm = None
        if self.normalized and padded_sizes != sizes:
            # softmax restricted to the real tokens of each window: padded u is zero, so
            # only the normaliser needs the mask.
            weight = (weight - weight.amax(dim=(3, 4, 5), keepdim=True)).exp()
            valid = weight.new_zeros(Tp, Hp, Wp)
            valid[:T, :H, :W] = 1
            valid = valid.view(Tp // wt, wt, Hp // wh, wh, Wp // ww, ww)
            norm = torch.einsum('abcdefs,idjekf->iajbkcs', weight, valid).unsqueeze(-2)
            norm = norm.to(dtype)
        elif self.normalized:
            weight = weight.flatten(3, 5).softmax(dim=3).view_as(weight)
        # in the input's dtype: under autocast the weights are fp32, the input bf16; the
        # bias in the product's dtype, which an fp32 bias would promote
        bias = self.token_bias_for(window).to(dtype).view(wt, 1, wh, 1, ww, 1, 1)
        return weight.to(dtype), norm, bias

    def _cached_operands(self, *key):
        """:meth:`_operands`, kept between calls in eval mode without autograd.

        They depend on the parameters only, so inference regathers them only when a
        parameter changed: in place, loading included (its version counter), replaced (its
        storage) or moved (which clears the cache, as does switching to training).
        """
        if self.training or torch.is_grad_enabled():
            return self._operands(*key)
        stamp = tuple((p.data_ptr(), p._version) for p in self.parameters(recurse=False))
        hit = self._operand_cache.get(key)
        if hit is None or hit[0] != stamp:
            self._operand_cache.clear()  # one input size at a time
            hit = self._operand_cache[key] = (stamp, self._operands(*key))
        return hit[1]

    def train(self, mode=True):
        self._operand_cache.clear()
        return super().train(mode)

    def _apply(self, fn, *args, **kwargs):
        self._operand_cache.clear()
        return super()._apply(fn, *args, **kwargs)

    def forward(self, u):
        N, T, H, W, C = u.shape
        g = self.groups
        if C % g:
            raise ValueError(f'{self.name}: {C} channels cannot form {g} groups')
        window = self._window_for((T, H, W))
        pad = [(-size) % w for size, w in zip((T, H, W), window)]
        if any(pad):
            u = F.pad(u, (0, 0, 0, pad[2], 0, pad[1], 0, pad[0]))
        Tp, Hp, Wp = T + pad[0], H + pad[1], W + pad[2]
        wt, wh, ww = window
        # (n, windows along t/h/w interleaved with in-window positions, v, s): c = v*g + s
        u = u.view(N, Tp // wt, wt, Hp // wh, wh, Wp // ww, ww, C // g, g)
        weight, norm, bias = self._cached_operands(window, (T, H, W), (Tp, Hp, Wp), u.dtype)
        out = window_mix(weight, u)
        if norm is not None:
            out = out / norm
        out = out + bias.to(out.dtype)
        out = out.reshape(N, Tp, Hp, Wp, C)
        if any(pad):
            out = out[:, :T, :H, :W]
        return out

    # ---- weights trained for another window ---------------------------------------
    resizable = ('token_bias', )

    def source_window(self, where, num_tokens=None, table_rows=None):
        """The window a checkpoint's token bias (``num_tokens``) and/or table
        (``table_rows``) were trained for; ValueError naming ``where`` when none or several
        equally likely windows fit."""
        window = pick_window(self.window_size, num_tokens, table_rows)
        if window is None:
            what = ' and '.join(
                ([f'{num_tokens} token biases'] if num_tokens is not None else []) +
                ([f'a table of {table_rows} rows'] if table_rows is not None else []))
            raise ValueError(
                f'{where}: cannot tell which window a checkpoint with {what} was trained for '
                f'(candidates {window_candidates(self.window_size, num_tokens, table_rows)}); '
                f'this model uses window {self.window_size}')
        return window

    def adapt_tensor(self, name, value, where, num_tokens=None, table_rows=None):
        """``(tensor, description)``: the checkpoint tensor ``name`` (one of
        :attr:`resizable`) of another window resized to this module's window
        (:mod:`mmvideomlp.weights.adapt`); ``num_tokens``/``table_rows`` of the same
        checkpoint help to tell the source window."""
        if name != 'token_bias':
            raise KeyError(f'{where}: {name} is not resizable')
        src = self.source_window(where, value.numel(), table_rows)
        return (resize_token_bias(value.reshape(-1), src, self.window_size),
                f'token bias of window {src} resized to {self.window_size}')

    def _load_from_state_dict(self, state_dict, prefix, *args, **kwargs):
        # checkpoints of another window (plain load_state_dict, e.g. a whole recognizer
        # loaded by mmengine): resized here; the backbone's loader resizes them earlier
        # and reports them (PosMLP.adapt_weight)
        own = dict(self.named_parameters(recurse=False))
        sizes = {}
        for name in self.resizable:
            value = state_dict.get(prefix + name)
            if value is not None:
                sizes[name] = value.numel() if name == 'token_bias' else value.shape[0]
        for name in self.resizable:
            key = prefix + name
            if key in state_dict and state_dict[key].shape != own[name].shape:
                state_dict[key], how = self.adapt_tensor(
                    name, state_dict[key], key, sizes.get('token_bias'),
                    sizes.get('relative_position_bias_table'))
                print_log(f'{key}: {how}', logger='current')
        super()._load_from_state_dict(state_dict, prefix, *args, **kwargs)

    def extra_repr(self):
        return f'window_size={self.window_size}, groups={self.groups}'


class RelativePositionMixing(PositionalMixing):
    """LRPE mixing: a learnt bias per relative offset and channel group (no softmax).

    ``W[m, n, s] = relative_position_bias_table[relative_position_index[m, n], s]``, a
    Toeplitz (time), block-Toeplitz (space) or 3-level Toeplitz (joint) matrix.

    The table and the token bias start at zero, as in the official code (its
    truncated-normal initialiser looks for *modules* named ``relative_position_bias_table``
    and never matches the parameter). With zero tables the mixed half of a gating unit
    is zero, so every PosMLP block starts as the identity and the network as stem,
    downsampling and head; the relations are learnt from there. ``table_init_std > 0``
    gives the truncated-normal start the official code appears to intend.

    Weights trained for another window (e.g. 16 → 32 frames, another spatial window) are
    resized by linear interpolation of the table and token bias when loaded (see
    :func:`mmvideomlp.weights.adapt.resize_relative_position_table`); a table that matches
    no window raises.

    Args:
        window_size (int | tuple[int]): ``(wt, wh, ww)``.
        groups (int): Channel groups (one table column each).
        whole_axes (tuple[int]): See :class:`PositionalMixing`.
        table_init_std (float): Std of a truncated-normal table init; 0 keeps zeros.
            Defaults to 0.
        name (str): Name used in error messages.
    """

    def __init__(self, window_size, groups, whole_axes=(), table_init_std=0.,
                 name='LRPE'):
        super().__init__(window_size, groups, whole_axes, name)
        self.table_init_std = table_init_std
        num_offsets = math.prod(2 * w - 1 for w in self.window_size)
        self.relative_position_bias_table = nn.Parameter(torch.zeros(num_offsets, groups))
        self.register_buffer('relative_position_index',
                             relative_position_index(self.window_size), persistent=False)

    def init_weights(self):
        """Zero table (official) or truncated normal with ``table_init_std``; zero token
        bias."""
        super().init_weights()
        if self.table_init_std > 0:
            trunc_normal_(self.relative_position_bias_table, std=self.table_init_std)
        else:
            nn.init.zeros_(self.relative_position_bias_table)

    def mixing_weights(self, window):
        index = self.relative_position_index
        if window != self.window_size:
            tokens = self._sub_tokens(window, index.device)
            index = index[tokens][:, tokens]
        L = index.shape[0]
        # gathered group-major, (groups, L, L), and returned as an (L, L, groups) view:
        # window_mix's batched matmul then reads each group's matrix in place (a group-minor
        # layout is copied matrix by matrix); index_select, whose backward (index_add) is
        # several times faster than indexing's
        table = self.relative_position_bias_table.t().contiguous()
        return table.index_select(1, index.view(-1)).view(self.groups, L, L).permute(1, 2, 0)

    resizable = ('relative_position_bias_table', 'token_bias')

    def adapt_tensor(self, name, value, where, num_tokens=None, table_rows=None):
        if name != 'relative_position_bias_table':
            return super().adapt_tensor(name, value, where, num_tokens, table_rows)
        if value.dim() != 2 or value.shape[1] != self.groups:
            raise ValueError(f'{where}: checkpoint table {tuple(value.shape)} has another '
                             f'number of channel groups than the model ({self.groups})')
        src = self.source_window(where, num_tokens, value.shape[0])
        return (resize_relative_position_table(value, src, self.window_size),
                f'relative-position table of window {src} resized to {self.window_size} '
                '(linear)')


class QuadraticPositionMixing(PositionalMixing):
    """GQPE mixing of the image PosMLP: a learnt 2-D Gaussian over offsets per group.

    For group ``s`` with centre ``δ_s`` and ``Σ_s⁻¹ = A_s A_sᵀ``, the logit of the pair
    (m, n) is ``-½ (Δ - δ_s)ᵀ Σ_s⁻¹ (Δ - δ_s)`` (up to a constant) with
    ``Δ = (w_n - w_m, h_m - h_n)``; ``W`` is its softmax over the input tokens n. Six
    parameters per group, independent of the window size (only the token bias depends
    on it). Spatial windows only.

    Args:
        window_size (int | tuple[int]): ``(1, wh, ww)`` or ``(wh, ww)``.
        groups (int): Channel groups.
        init_std (float): Std of the noise on the initial centres (0) and spreads
            (identity). Defaults to 0.01.
        name (str): Name used in error messages.
    """

    normalized = True

    def __init__(self, window_size, groups, init_std=0.01, name='GQPE'):
        window_size = as_window(window_size if not isinstance(window_size, int) else
                                (window_size, window_size))
        if window_size[0] != 1:
            raise ValueError(f'{name}: quadratic positional mixing is spatial only, got '
                             f'window {window_size}')
        super().__init__(window_size, groups, (), name)
        self.init_std = init_std
        self.attention_centers = nn.Parameter(torch.zeros(groups, 2))
        self.attention_spreads = nn.Parameter(torch.eye(2).repeat(groups, 1, 1))

    def init_weights(self):
        """Centres ``N(0, init_std²)``, spreads ``I + N(0, init_std²)`` (official); zero
        token bias."""
        super().init_weights()
        with torch.no_grad():
            self.attention_centers.normal_(0, self.init_std)
            self.attention_spreads.copy_(torch.eye(2) + torch.randn_like(
                self.attention_spreads) * self.init_std)

    def mixing_weights(self, window):
        coords = window_coords(window).to(self.attention_centers.device)
        dtype = self.attention_centers.dtype
        dx = (coords[2][None, :] - coords[2][:, None]).to(dtype)  # w_n - w_m
        dy = (coords[1][:, None] - coords[1][None, :]).to(dtype)  # h_m - h_n
        offsets = torch.stack([dx, dy, dx * dx, dy * dy, dx * dy], dim=-1)
        inv_cov = torch.einsum('gij,gkj->gik', self.attention_spreads, self.attention_spreads)
        a, b = inv_cov[:, 0, 0], inv_cov[:, 0, 1]
        d, c = inv_cov[:, 1, 0], inv_cov[:, 1, 1]
        d1, d2 = self.attention_centers[:, 0], self.attention_centers[:, 1]
        # expansion of the quadratic form in the 5 offset features above
        coef = -0.5 * torch.stack(
            [-2 * (a * d1 + b * d2), -2 * (c * d2 + d * d1), a, c, b + d], dim=-1)
        logits = torch.einsum('mnk,gk->gmn', offsets, coef)
        return logits.permute(1, 2, 0)
