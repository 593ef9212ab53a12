"""The inference path of a config's model as one tensor function, for export and timing."""
import torch
import torch.nn as nn
from mmengine.registry import DefaultScope, init_default_scope


class ExportError(RuntimeError):
    """A model cannot be exported, or its exported graph disagrees with PyTorch."""


def load_model(cfg, checkpoint=None):
    """Build ``cfg.model`` in the config's default scope, load ``checkpoint``, eval mode.

    Without a checkpoint (None or ``'none'``) the weights are the modules' default random
    initialisation; ``init_weights`` is not called, so no pretrained file is read.

    Returns:
        nn.Module: The model (e.g. a ``Recognizer3D`` or an ``ImageClassifier``).
    """
    from mmengine.registry import MODELS
    from mmengine.runner import load_checkpoint
    scope = cfg.get('default_scope', 'mmaction')
    init_default_scope(scope)
    with DefaultScope.overwrite_default_scope(scope):
        model = MODELS.build(cfg.model)
    if checkpoint not in (None, '', 'none'):
        load_checkpoint(model, checkpoint, map_location='cpu', strict=True)
    return model.eval()


def model_task(model):
    """``'video'`` for mmaction2 recognizers (``cls_head``), ``'image'`` for mmpretrain
    classifiers (``head``)."""
    if getattr(model, 'cls_head', None) is not None:
        return 'video'
    if getattr(model, 'head', None) is not None:
        return 'image'
    raise ExportError(f'{type(model).__name__} has neither a cls_head (mmaction2 recognizer) '
                      'nor a head (mmpretrain classifier): only classifiers can be exported')


class InferenceGraph(nn.Module):
    """backbone → neck → head of a recognizer or image classifier: normalised input in, raw
    class scores (logits, before the softmax of ``average_clips='prob'``) out.

    The data preprocessor's mean/std normalisation is *not* part of the graph: inputs are
    normalised clips (or images), as the preprocessor hands them to the backbone. A head
    with a text tower (``encode_text``, ILA's ``ILATextHead``) has its class-name
    embeddings computed once here and used as a constant.

    Args:
        model (nn.Module): An mmaction2 recognizer or mmpretrain classifier in eval mode.

    Shapes:
        video: ``(N, C, T, H, W)`` → ``(N, num_classes)``;
        image: ``(N, C, H, W)`` → ``(N, num_classes)``.
    """

    def __init__(self, model):
        super().__init__()
        self.task = model_task(model)
        self.model = model
        head = self.head
        if hasattr(head, 'encode_text'):
            with torch.no_grad():
                text = head.encode_text().detach().clone()
            self.register_buffer('text_features', text)
            head.encode_text = lambda: self.text_features

    @property
    def head(self):
        return self.model.cls_head if self.task == 'video' else self.model.head

    def forward(self, x):
        feats = self.model.backbone(x)
        if getattr(self.model, 'neck', None) is not None:
            feats = self.model.neck(feats)
        return self.head(feats)

    def input_dims(self):
        return 5 if self.task == 'video' else 4

    def metadata(self, cfg):
        """What a deployer needs beside the graph: normalisation, layout, classes."""
        pre = cfg.model.get('data_preprocessor', {}) or {}
        meta = dict(task=self.task, output='logits (class scores before softmax)',
                    input='normalised pixels (x - mean) / std', to_rgb=str(pre.get('to_rgb', False)),
                    input_layout='NCTHW' if self.task == 'video' else 'NCHW',
                    mean=str(list(pre.get('mean', []))), std=str(list(pre.get('std', []))))
        names = getattr(self.head, 'class_names', None)
        if names:
            meta['class_names'] = '\n'.join(names)
        num = getattr(self.head, 'num_classes', None)
        if num is not None:
            meta['num_classes'] = str(num)
        return meta
