"""Temporal-order figures of a model on a time-reversal-paired dataset (the synthetic sets),
from two ``tools/test.py`` dumps.

Given the predictions on the test clips (``--dump a.pkl``) and on the same clips played
backwards (``--time-reversed --dump b.pkl``), and the dataset's ``time_reversal`` label map
(its ``spec.json``), this prints:

* ``top1``: top-1 on the clips in order;
* ``pair_in_order``: how often the clip's class scores above its time-reversed twin;
* ``pair_reversed``: the same on the reversed clips, still against the clip's own class: a
  model that reads the order of frames is near 0, one blind to it near ``pair_in_order``;
* ``top1_reversed``: top-1 on the reversed clips against the twin labels;
* ``order_accuracy``: the mean of ``top1`` and ``top1_reversed``; ``same_prediction``: how
  often a clip and its reversal get the same class (1 for a model blind to the order).

Example:
    python tools/test.py configs/vast_synthetic.py CKPT --dump fwd.pkl
    python tools/test.py configs/vast_synthetic.py CKPT --dump bwd.pkl --time-reversed
    python tools/analysis/temporal_order_accuracy.py fwd.pkl bwd.pkl data/synthetic/spec.json
"""
import argparse
import json
import pickle

import numpy as np

from mmvideomlp.datasets import load_label_maps


def scores_and_labels(path):
    with open(path, 'rb') as f:
        samples = pickle.load(f)
    scores = np.stack([np.asarray(s['pred_score'], dtype=np.float64) for s in samples])
    labels = np.array([int(np.asarray(s['gt_label']).reshape(-1)[0]) for s in samples])
    return scores, labels


def load_dumps(forward, backward, twin_of):
    """Scores in order and reversed, labels and twin labels of the two dumps."""
    scores, labels = scores_and_labels(forward)
    scores_rev, labels_rev = scores_and_labels(backward)
    if not np.array_equal(labels, labels_rev):
        raise ValueError('the two dumps do not hold the same clips in the same order')
    missing = sorted(set(labels.tolist()) - set(twin_of))
    if missing:
        raise ValueError(f'labels {missing} have no time-reversed twin in the label map')
    return scores, scores_rev, labels, np.array([twin_of[label] for label in labels])


def order_figures(scores, scores_rev, labels, twins):
    """The figures described above, for the clips given."""
    rows = np.arange(len(labels))
    pred, pred_rev = scores.argmax(1), scores_rev.argmax(1)
    top1, top1_rev = float((pred == labels).mean()), float((pred_rev == twins).mean())
    return dict(
        top1=top1,
        pair_in_order=float((scores[rows, labels] > scores[rows, twins]).mean()),
        pair_reversed=float((scores_rev[rows, labels] > scores_rev[rows, twins]).mean()),
        top1_reversed=top1_rev,
        order_accuracy=(top1 + top1_rev) / 2,
        same_prediction=float((pred == pred_rev).mean()))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('forward', help='dump of tools/test.py on the test clips')
    parser.add_argument('backward', help='dump of tools/test.py --time-reversed')
    parser.add_argument('label_maps', nargs='?', default='data/synthetic/spec.json',
                        help='the dataset\'s label maps (its spec.json), with time_reversal')
    parser.add_argument('--per-pair', action='store_true',
                        help='also the figures of every time-reversal pair')
    args = parser.parse_args()
    twin_of = load_label_maps(args.label_maps).get('time_reversal')
    if not twin_of:
        raise ValueError(f'{args.label_maps} has no time_reversal label map')
    dumps = load_dumps(args.forward, args.backward, twin_of)
    for name, value in order_figures(*dumps).items():
        print(f'{name}: {value:.3f}')
    if args.per_pair:
        with open(args.label_maps) as f:
            classes = json.load(f).get('classes') or [str(k) for k in sorted(twin_of)]
        for label in sorted(twin_of):
            if label < twin_of[label]:
                pair = np.isin(dumps[2], (label, twin_of[label]))
                figures = order_figures(*(array[pair] for array in dumps))
                print(f'{classes[label]}/{classes[twin_of[label]]}: ' + ', '.join(
                    f'{k} {figures[k]:.2f}' for k in ('top1', 'pair_in_order',
                                                       'pair_reversed')))


if __name__ == '__main__':
    main()
