"""CLIP pieces of ILA: architecture table, OpenAI checkpoint reading, tokenizer, text tower.

`Learning Transferable Visual Models From Natural Language Supervision
<https://arxiv.org/abs/2103.00020>`_ (CLIP). The residual blocks are mmpretrain's CLIP
``ResidualAttentionBlock`` (``attn`` = ``nn.MultiheadAttention``, ``ln_1``, ``mlp.c_fc``,
QuickGELU, ``mlp.c_proj``, ``ln_2``), whose parameter names are OpenAI's, so OpenAI
checkpoints load by prefix only. The BPE tokenizer is mmsegmentation's port of OpenAI's,
which ships the vocabulary file.
"""
import math
import os.path as osp
from collections import OrderedDict

import torch
import torch.nn as nn
from mmengine.logging import print_log
from mmpretrain.models.utils.clip_generator_helper import ResidualAttentionBlock

# yapf: disable
CLIP_ARCHS = {
    'ViT-B/32': dict(image_size=224, patch_size=32, width=768, layers=12, heads=12,
                     embed_dim=512, text_width=512, text_layers=12, text_heads=8),
    'ViT-B/16': dict(image_size=224, patch_size=16, width=768, layers=12, heads=12,
                     embed_dim=512, text_width=512, text_layers=12, text_heads=8),
    'ViT-L/14': dict(image_size=224, patch_size=14, width=1024, layers=24, heads=16,
                     embed_dim=768, text_width=768, text_layers=12, text_heads=12),
    'ViT-L/14@336px': dict(image_size=336, patch_size=14, width=1024, layers=24, heads=16,
                           embed_dim=768, text_width=768, text_layers=12, text_heads=12),
}
# yapf: enable
CLIP_ALIASES = {'b32': 'ViT-B/32', 'b16': 'ViT-B/16', 'l14': 'ViT-L/14',
                'l14-336': 'ViT-L/14@336px', 'ViT-L/14-336': 'ViT-L/14@336px'}
# File names of the OpenAI releases, for error messages.
CLIP_FILES = {'ViT-B/32': 'ViT-B-32.pt', 'ViT-B/16': 'ViT-B-16.pt', 'ViT-L/14': 'ViT-L-14.pt',
              'ViT-L/14@336px': 'ViT-L-14-336px.pt'}
CONTEXT_LENGTH = 77
VOCAB_SIZE = 49408


def clip_arch(arch, essential_keys):
    """Resolve ``arch`` (an OpenAI name, an alias or a dict) to a settings dict."""
    if isinstance(arch, str):
        name = CLIP_ALIASES.get(arch, arch)
        if name not in CLIP_ARCHS:
            raise KeyError(f'unknown CLIP arch {arch!r}; choose one of '
                           f'{sorted(CLIP_ARCHS) + sorted(CLIP_ALIASES)} or pass a dict')
        return dict(CLIP_ARCHS[name])
    missing = set(essential_keys) - set(arch)
    if missing:
        raise KeyError(f'custom CLIP arch lacks {sorted(missing)}; needs {sorted(essential_keys)}')
    return dict(arch)


def load_clip_state_dict(path):
    """Read an OpenAI CLIP checkpoint as a float32 state dict (OpenAI key names).

    Accepts the released TorchScript archives (``ViT-B-16.pt`` ...) and plain
    ``torch.save`` state dicts (optionally wrapped in ``state_dict`` or ``model``).
    Nothing is downloaded.

    Raises:
        FileNotFoundError: naming the expected file when ``path`` does not exist.
    """
    path = osp.expanduser(str(path))
    if not osp.isfile(path):
        raise FileNotFoundError(
            f'CLIP checkpoint not found: {path}. Put the OpenAI CLIP weights there (the '
            f'released files are {", ".join(CLIP_FILES.values())}, TorchScript archives or '
            'plain state dicts), or set the `pretrained` path in the config; nothing is '
            'downloaded at run time.')
    try:
        state_dict = torch.jit.load(path, map_location='cpu').state_dict()
    except RuntimeError:  # not a TorchScript archive
        state_dict = torch.load(path, map_location='cpu', weights_only=False)
        for key in ('state_dict', 'model'):
            if isinstance(state_dict, dict) and key in state_dict and isinstance(
                    state_dict[key], dict):
                state_dict = state_dict[key]
    return OrderedDict((k, v.float() if v.is_floating_point() else v)
                       for k, v in state_dict.items()
                       if k not in ('input_resolution', 'context_length', 'vocab_size'))


def load_into(module, state_dict, name, allowed_missing=(), resize=None):
    """``load_state_dict`` that reports every key and never drops a mismatch silently.

    Args:
        module (nn.Module): Target.
        state_dict (dict): Source, already stripped of its prefix.
        name (str): What is loaded, for messages.
        allowed_missing (callable | tuple): Target keys that may stay missing (new
            modules); a predicate or a tuple of substrings.
        resize (dict): ``{key: fn(src_tensor, target_shape)}`` adapters for shape
            mismatches that have a sound conversion (e.g. positional embeddings).

    Raises:
        ValueError: on missing (not allowed), unexpected or mismatched keys.
    """
    own = module.state_dict()
    resize = resize or {}
    allowed = allowed_missing if callable(allowed_missing) else (
        lambda k: any(s in k for s in allowed_missing))
    problems, converted = [], {}
    for key, value in state_dict.items():
        if key not in own:
            problems.append(f'unexpected key {key}')
        elif value.shape != own[key].shape:
            if key in resize:
                converted[key] = resize[key](value, own[key].shape)
                print_log(f'{name}: resized {key} {tuple(value.shape)} -> '
                          f'{tuple(own[key].shape)}', logger='current')
            else:
                problems.append(f'shape mismatch for {key}: checkpoint {tuple(value.shape)}, '
                                f'model {tuple(own[key].shape)}')
        else:
            converted[key] = value
    missing = [k for k in own if k not in state_dict]
    problems += [f'missing key {k}' for k in missing if not allowed(k)]
    if problems:
        raise ValueError(f'cannot load {name}:\n  ' + '\n  '.join(problems))
    module.load_state_dict(converted, strict=False)
    new = len(missing)
    print_log(f'{name}: loaded {len(converted)} tensors'
              + (f'; {new} new tensors keep their initialisation' if new else ''),
              logger='current')


def resize_pos_embed(pos, shape):
    """Bicubic resize of a ``(1 + g*g, C)`` CLIP positional embedding to ``shape``."""
    src = round(math.sqrt(pos.shape[0] - 1))
    dst = round(math.sqrt(shape[0] - 1))
    grid = pos[1:].reshape(1, src, src, -1).permute(0, 3, 1, 2)
    grid = nn.functional.interpolate(grid, size=(dst, dst), mode='bicubic', align_corners=False)
    return torch.cat([pos[:1], grid.permute(0, 2, 3, 1).reshape(dst * dst, -1)])


def tokenize(texts, context_length=CONTEXT_LENGTH):
    """OpenAI CLIP BPE tokens, ``(len(texts), context_length)``: SOT, BPE, EOT, zeros."""
    from mmseg.utils.tokenizer import tokenize as _tokenize
    if isinstance(texts, str):
        texts = [texts]
    return _tokenize(list(texts), context_length=context_length)


def read_class_names(class_names):
    """A list of names, or the path of a label map with one class name per line."""
    if isinstance(class_names, str):
        if not osp.isfile(class_names):
            raise FileNotFoundError(f'label map not found: {class_names}')
        with open(class_names, encoding='utf-8') as f:
            return [line.strip() for line in f if line.strip()]
    return list(class_names)


class CLIPTextTower(nn.Module):
    """The CLIP text encoder: causal transformer, EOT token, projection.

    Parameter names are OpenAI's without prefix (``token_embedding.weight``,
    ``positional_embedding``, ``transformer.resblocks.*``, ``ln_final.*``,
    ``text_projection``).

    Args:
        width (int): Text width. layers (int): Blocks. heads (int): Attention heads.
        embed_dim (int): Joint embedding size.
        context_length (int): Tokens per text. Defaults to 77.
        vocab_size (int): BPE vocabulary. Defaults to 49408.

    Shapes:
        tokens ``(K, context_length)`` (int64) → ``(K, embed_dim)``.
    """

    def __init__(self, width, layers, heads, embed_dim, context_length=CONTEXT_LENGTH,
                 vocab_size=VOCAB_SIZE):
        super().__init__()
        self.width, self.layers = width, layers
        self.token_embedding = nn.Embedding(vocab_size, width)
        self.positional_embedding = nn.Parameter(torch.empty(context_length, width))
        self.register_buffer(
            'causal_mask',
            torch.full((context_length, context_length), float('-inf')).triu_(1),
            persistent=False)
        self.transformer = nn.Module()
        self.transformer.resblocks = nn.ModuleList(
            [ResidualAttentionBlock(width, heads) for _ in range(layers)])
        self.ln_final = nn.LayerNorm(width)
        self.text_projection = nn.Parameter(torch.empty(width, embed_dim))
        self.reset_parameters()

    def reset_parameters(self):
        """OpenAI's initialisation of the text tower."""
        nn.init.normal_(self.token_embedding.weight, std=0.02)
        nn.init.normal_(self.positional_embedding, std=0.01)
        proj_std = self.width**-0.5 * (2 * self.layers)**-0.5
        for block in self.transformer.resblocks:
            nn.init.normal_(block.attn.in_proj_weight, std=self.width**-0.5)
            nn.init.normal_(block.attn.out_proj.weight, std=proj_std)
            nn.init.normal_(block.mlp.c_fc.weight, std=(2 * self.width)**-0.5)
            nn.init.normal_(block.mlp.c_proj.weight, std=proj_std)
        nn.init.normal_(self.text_projection, std=self.width**-0.5)

    def forward(self, tokens):
        x = self.token_embedding(tokens) + self.positional_embedding
        x = x.permute(1, 0, 2)  # (L, K, C), sequence first as in CLIP
        for block in self.transformer.resblocks:
            block.attn_mask = self.causal_mask
            x = block(x)
        x = self.ln_final(x.permute(1, 0, 2))
        # the EOT token has the largest id of each sequence
        return x[torch.arange(x.shape[0]), tokens.argmax(dim=-1)] @ self.text_projection
