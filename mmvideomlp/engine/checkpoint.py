"""Checks that a checkpoint fits a model before it is loaded into it.

mmengine loads with ``strict=False`` and only warns about mismatched keys, so a checkpoint of
another model (or another number of classes) silently leaves most of the network at its
initialisation. :func:`load_state_dict_checked` refuses such a checkpoint unless a partial load is
asked for explicitly.
"""
import os
import os.path as osp
import re
from collections import OrderedDict

SHOWN = 8  # mismatches listed in an error message


class CheckpointMismatchError(ValueError):
    """The keys or shapes of a checkpoint's state dict differ from the model's."""


class UnreadableCheckpointError(RuntimeError):
    """A checkpoint file exists but cannot be read (truncated, corrupt)."""


SIZE_MISMATCH = re.compile(r'size mismatch for (\S+): copying a param with shape '
                           r'torch\.Size\(\[([^\]]*)\]\) from checkpoint, the shape in current '
                           r'model is torch\.Size\(\[([^\]]*)\]\)')


def describe_model(model, config=None):
    """``Recognizer3D (backbone MorphMLP, cls_head TokenNormHead) of configs/x.py``."""
    parts = [f'{name} {type(getattr(model, name)).__name__}'
             for name in ('backbone', 'cls_head', 'decode_head', 'head')
             if getattr(model, name, None) is not None]
    text = type(model).__name__ + (f' ({", ".join(parts)})' if parts else '')
    return text + (f' of {config}' if config else '')


def load_state_dict_checked(model, state, filename, model_name, allow_partial=False,
                            exclude=(), resuming=False):
    """Load ``state`` into ``model`` with PyTorch's ``load_state_dict`` (the modules' own
    load hooks included, e.g. kernel inflation or window resizing), then refuse the result
    if keys or shapes did not match.

    Args:
        model (nn.Module): The model (not wrapped).
        state (dict): The checkpoint's state dict (prefixes already revised).
        filename (str): The checkpoint, named in messages.
        model_name (str): The model (and its config), named in messages.
        allow_partial (bool): Keep what matched and the model's own values elsewhere
            instead of raising. Defaults to False.
        exclude (Sequence[str]): Key prefixes dropped from the checkpoint first, and model
            keys under them left at their initialisation, e.g. ``['cls_head.']`` to
            fine-tune with a new head. Defaults to ().
        resuming (bool): A resumed run needs an exact match: ``allow_partial`` and
            ``exclude`` do not apply. Defaults to False.

    Returns:
        str: What was not loaded, in one line (empty for an exact match).

    Raises:
        CheckpointMismatchError: keys or shapes differ and no partial load was asked for
            (the process should stop: the model may be partly overwritten).
    """
    exclude = () if resuming else tuple(exclude or ())
    metadata = getattr(state, '_metadata', None)
    state = OrderedDict((k, v) for k, v in state.items() if not k.startswith(exclude))
    if metadata is not None:
        state._metadata = metadata
    captured = {}

    def capture(module, incompatible):
        captured.update(missing=list(incompatible.missing_keys),
                        unexpected=list(incompatible.unexpected_keys))

    handle = model.register_load_state_dict_post_hook(capture)
    shapes = []
    try:
        model.load_state_dict(state, strict=False)
    except RuntimeError as err:
        shapes = [(k, f'({c})', f'({m})') for k, c, m in SIZE_MISMATCH.findall(str(err))]
        if not shapes:
            raise
    finally:
        handle.remove()
    missing = captured.get('missing', [])
    excluded = [k for k in missing if k.startswith(exclude)]
    missing = [k for k in missing if not k.startswith(exclude)]
    unexpected = captured.get('unexpected', [])
    if not (missing or unexpected or shapes):
        return (f'{len(excluded)} model keys under {list(exclude)} keep their initialisation'
                if excluded else '')
    total = len(model.state_dict())
    counts = (f'{len(shapes)} keys of other shapes, {len(missing)} model keys missing from '
              f'the checkpoint, {len(unexpected)} checkpoint keys unknown to the model '
              f'(model {total} keys, checkpoint {len(state)})')
    if allow_partial and not resuming:
        return f'partial load of {filename}: {counts}; those keep the model\'s values'
    own = model.state_dict()
    lines = [f'  shape:      {k}: checkpoint {c}, model {m}' for k, c, m in shapes[:SHOWN]]
    lines += [f'  missing:    {k}: model {tuple(own[k].shape)}'
              for k in missing[:max(SHOWN - len(lines), 0)]]
    lines += [f'  unexpected: {k}: checkpoint {tuple(getattr(state.get(k), "shape", ()))}'
              for k in unexpected[:max(SHOWN - len(lines), 0)]]
    if resuming:
        hint = ('A run can only resume from a checkpoint of the same model; check the '
                'config and the work directory.')
    else:
        hint = ('To load the matching keys only, pass --allow-partial (config: '
                "allow_partial_load=True); to fine-tune with a new head, drop the head's keys "
                "(config: load_from_exclude=['cls_head.']).")
    action = 'cannot resume from' if resuming else 'cannot load'
    raise CheckpointMismatchError(
        f'{action} checkpoint {filename}: it does not match the model {model_name}: '
        f'{counts}. First mismatches:\n' + '\n'.join(lines) + '\n' + hint)


def load_checked_checkpoint(model, filename, model_name, allow_partial=False,
                            map_location='cpu'):
    """Load ``filename`` into ``model`` with :func:`load_state_dict_checked` (inference).

    Raises:
        FileNotFoundError, UnreadableCheckpointError, CheckpointMismatchError.
    """
    from mmengine.logging import print_log
    from mmengine.runner.checkpoint import _load_checkpoint
    try:
        checkpoint = _load_checkpoint(filename, map_location=map_location)
    except FileNotFoundError:
        raise
    except Exception as err:
        raise UnreadableCheckpointError(
            f'cannot read checkpoint {filename}: {type(err).__name__}: {err}') from err
    state = checkpoint.get('state_dict', checkpoint)
    metadata = getattr(state, '_metadata', None)
    state = OrderedDict((re.sub(r'^module\.', '', k), v) for k, v in state.items())
    if metadata is not None:
        state._metadata = metadata
    note = load_state_dict_checked(model, state, filename, model_name, allow_partial)
    if note:
        print_log(note, logger='current', level=30)
    return checkpoint


CKPT_NAME = re.compile(r'^(epoch|iter)_(\d+)\.pth$')


def resume_candidates(work_dir):
    """Checkpoints to auto-resume from, best first: the one named by ``last_checkpoint``,
    then the other ``epoch_N.pth``/``iter_N.pth`` of ``work_dir`` from the highest N."""
    first = None
    if osp.isfile(osp.join(work_dir, 'last_checkpoint')):
        with open(osp.join(work_dir, 'last_checkpoint')) as f:
            first = f.read().strip()
    numbered = []
    for name in os.listdir(work_dir) if osp.isdir(work_dir) else []:
        found = CKPT_NAME.match(name)
        if found:
            numbered.append((int(found.group(2)), osp.join(work_dir, name)))
    ordered = [path for _, path in sorted(numbered, reverse=True)]
    if first is not None and osp.isfile(first):
        ordered = [first] + [p for p in ordered if osp.abspath(p) != osp.abspath(first)]
    return ordered
