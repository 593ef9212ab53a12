"""Class names as text: label-map reading and CLIP BPE tokens.

The BPE tokenizer is mmsegmentation's port of OpenAI's, which ships the vocabulary file.
"""
import os.path as osp


def tokenize(texts, context_length=77):
    """OpenAI CLIP BPE tokens, ``(len(texts), context_length)``: SOT, BPE, EOT, zeros.

    Raises:
        RuntimeError: a text longer than ``context_length`` tokens (mmseg's message).
    """
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
