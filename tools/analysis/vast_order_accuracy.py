"""Temporal-order figures of a model on the synthetic set, from two ``tools/test.py`` dumps.

Every synthetic class has a time-reversed twin (label ``k ^ 1``). Given the predictions on the
test clips (``--dump a.pkl``) and on the same clips played backwards (``--time-reversed --dump
b.pkl``), this prints top-1 on the clips, top-1 on the reversed clips against their twin labels,
their mean (the order accuracy: a model blind to frame order gives the same prediction for a clip
and its reversal, so it is right on at most one of the two and stays at or below 50 % of its
pair accuracy), the pair accuracy (the right pair, whichever order) and how often the prediction
is the same for a clip and its reversal.

Example:
    python tools/test.py configs/vast_synthetic.py CKPT --dump fwd.pkl
    python tools/test.py configs/vast_synthetic.py CKPT --dump bwd.pkl --time-reversed
    python tools/analysis/vast_order_accuracy.py fwd.pkl bwd.pkl
"""
import argparse
import pickle

import numpy as np

from mmvideomlp.datasets import reversed_class


def predictions(path):
    with open(path, 'rb') as f:
        samples = pickle.load(f)
    scores = np.stack([np.asarray(s['pred_score']) for s in samples])
    labels = np.array([int(np.asarray(s['gt_label']).reshape(-1)[0]) for s in samples])
    return scores.argmax(1), labels


def order_figures(forward, backward):
    """The figures described above, from the two dump files."""
    pred, labels = predictions(forward)
    pred_rev, labels_rev = predictions(backward)
    if not np.array_equal(labels, labels_rev):
        raise ValueError('the two dumps do not hold the same clips in the same order')
    twins = reversed_class(labels)
    top1 = float((pred == labels).mean())
    top1_rev = float((pred_rev == twins).mean())
    pair = float(np.concatenate([pred // 2 == labels // 2, pred_rev // 2 == labels // 2]).mean())
    return dict(top1=top1, top1_reversed=top1_rev, order_accuracy=(top1 + top1_rev) / 2,
                pair_accuracy=pair, same_prediction=float((pred == pred_rev).mean()))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('forward', help='dump of tools/test.py on the test clips')
    parser.add_argument('backward', help='dump of tools/test.py --time-reversed')
    args = parser.parse_args()
    for name, value in order_figures(args.forward, args.backward).items():
        print(f'{name}: {value:.3f}')


if __name__ == '__main__':
    main()
