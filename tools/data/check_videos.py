"""Find the videos of an annotation list that cannot be read or are too short for a clip.

    python tools/data/check_videos.py data/kinetics400/kinetics400_train_list_videos.txt \
        --data-prefix data/kinetics400/videos_train --clip-len 16 --frame-interval 4 \
        --out bad_videos.tsv

Writes one line per problem (``status line file frames needed error``, tab-separated) to
``--out`` (else prints them) and exits with status 1 when there is any.
"""
import argparse
import sys
from collections import Counter

from mmvideomlp.datasets.video_check import FIELDS, scan_video_list


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('ann_file', help='video list: "<video> <label>" per line')
    parser.add_argument('--data-prefix', default='', help='folder the video paths are in')
    parser.add_argument('--clip-len', type=int, default=1, help='frames per clip')
    parser.add_argument('--frame-interval', type=int, default=1,
                        help='frame interval of the sampler (UniformSample: 1)')
    parser.add_argument('--out', help='write the problems here (tab-separated)')
    parser.add_argument('--full', action='store_true',
                        help='decode every frame (slow); default: first, middle and last')
    parser.add_argument('--workers', type=int, default=1, help='processes')
    return parser.parse_args()


def main():
    args = parse_args()
    records = scan_video_list(args.ann_file, args.data_prefix, args.clip_len,
                              args.frame_interval, args.full, args.workers)
    problems = [r for r in records if r['status'] != 'ok']
    rows = ['\t'.join(FIELDS)] + ['\t'.join(str(r[k]) for k in FIELDS) for r in problems]
    if args.out:
        with open(args.out, 'w') as f:
            f.write('\n'.join(rows) + '\n')
    else:
        print('\n'.join(rows))
    counts = Counter(r['status'] for r in records)
    print(f'{len(records)} videos in {args.ann_file}: {counts["ok"]} ok, '
          f'{counts["unreadable"]} unreadable, {counts["missing"]} missing, '
          f'{counts["too_short"]} shorter than {args.clip_len * args.frame_interval} frames'
          + (f'; report written to {args.out}' if args.out else ''))
    return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main())
