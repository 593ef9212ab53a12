"""mmaction2's video and rawframe datasets with checked annotation lists and named failures
(registered into mmaction2's DATASETS).

Over the stock datasets they add:

* a missing or empty annotation list, or a line that does not parse, is an error naming the
  file (and the line); blank lines are ignored instead of becoming samples without a file;
* ``num_classes``: every label is checked against ``[0, num_classes)`` when the dataset is
  built (file, line, value and allowed range). ``DataCheckHook`` does the same at the start
  of a run with the model's number of classes when the config leaves it unset;
* a sample whose video cannot be read raises ``VideoReadError`` naming the file, the
  dataset index and the line of the list; any other pipeline error is re-raised with the
  same context;
* ``label_maps``: the dataset's label maps (a dict or a JSON file such as the synthetic
  set's ``spec.json``, see :mod:`.label_maps`), checked against ``num_classes`` and given
  to every sample as ``label_maps`` for the label-changing augmentations;
* ``skip_unreadable=True`` (opt-in) replaces an unreadable video by another index instead:
  each file is logged once per process, listed by :attr:`unreadable`, and appended to
  ``unreadable_log`` (a file ``DataCheckHook`` sets in the work directory and reports at the
  end of every epoch).
"""
import os.path as osp
import numpy as np

from mmaction.datasets import RawframeDataset, RepeatAugDataset, VideoDataset
from mmaction.registry import DATASETS
from mmcv.transforms import BaseTransform
from mmengine.fileio import list_from_file
from mmengine.logging import print_log

from .label_maps import check_label_maps, load_label_maps

# pipeline steps that read the file; a failure in them makes a video "unreadable"
READ_STEP_SUFFIXES = ('Init', 'Decode')
MAX_RESAMPLES = 100


class VideoReadError(RuntimeError):
    """A video (or frame folder) of a dataset cannot be read."""


def check_labels(labels, num_classes, where):
    """Raise if a label is outside ``[0, num_classes)``.

    Args:
        labels (Sequence[int | Sequence[int]]): one label (or several) per sample.
        num_classes (int): the number of classes of the model.
        where (Callable[[int], str]): where sample ``i`` comes from (file, line).
    """
    for i, label in enumerate(labels):
        for value in (label if isinstance(label, (list, tuple)) else [label]):
            if not 0 <= int(value) < num_classes:
                raise ValueError(
                    f'{where(i)}: label {value} is outside [0, {num_classes - 1}] '
                    f'(num_classes={num_classes}); fix the list or the number of classes')


def _failing_step(err):
    """Class name of the innermost pipeline transform the error went through."""
    name, tb = None, err.__traceback__
    while tb is not None:
        owner = tb.tb_frame.f_locals.get('self')
        if isinstance(owner, BaseTransform):
            name = type(owner).__name__
        tb = tb.tb_next
    return name


class _CheckedListMixin:
    """Checks of the list and of every sample; see the module docstring."""

    def __init__(self, *args, skip_unreadable=False, label_maps=None, **kwargs):
        self.skip_unreadable = skip_unreadable
        self.unreadable_log = None  # set by DataCheckHook
        self._unreadable = {}  # file -> error, in this process
        self.label_maps = None
        super().__init__(*args, **kwargs)
        if label_maps is not None:
            self.label_maps = load_label_maps(label_maps, self.data_root)
            if self.num_classes is not None:
                check_label_maps(self.label_maps, self.num_classes, f'{type(self).__name__}')

    def get_data_info(self, idx):
        info = super().get_data_info(idx)
        if self.label_maps is not None:
            info['label_maps'] = self.label_maps
        return info

    # ------------------------------------------------------------------ the list
    def parse_line(self, fields):
        """One sample from the fields of a line (the stock dataset's format)."""
        raise NotImplementedError

    def load_data_list(self):
        ann_file = self.ann_file
        if not ann_file or not osp.isfile(ann_file):
            raise FileNotFoundError(f'{type(self).__name__}: annotation list not found: '
                                    f'{ann_file!r} (ann_file)')
        data_list, self.ann_lines = [], []
        for number, line in enumerate(list_from_file(ann_file), 1):
            if not line.strip():
                continue
            try:
                data_list.append(self.parse_line(line.split()))
            except (ValueError, IndexError, AssertionError) as err:
                raise ValueError(f'{ann_file}, line {number}: cannot read {line!r} ({err})')
            self.ann_lines.append(number)
        if not data_list:
            raise ValueError(f'{type(self).__name__}: annotation list {ann_file} has no '
                             'samples (the file is empty)')
        if self.num_classes is not None:
            check_labels([d['label'] for d in data_list], self.num_classes,
                         self.sample_location)
        return data_list

    def sample_location(self, idx):
        """``'<ann_file>, line N'`` of sample ``idx``."""
        return f'{self.ann_file}, line {self.ann_lines[idx]}'

    def check_label_range(self, num_classes):
        """Check every label against the model's ``num_classes`` (see DataCheckHook)."""
        check_labels([self.get_data_info(i)['label'] for i in range(len(self))],
                     num_classes, self.sample_location)

    # ------------------------------------------------------------------ samples
    @property
    def unreadable(self):
        """``{file: error}`` of the videos skipped in this process."""
        return dict(self._unreadable)

    def _source(self, idx):
        info = self.get_data_info(idx)
        return info.get('filename') or info.get('frame_dir')

    def prepare_data(self, idx):
        try:
            return super().prepare_data(idx)
        except Exception as err:
            step = _failing_step(err)
            source = self._source(idx)
            where = f'dataset index {idx}, {self.sample_location(idx)}'
            if step is None or not step.endswith(READ_STEP_SUFFIXES):
                raise _with_context(err, f'{source} ({where})') from err
            if not self.skip_unreadable:
                raise VideoReadError(
                    f'cannot read {source} ({where}; {step}): {type(err).__name__}: {err}. '
                    'Set skip_unreadable=True on the dataset to skip such videos, and run '
                    'tools/data/check_videos.py on the list to find all of them') from err
            self._record_unreadable(idx, source, f'{step}: {type(err).__name__}: {err}')
            return None

    def _record_unreadable(self, idx, source, error):
        if source in self._unreadable:
            return
        self._unreadable[source] = error
        print_log(f'skipping unreadable video {source} (dataset index {idx}, '
                  f'{self.sample_location(idx)}): {error}', logger='current', level=30)
        if self.unreadable_log:
            line = '\t'.join([source, str(idx), error.replace('\t', ' ').replace('\n', ' ')])
            with open(self.unreadable_log, 'a') as f:
                f.write(line + '\n')

    def __getitem__(self, idx):
        if not self.skip_unreadable:
            return super().__getitem__(idx)
        if not self._fully_initialized:
            self.full_init()
        first = idx
        for attempt in range(MAX_RESAMPLES + 1):
            data = self.prepare_data(idx)
            if data is not None:
                return data
            # a generator of its own: the pipeline may reseed the global ones per sample,
            # which would make every replacement of a failing index the same
            idx = int(np.random.default_rng([first, attempt]).integers(len(self)))
        raise VideoReadError(
            f'{MAX_RESAMPLES + 1} unreadable videos in a row in {self.ann_file}; skipped so '
            f'far: {sorted(self._unreadable)}')


def _with_context(err, context):
    """``err`` of the same type with ``context`` in front of its message (a note when the
    type cannot be rebuilt from a message)."""
    try:
        return type(err)(f'{context}: {err}')
    except Exception:
        err.add_note(context)
        return err


def _video_sample(dataset, fields):
    if dataset.multi_class:
        return dict(filename=dataset._video_path(fields[0]), label=list(map(int, fields[1:])))
    if len(fields) == 1:  # lists without labels (inference)
        return dict(filename=dataset._video_path(fields[0]), label=-1)
    if len(fields) != 2:
        raise ValueError(f'expected "<video> <label>", got {len(fields)} fields')
    return dict(filename=dataset._video_path(fields[0]), label=int(fields[1]))


class _CheckedVideoMixin(_CheckedListMixin):

    def _video_path(self, name):
        prefix = self.data_prefix.get('video')
        return osp.join(prefix, name) if prefix is not None else name

    def parse_line(self, fields):
        return _video_sample(self, fields)


_DOC_ARGS = """
    Args:
        num_classes (int, optional): labels must lie in ``[0, num_classes)``; checked when
            the list is loaded. Defaults to None (``DataCheckHook`` checks against the
            model's number of classes at the start of a run).
        label_maps (dict | str, optional): the dataset's label maps, or a JSON file holding
            them (relative to ``data_root``), for label-changing augmentations; see
            :mod:`mmvideomlp.datasets.label_maps`. Defaults to None.
        skip_unreadable (bool): replace a video that cannot be read by another random index
            (logged, listed in :attr:`unreadable` and in ``unreadable_log``) instead of
            raising ``VideoReadError``; more than 100 in a row are an error. Defaults to
            False.
        **kwargs: the arguments of the stock dataset.
"""


@DATASETS.register_module()
class CheckedVideoDataset(_CheckedVideoMixin, VideoDataset):
    __doc__ = '``VideoDataset`` with the checks of :mod:`mmvideomlp.datasets.checked`.' + \
        _DOC_ARGS


@DATASETS.register_module()
class CheckedRepeatAugDataset(_CheckedVideoMixin, RepeatAugDataset):
    __doc__ = '``RepeatAugDataset`` with the checks of :mod:`mmvideomlp.datasets.checked`.' + \
        _DOC_ARGS


@DATASETS.register_module()
class CheckedRawframeDataset(_CheckedListMixin, RawframeDataset):
    __doc__ = '``RawframeDataset`` with the checks of :mod:`mmvideomlp.datasets.checked`.' + \
        _DOC_ARGS

    def parse_line(self, fields):
        prefix = self.data_prefix.get('img')
        info = dict(frame_dir=osp.join(prefix, fields[0]) if prefix is not None else fields[0])
        rest = fields[1:]
        if self.with_offset:
            info['offset'], rest = int(rest[0]), rest[1:]
        info['total_frames'], rest = int(rest[0]), rest[1:]
        labels = [int(x) for x in rest] or [-1]
        if self.multi_class:
            info['label'] = labels
        elif len(labels) != 1:
            raise ValueError(f'one label expected, got {len(labels)}')
        else:
            info['label'] = labels[0]
        return info
