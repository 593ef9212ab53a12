"""A dataset's label maps: how a label-changing augmentation (time reversal, a flip) changes
the label of each class, declared by the dataset rather than by the training recipe.

A dataset gets them with ``label_maps=`` (see :mod:`.checked`): a dict, or the path of a
JSON file (relative to the dataset's ``data_root``) holding them under ``"label_maps"``, as
the synthetic dataset's ``spec.json`` does::

    {"label_maps": {"time_reversal": {"0": 1, "1": 0, ...},
                    "horizontal_flip": {"2": 3, "3": 2},
                    "vertical_flip": null}}

A map sends a label to the label of the transformed sample; labels it leaves out are kept.
``null`` says that the transform is no symmetry of the dataset (it would make samples of no
class), so augmentations that name it leave this dataset's samples alone. Every sample
carries the maps as ``results['label_maps']`` and transforms name the one they apply, e.g.
``ReverseFrameOrder(prob=0.5, label_map='time_reversal')``.
"""
import json
import os.path as osp


def load_label_maps(label_maps, data_root=None):
    """``{name: {int: int} | None}`` from a dict or a JSON file (see the module docstring)."""
    source = 'label_maps'
    if isinstance(label_maps, str):
        path = label_maps
        if data_root and not osp.isabs(path):
            path = osp.join(data_root, path)
        if not osp.isfile(path):
            raise FileNotFoundError(f'label_maps file not found: {path}')
        with open(path) as f:
            record = json.load(f)
        label_maps = record.get('label_maps') if isinstance(record, dict) else None
        if label_maps is None:
            raise ValueError(f'{path} has no "label_maps" object')
        source = path
    if not isinstance(label_maps, dict):
        raise TypeError(f'label_maps must be a dict or a JSON file, got {type(label_maps)}')
    maps = {}
    for name, mapping in label_maps.items():
        if mapping is None:
            maps[name] = None
            continue
        try:
            maps[name] = {int(k): int(v) for k, v in mapping.items()}
        except (AttributeError, TypeError, ValueError) as err:
            raise ValueError(f'{source}: label map {name!r} must map labels to labels '
                             f'(or be null), got {mapping!r}') from err
    return maps


def check_label_maps(label_maps, num_classes, source):
    """Raise if a map of ``label_maps`` sends a label to or from outside
    ``[0, num_classes)``."""
    for name, mapping in label_maps.items():
        for pair in (mapping or {}).items():
            for value in pair:
                if not 0 <= value < num_classes:
                    raise ValueError(f'{source}: label map {name!r} has label {value}, '
                                     f'outside [0, {num_classes - 1}]')


def sample_label_map(label_map, results, transform):
    """The map a transform applies to this sample: ``(map or None, applies)``.

    ``label_map`` is a transform's argument: None (labels kept), a dict, or the name of one
    of the dataset's maps (``results['label_maps']``). A name the dataset maps to null gives
    ``applies=False``: the transform must leave the sample alone.
    """
    if not isinstance(label_map, str):
        return label_map, True
    maps = results.get('label_maps')
    if maps is None:
        raise KeyError(f'{transform}: label_map={label_map!r} names a label map of the dataset, '
                       'but the dataset declares none; give the dataset label_maps= (a dict, or '
                       'a JSON file such as the synthetic set\'s spec.json), or give the '
                       'transform a dict')
    if label_map not in maps:
        raise KeyError(f'{transform}: the dataset has no label map {label_map!r}; it has '
                       f'{sorted(maps)} (null for a transform that is no symmetry of it)')
    return maps[label_map], maps[label_map] is not None


def apply_label_map(mapping, results):
    """Relabel a sample with ``mapping`` (labels it leaves out are kept)."""
    if mapping is not None and 'label' in results:
        results['label'] = mapping.get(results['label'], results['label'])
