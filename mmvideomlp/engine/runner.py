"""A Runner that refuses checkpoints which do not fit the model and resumes exactly.

Registered as ``CheckedRunner`` in mmengine's ``RUNNERS``; tools/train.py, tools/test.py
build it unless a config names another ``runner_type``. Config keys it reads:

* ``allow_partial_load`` (bool): ``load_from`` may differ from the model; the matching keys
  are loaded, the others keep the model's values (``--allow-partial``).
* ``load_from_exclude`` (list[str]): checkpoint key prefixes dropped before loading
  ``load_from``, e.g. ``['cls_head.']`` to fine-tune with a new head.
* ``resume_or_start`` (bool): with ``resume=True`` and no checkpoint in the work directory,
  train from scratch instead of stopping (``--resume-or-start``).
"""
import re
from collections import OrderedDict
from functools import cached_property

from mmengine.config import Config
from mmengine.model import is_model_wrapper
from mmengine.registry import RUNNERS
from mmengine.runner import Runner
from mmengine.runner.checkpoint import _load_checkpoint

from .checkpoint import (UnreadableCheckpointError, describe_model, load_state_dict_checked,
                         resume_candidates)
from .randomness import ExactResumeHook


class _ConfigWithFixedText(Config):
    """A run's config, formatted once: mmengine formats the whole config with yapf for every
    checkpoint it saves (about 0.35 s each, a tenth of an epoch of the synthetic recipes)."""

    @cached_property
    def pretty_text(self):
        return super().pretty_text


@RUNNERS.register_module()
class CheckedRunner(Runner):
    """:class:`mmengine.runner.Runner` with checked checkpoint loading, a clear stop when
    there is nothing to resume, fallback past unreadable checkpoints when auto-resuming,
    :class:`ExactResumeHook` registered, and the config text formatted once per run."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if type(self.cfg) is Config:
            object.__setattr__(self.cfg, '__class__', _ConfigWithFixedText)

    def register_hooks(self, default_hooks=None, custom_hooks=None):
        super().register_hooks(default_hooks, custom_hooks)
        if not any(isinstance(hook, ExactResumeHook) for hook in self._hooks):
            self.register_hook(ExactResumeHook())

    def _cfg(self, key, default=None):
        return self.cfg.get(key, default) if self.cfg is not None else default

    def load_checkpoint(self, filename, map_location='cpu', strict=False,
                        revise_keys=[(r'^module.', '')]):
        """mmengine's ``load_checkpoint`` with the result checked against the model
        (:func:`load_state_dict_checked`; ``strict`` is not used).

        Raises:
            CheckpointMismatchError: the checkpoint does not fit the model.
            UnreadableCheckpointError: the file exists but cannot be read.
        """
        try:
            checkpoint = _load_checkpoint(filename, map_location=map_location)
        except FileNotFoundError:
            raise
        except Exception as err:  # truncated zip, unpickling errors, ...
            raise UnreadableCheckpointError(
                f'cannot read checkpoint {filename}: {type(err).__name__}: {err}') from err
        self.call_hook('after_load_checkpoint', checkpoint=checkpoint)
        model = self.model.module if is_model_wrapper(self.model) else self.model
        state = checkpoint.get('state_dict', checkpoint)
        for pattern, replacement in revise_keys:
            revised = OrderedDict((re.sub(pattern, replacement, k), v) for k, v in state.items())
            revised._metadata = getattr(state, '_metadata', OrderedDict())
            state = revised
        config = getattr(self.cfg, 'filename', None)
        note = load_state_dict_checked(
            model, state, filename, describe_model(model, config),
            allow_partial=bool(self._cfg('allow_partial_load', False)),
            exclude=self._cfg('load_from_exclude', ()) or (), resuming=self._resume)
        if note:
            self.logger.warning(note)
        self._has_loaded = True
        self.logger.info(f'Load checkpoint from {filename}')
        return checkpoint

    def load_or_resume(self):
        if self._has_loaded or not (self._resume and self._load_from is None):
            return super().load_or_resume()
        candidates = resume_candidates(self.work_dir)
        if not candidates:
            if self._cfg('resume_or_start', False):
                self.logger.info(f'No checkpoint to resume from in {self.work_dir}: training '
                                 'starts from scratch (resume_or_start).')
                return
            raise FileNotFoundError(
                f'--resume: no checkpoint to resume from in the work directory '
                f'{self.work_dir} (no last_checkpoint file, no epoch_N.pth or iter_N.pth). '
                'Name a checkpoint (--resume CKPT), or use --resume-or-start to train from '
                'scratch when there is none.')
        failures = []
        for path in candidates:
            try:
                self.resume(path)
            except UnreadableCheckpointError as err:
                failures.append(str(err))
                self.logger.warning(f'{err}\nTrying the previous checkpoint.')
                continue
            self.logger.info(f'Auto resumed from the latest readable checkpoint {path}.')
            self._has_loaded = True
            return
        raise UnreadableCheckpointError(
            f'--resume: none of the checkpoints in {self.work_dir} can be read:\n' +
            '\n'.join(failures))
