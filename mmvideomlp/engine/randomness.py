"""Random states that make a resumed run repeat the uninterrupted run exactly.

Three things differ between a run trained in one go and one stopped and resumed:

* the main process's python, numpy and torch generators (dropout, drop path): they are saved
  in every checkpoint and restored when resuming; validation is made neutral to them;
* the data workers' generators (augmentations): with persistent workers they continue from
  epoch to epoch, so a resumed run (fresh workers) replays other draws. Each sample's
  pipeline now draws from generators seeded by ``(seed, epoch, sample index)``, whatever the
  worker, the number of workers or their persistence;
* the data loader draws its workers' base seed from the global torch generator when it
  starts them (once, at another epoch in a resumed run); it gets a generator of its own.
"""
import random
from multiprocessing.sharedctypes import RawValue

import numpy as np
import torch
from mmengine.hooks import Hook
from mmengine.registry import HOOKS
from mmengine.runner import BaseLoop, EpochBasedTrainLoop
from torch.utils.data import get_worker_info


def get_rng_states():
    """The python, numpy and torch (and CUDA) generator states of this process."""
    states = dict(python=random.getstate(), numpy=np.random.get_state(),
                  torch=torch.get_rng_state())
    if torch.cuda.is_available() and torch.cuda.is_initialized():
        states['cuda'] = torch.cuda.get_rng_state_all()
    return states


def set_rng_states(states):
    """Restore states from :func:`get_rng_states`."""
    random.setstate(states['python'])
    np.random.set_state(states['numpy'])
    torch.set_rng_state(states['torch'])
    if 'cuda' in states and torch.cuda.is_available():
        torch.cuda.set_rng_state_all(states['cuda'])


class SeededPipeline:
    """A data pipeline whose random draws depend on ``(seed, epoch, sample index)`` only.

    Args:
        pipeline (Callable): The dataset's pipeline (e.g. mmengine ``Compose``).
        seed (int): The run's seed.
        epoch (multiprocessing RawValue): The current epoch, shared with the workers.
    """

    def __init__(self, pipeline, seed, epoch):
        self.pipeline = pipeline
        self.seed = seed
        self.epoch = epoch

    def __getattr__(self, name):  # e.g. ``dataset.pipeline.transforms``
        if name == 'pipeline':
            raise AttributeError(name)
        return getattr(self.pipeline, name)

    def __call__(self, results):
        if 'sample_idx' not in results:
            raise KeyError('SeededPipeline needs the sample index (results["sample_idx"], '
                           "set by mmengine's BaseDataset.get_data_info)")
        seeds = np.random.SeedSequence(
            [self.seed % 2**32, self.epoch.value, results['sample_idx']]).generate_state(3)
        saved = get_rng_states() if get_worker_info() is None else None
        random.seed(int(seeds[0]))
        np.random.seed(int(seeds[1]))
        # The CPU generator only: data transforms draw no device random numbers, and
        # torch.manual_seed also queues a seed for every lazily initialised device backend,
        # recording a stack trace for each (about 1 ms per sample inside a training loop).
        torch.default_generator.manual_seed(int(seeds[2]))
        try:
            return self.pipeline(results)
        finally:
            if saved is not None:  # loading in the main process: leave its streams alone
                set_rng_states(saved)

    def __repr__(self):
        return f'SeededPipeline(seed={self.seed}, {self.pipeline!r})'


@HOOKS.register_module()
class ExactResumeHook(Hook):
    """Save and restore the random states a resumed run needs to repeat the uninterrupted
    run bit for bit (with ``--deterministic`` where the device needs it).

    Epoch-based training only: the training pipeline is wrapped in :class:`SeededPipeline`
    and the main process's generator states travel in the checkpoints (``rng_states``).
    Validation and testing leave the training streams as they found them.
    """

    priority = 'VERY_HIGH'

    def __init__(self):
        self._epoch = RawValue('q', 0)
        self._resumed_states = None
        self._outside_states = None

    def before_train(self, runner):
        loop = runner.train_loop
        loader = getattr(loop, 'dataloader', None)
        if isinstance(loader, torch.utils.data.DataLoader):
            # the workers' base seed no longer consumes the global torch generator
            loader.generator = torch.Generator().manual_seed(runner.seed)
            dataset = loader.dataset
            pipeline = getattr(dataset, 'pipeline', None)
            if (isinstance(loop, EpochBasedTrainLoop) and callable(pipeline)
                    and not isinstance(pipeline, SeededPipeline)):
                dataset.pipeline = SeededPipeline(dataset.pipeline, runner.seed, self._epoch)
            elif not isinstance(getattr(dataset, 'pipeline', None), SeededPipeline):
                runner.logger.info('ExactResumeHook: the training data of this loop are not '
                                   'seeded per epoch and sample (not an epoch-based loop over '
                                   'a dataset with a pipeline)')
        if self._resumed_states is not None:
            set_rng_states(self._resumed_states)
            self._resumed_states = None

    def before_train_epoch(self, runner):
        self._epoch.value = runner.epoch

    def before_save_checkpoint(self, runner, checkpoint):
        checkpoint['rng_states'] = get_rng_states()

    def after_load_checkpoint(self, runner, checkpoint):
        if runner._resume and 'rng_states' in checkpoint:
            self._resumed_states = checkpoint['rng_states']

    def _enter(self, runner):
        if isinstance(runner._train_loop, BaseLoop) and self._outside_states is None:
            self._outside_states = get_rng_states()

    def _leave(self, runner):
        if self._outside_states is not None:
            set_rng_states(self._outside_states)
            self._outside_states = None

    before_val = _enter
    after_val = _leave
