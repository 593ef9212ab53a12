"""A hook that checks a run's datasets against its model and reports skipped videos
(registered under every OpenMMLab scope)."""
import os.path as osp

from mmengine.dataset import ConcatDataset, RepeatDataset
from mmengine.dist import is_main_process
from mmengine.fileio import list_from_file
from mmengine.hooks import Hook
from mmengine.runner import BaseLoop

from ...datasets.checked import check_labels
from ...registry import register_hook

SPLITS = ('train', 'val', 'test')
SUMMARY = 'unreadable_videos.txt'


def model_num_classes(model):
    """``num_classes`` of the classification head of a (possibly wrapped) model, or None."""
    model = getattr(model, 'module', model)
    for name in ('cls_head', 'head'):
        head = getattr(model, name, None)
        if head is not None and isinstance(getattr(head, 'num_classes', None), int):
            return head.num_classes
    return None


def leaf_datasets(dataset):
    """The datasets inside mmengine's dataset wrappers."""
    if isinstance(dataset, ConcatDataset):
        return [leaf for d in dataset.datasets for leaf in leaf_datasets(d)]
    if isinstance(dataset, RepeatDataset) or hasattr(dataset, 'dataset'):
        return leaf_datasets(dataset.dataset)
    return [dataset]


def _generic_location(dataset):
    """Where sample ``i`` of a dataset without line records comes from: the line of its
    annotation list when the list has one sample per non-blank line, else its index."""
    ann_file = getattr(dataset, 'ann_file', None)
    lines = []
    if ann_file and osp.isfile(ann_file):
        lines = [n for n, line in enumerate(list_from_file(ann_file), 1) if line.strip()]
    if len(lines) != len(dataset):
        lines = None

    def where(i):
        info = dataset.get_data_info(i)
        source = info.get('img_path') or info.get('filename') or info.get('frame_dir')
        at = f'{ann_file}, line {lines[i]}' if lines else f'sample {i}'
        return f'{type(dataset).__name__} {at} ({source})'

    return where


def check_dataset_labels(dataset, num_classes):
    """Check the labels of ``dataset`` against ``num_classes`` (no-op without labels)."""
    if hasattr(dataset, 'check_label_range'):
        dataset.check_label_range(num_classes)
        return
    if hasattr(dataset, 'get_gt_labels'):  # mmpretrain
        labels = list(dataset.get_gt_labels())
    elif len(dataset) and 'label' in dataset.get_data_info(0):
        labels = [dataset.get_data_info(i)['label'] for i in range(len(dataset))]
    else:
        return
    labels = [label.tolist() if hasattr(label, 'tolist') else label for label in labels]
    check_labels(labels, num_classes, _generic_location(dataset))


@register_hook
class DataCheckHook(Hook):
    """Checks the data of a run before it starts, and reports what was skipped.

    * At the start of a run (train, val or test), the labels of every built dataset are
      checked against the model's ``cls_head.num_classes`` (``head.num_classes`` for
      mmpretrain): an out-of-range label names the list, the line, the value and the range.
    * Datasets with ``skip_unreadable=True`` (``CheckedVideoDataset``...) log the videos
      they skip to ``unreadable_videos_<split>.log`` in the run's log directory; at the end
      of every epoch the hook logs the count and the files, and writes them all to
      ``unreadable_videos.txt`` there (``split<TAB>file<TAB>index<TAB>error``).
    """

    priority = 'VERY_HIGH'

    def before_run(self, runner):
        self._logs = {}
        num_classes = model_num_classes(runner.model)
        for split in SPLITS:
            loop = getattr(runner, f'_{split}_loop', None)
            if not isinstance(loop, BaseLoop):
                continue
            for dataset in leaf_datasets(loop.dataloader.dataset):
                if num_classes is not None:
                    check_dataset_labels(dataset, num_classes)
                if hasattr(dataset, 'unreadable_log'):
                    dataset.unreadable_log = osp.join(runner.log_dir,
                                                      f'unreadable_videos_{split}.log')
                    self._logs[split] = dataset.unreadable_log

    def _report(self, runner, split):
        if split not in self._logs or not is_main_process():
            return
        entries = {}
        for name, path in self._logs.items():
            if osp.isfile(path):
                with open(path) as f:
                    for line in f:
                        source, idx, error = (line.rstrip('\n').split('\t', 2) + ['', ''])[:3]
                        entries.setdefault((name, source), (idx, error))
        skipped = sorted(source for name, source in entries if name == split)
        if not skipped:
            return
        summary = osp.join(runner.log_dir, SUMMARY)
        with open(summary, 'w') as f:
            for (name, source), (idx, error) in sorted(entries.items()):
                f.write(f'{name}\t{source}\t{idx}\t{error}\n')
        runner.logger.warning(
            f'{len(skipped)} unreadable {split} video(s) skipped so far (replaced by other '
            f'samples), listed in {summary}: ' + ', '.join(skipped))

    def after_train_epoch(self, runner):
        self._report(runner, 'train')

    def after_val_epoch(self, runner, metrics=None):
        self._report(runner, 'val')

    def after_test_epoch(self, runner, metrics=None):
        self._report(runner, 'test')
