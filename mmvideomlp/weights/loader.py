"""Loading checkpoint weights into a backbone, with one report for every family."""
import logging
from dataclasses import dataclass, field
from typing import List, Tuple

from mmengine.logging import print_log

from .io import read_checkpoint, strip_prefix, unwrap_state_dict


@dataclass
class LoadReport:
    """What a checkpoint gave a module.

    Attributes:
        source (str): The checkpoint (path or description).
        total (int): Tensors of the module's state dict.
        loaded (list[str]): Keys loaded as they were.
        resized (list[tuple]): ``(key, checkpoint shape, model shape, how)`` of keys adapted
            to the model (inflated kernels, resized tables or embeddings).
        new (list[str]): Model keys the checkpoint cannot have (modules the source
            architecture lacks, e.g. temporal layers of a video model loaded from an image
            checkpoint); they keep their initialisation.
        missing (list[str]): Other model keys absent from the checkpoint.
        unexpected (list[str]): Checkpoint keys the model does not have.
        mismatched (list[tuple]): ``(key, checkpoint shape, model shape)`` that no
            adaptation fits; never loaded.
    """
    source: str
    total: int = 0
    loaded: List[str] = field(default_factory=list)
    resized: List[Tuple] = field(default_factory=list)
    new: List[str] = field(default_factory=list)
    missing: List[str] = field(default_factory=list)
    unexpected: List[str] = field(default_factory=list)
    mismatched: List[Tuple] = field(default_factory=list)

    @property
    def complete(self):
        """Every tensor of the model came from the checkpoint and nothing was left over."""
        return not (self.new or self.missing or self.unexpected or self.mismatched)

    def format(self, name='model', limit=20):
        def listing(items):
            text = ', '.join(items[:limit])
            return text + (f', ... ({len(items) - limit} more)' if len(items) > limit else '')

        lines = [f'{name}: loaded {len(self.loaded) + len(self.resized)} of {self.total} '
                 f'tensors from {self.source}']
        sections = [
            ('resized', [f'{k} {tuple(a)} -> {tuple(b)} ({how})' for k, a, b, how in self.resized]),
            ('new in this model, initialised', self.new),
            ('missing from the checkpoint, initialised', self.missing),
            ('unexpected, not used', self.unexpected),
            ('shape mismatch, not loaded', [f'{k}: checkpoint {tuple(a)}, model {tuple(b)}'
                                            for k, a, b in self.mismatched]),
        ]
        lines += [f'  {title} ({len(items)}): {listing(items)}' for title, items in sections
                  if items]
        return '\n'.join(lines)


def no_adaptation(key, value, shape):
    return None


def load_backbone_weights(module, source, prefix=None, convert=None, adapt=no_adaptation,
                          is_new=lambda key: False, strict=False, name=None):
    """Load a checkpoint into ``module`` and report every key.

    Steps: read the file (:func:`~.io.read_checkpoint`) and unwrap it; ``convert`` an
    official layout to this package's keys; keep the keys under ``prefix`` (default:
    ``'backbone.'`` when the checkpoint is a whole recognizer/classifier/segmentor, else
    all); adapt shapes with ``adapt(key, tensor, model_shape)``, which returns the adapted
    tensor and a description, or None; load.

    Args:
        module (nn.Module): Target, usually a backbone.
        source (str | dict): Checkpoint path/URL, or an already loaded checkpoint.
        prefix (str, optional): Key prefix of the module's weights in the checkpoint.
        convert (callable, optional): ``state_dict -> state_dict`` for official layouts
            (returns its input when the layout is already this package's).
        adapt (callable): Shape adaptation, see above.
        is_new (callable): ``key -> bool``: model keys the source architecture cannot have
            (reported, kept at their initialisation, allowed even when ``strict``).
        strict (bool): Also refuse missing and unexpected keys. Shape mismatches are always
            refused.
        name (str, optional): Name of the module in messages.

    Returns:
        LoadReport: also stored as ``module.load_report`` and logged.

    Raises:
        ValueError: shapes that do not fit (always), or missing/unexpected keys (strict),
            listing them.
    """
    name = name or type(module).__name__
    description = source if isinstance(source, str) else 'the given state dict'
    checkpoint = read_checkpoint(source) if isinstance(source, str) else source
    state = unwrap_state_dict(checkpoint)
    if convert is not None:
        state = convert(state)
    if prefix is None and any(k.startswith('backbone.') for k in state):
        prefix = 'backbone.'
    if prefix:
        state = strip_prefix(state, prefix)
        if not state:
            raise ValueError(f'{name}: {description} has no keys starting with {prefix!r}')

    own = module.state_dict()
    report = LoadReport(description, total=len(own))
    to_load = {}
    for key, value in state.items():
        if key not in own:
            report.unexpected.append(key)
            continue
        shape = own[key].shape
        if value.shape == shape:
            to_load[key] = value
            report.loaded.append(key)
            continue
        adapted = adapt(key, value, shape)
        if adapted is None:
            report.mismatched.append((key, value.shape, shape))
        else:
            tensor, how = adapted
            to_load[key] = tensor
            report.resized.append((key, value.shape, shape, how))
    for key in own:
        if key not in state:
            (report.new if is_new(key) else report.missing).append(key)

    if report.mismatched or (strict and (report.missing or report.unexpected)):
        raise ValueError(f'{name}: {description} does not fit this model; nothing was loaded\n'
                         + report.format(name))
    module.load_state_dict(to_load, strict=False)
    module.load_report = report
    level = logging.WARNING if report.missing or report.unexpected else logging.INFO
    print_log(report.format(name), logger='current', level=level)
    return report
