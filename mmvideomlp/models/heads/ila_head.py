"""Heads of ILA: MIT over the frame embeddings, then CLIP text matching (Kinetics-400
release) or a linear classifier (Something-Something V2 release).

`Implicit Temporal Modeling with Learnable Alignment for Video Recognition
<https://arxiv.org/abs/2304.10465>`_; MIT and the video-specific prompts come from X-CLIP
(`arXiv:2208.02816 <https://arxiv.org/abs/2208.02816>`_).
"""
import torch
import torch.nn as nn
from mmaction.models.heads import BaseHead
from mmengine.model.weight_init import trunc_normal_

from ...converters.ila import MISSING_CLIP_HINT, convert_if_official
from ...registry import register_model
from ...utils.text import read_class_names, tokenize
from ...weights import load_backbone_weights
from ..backbones.ila import ILAViT
from ..layers.clip_text_tower import CLIPTextTower
from ..layers.ila_mit import MultiframeIntegrationTransformer
from ..layers.ila_prompt import VideoSpecificPrompt

TEXT_PARTS = ('text_encoder.', 'logit_scale')


def _check_renamed(name, kwargs):
    if 'num_frames' in kwargs:
        raise TypeError(f'{name}: num_frames was renamed mit_frames (the length of the MIT '
                        f'position embedding; clips of any length are accepted)')


def _frame_embeddings(feats, in_channels, name):
    """``(N, T, E)`` from a backbone output ``(*patch_tokens, frames)`` or the frames alone."""
    frames = feats[-1] if isinstance(feats, (tuple, list)) else feats
    if frames.dim() != 3 or frames.shape[1] != in_channels:
        raise ValueError(f'{name} expects frame embeddings (N, in_channels={in_channels}, T), '
                         f'got {tuple(frames.shape)}')
    return frames.transpose(1, 2)


@register_model
class ILATextHead(BaseHead):
    """MIT + video-specific prompts + scaled cosine similarity to class-name embeddings.

    ``logits = exp(logit_scale) * cos(MIT(frames), text_k + prompt_k(video))`` with the
    CLIP text embedding ``text_k`` of the bare class name k (no template), computed once
    and cached while the text tower is frozen.

    Args:
        num_classes (int): Number of classes.
        in_channels (int): Frame-embedding width E (CLIP ``embed_dim``).
        class_names (str | list[str]): Class names, or a label map file with one per line.
        mit_frames (int): Length of the MIT position embedding (clips of another length
            interpolate it). Defaults to 8.
        arch (str | dict): CLIP arch, as :class:`ILAViT`'s: the text tower is built from
            its ``text_width``, ``text_layers``, ``text_heads``, ``embed_dim``,
            ``context_length``, ``vocab_size``; the prompts read the visual ``width``.
            Defaults to 'ViT-B/16'.
        pretrained (str, optional): OpenAI CLIP release (or an official ILA checkpoint, or
            one of this package) for the text tower and ``logit_scale``, loaded by
            :meth:`init_weights` with a load report. Defaults to None.
        mit_layers (int): MIT blocks. Defaults to 1.
        use_prompts (bool): Add the video-specific prompts. Defaults to True.
        prompt_layers (int): Prompt-generator layers. Defaults to 2.
        prompt_alpha (float): Initial prompt scale. Defaults to 0.1.
        train_prompts (bool): Optimise the prompt modules. The released training never
            does (they stay at their random initialisation, stored in the checkpoints).
            Defaults to False.
        freeze_text (bool): Freeze the text tower and ``logit_scale`` and cache the text
            embeddings. Defaults to True.
        **kwargs: :class:`mmaction.models.heads.BaseHead` arguments (``loss_cls``,
            ``label_smooth_eps``, ``average_clips`` ...).

    Shapes:
        ``(*patch_tokens (N, width, T, h, w), frame_embeddings (N, E, T))`` →
        ``(N, num_classes)`` (the prompts attend to the last patch tokens).
    """

    def __init__(self,
                 num_classes,
                 in_channels,
                 class_names,
                 mit_frames=8,
                 arch='ViT-B/16',
                 pretrained=None,
                 mit_layers=1,
                 use_prompts=True,
                 prompt_layers=2,
                 prompt_alpha=0.1,
                 train_prompts=False,
                 freeze_text=True,
                 **kwargs):
        _check_renamed('ILATextHead', kwargs)
        super().__init__(num_classes, in_channels, **kwargs)
        s = ILAViT.arch_settings_of(arch)
        if s['embed_dim'] != in_channels:
            raise ValueError(f'ILATextHead in_channels={in_channels} differs from the CLIP '
                             f'embed_dim={s["embed_dim"]} of arch {arch!r}')
        self.class_names = read_class_names(class_names)
        if len(self.class_names) != num_classes:
            raise ValueError(f'ILATextHead has num_classes={num_classes} but '
                             f'{len(self.class_names)} class names')
        self.pretrained = pretrained
        self.freeze_text = freeze_text
        self.use_prompts = use_prompts

        self.mit = MultiframeIntegrationTransformer(mit_frames, in_channels, mit_layers)
        self.text_encoder = CLIPTextTower(s['text_width'], s['text_layers'], s['text_heads'],
                                          in_channels, s['context_length'], s['vocab_size'])
        self.logit_scale = nn.Parameter(torch.tensor(1 / 0.07).log())
        if use_prompts:
            self.prompts_visual_ln = nn.LayerNorm(s['width'])
            self.prompts_visual_proj = nn.Parameter(torch.zeros(s['width'], in_channels))
            self.prompts_generator = VideoSpecificPrompt(in_channels, prompt_layers,
                                                         prompt_alpha)
            if not train_prompts:
                for name, param in self.named_parameters():
                    if name.startswith('prompts_'):
                        param.requires_grad = False
        if freeze_text:
            for param in [*self.text_encoder.parameters(), self.logit_scale]:
                param.requires_grad = False

        tokens = tokenize(self.class_names, s['context_length'])
        if tokens.max() >= s['vocab_size']:
            raise ValueError(f'ILATextHead: the CLIP BPE tokens of the class names reach id '
                             f'{int(tokens.max())}, beyond arch vocab_size={s["vocab_size"]}; '
                             f'the tokenizer needs vocab_size >= 49408')
        self.register_buffer('text_tokens', tokens, persistent=False)
        self.register_buffer('text_features', None, persistent=False)
        self._register_load_state_dict_pre_hook(self._drop_text_cache)

    def _drop_text_cache(self, *args, **kwargs):
        self.text_features = None

    def init_weights(self):
        """The released initialisation (OpenAI's text tower, X-CLIP's MIT and prompts,
        ``prompts_visual_proj`` standard normal, ``logit_scale`` log(1/0.07)), then the
        ``pretrained`` text tower and logit scale."""
        super().init_weights()  # every child's own init_weights
        with torch.no_grad():
            self.logit_scale.fill_(torch.tensor(1 / 0.07).log())
            if self.use_prompts:
                nn.init.normal_(self.prompts_visual_proj)
        if self.pretrained is not None:
            try:
                load_backbone_weights(self, self.pretrained, prefix='cls_head.',
                                      convert=convert_if_official,
                                      is_new=lambda key: not key.startswith(TEXT_PARTS),
                                      name='ILATextHead')
            except FileNotFoundError as error:
                raise FileNotFoundError(f'{error}: {MISSING_CLIP_HINT}') from None
        self.text_features = None

    def build_cache(self):
        """Compute the cached class-name embeddings now (the FLOPs tool calls this so that
        the once-per-model text encoding is not counted per view)."""
        if self.freeze_text:
            self.encode_text()

    def encode_text(self):
        """Class-name embeddings ``(num_classes, E)``, cached while the tower is frozen."""
        if not self.freeze_text:
            return self.text_encoder(self.text_tokens)
        if self.text_features is None:
            with torch.no_grad():
                self.text_features = self.text_encoder(self.text_tokens)
        return self.text_features

    def forward(self, x, **kwargs):
        video = self.mit(_frame_embeddings(x, self.in_channels, 'ILATextHead'))
        text = self.encode_text().unsqueeze(0).expand(video.shape[0], -1, -1)
        if self.use_prompts:
            patches = x[-2]  # the last patch tokens (N, width, T, h, w)
            N, C, T = patches.shape[:3]
            tokens = patches.permute(0, 2, 3, 4, 1).reshape(N, T, -1, C)
            tokens = (self.prompts_visual_ln(tokens) @ self.prompts_visual_proj).mean(dim=1)
            text = text + self.prompts_generator(text, tokens)
        video = video / video.norm(dim=-1, keepdim=True)
        text = text / text.norm(dim=-1, keepdim=True)
        return torch.einsum('nd,nkd->nk', video, self.logit_scale.exp() * text)


@register_model
class ILALinearHead(BaseHead):
    """MIT, L2 normalisation, LayerNorm, dropout and a linear classifier.

    Args:
        num_classes (int): Number of classes.
        in_channels (int): Frame-embedding width E.
        mit_frames (int): Length of the MIT position embedding. Defaults to 8.
        mit_layers (int): MIT blocks. Defaults to 1.
        dropout_ratio (float): Dropout before the classifier. Defaults to 0.5.
        **kwargs: :class:`mmaction.models.heads.BaseHead` arguments.

    Shapes:
        ``(*patch_tokens, frame_embeddings (N, E, T))`` or the frame embeddings alone →
        ``(N, num_classes)``.
    """

    def __init__(self, num_classes, in_channels, mit_frames=8, mit_layers=1, dropout_ratio=0.5,
                 **kwargs):
        _check_renamed('ILALinearHead', kwargs)
        super().__init__(num_classes, in_channels, **kwargs)
        self.mit = MultiframeIntegrationTransformer(mit_frames, in_channels, mit_layers)
        self.norm = nn.LayerNorm(in_channels)
        self.dropout = nn.Dropout(dropout_ratio) if dropout_ratio > 0 else nn.Identity()
        self.fc_cls = nn.Linear(in_channels, num_classes)

    def init_weights(self):
        """The released initialisation: X-CLIP's MIT, classifier truncated normal (std
        0.02) with zero bias."""
        super().init_weights()
        trunc_normal_(self.fc_cls.weight, std=0.02)
        nn.init.zeros_(self.fc_cls.bias)

    def forward(self, x, **kwargs):
        video = self.mit(_frame_embeddings(x, self.in_channels, 'ILALinearHead'))
        video = video / video.norm(dim=-1, keepdim=True)
        return self.fc_cls(self.dropout(self.norm(video)))
