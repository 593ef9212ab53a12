"""Generate the embedded synthetic temporal-order action dataset (see mmvideomlp.datasets)."""
import argparse

from mmvideomlp.datasets import SyntheticVideoSpec, is_generated, make_synthetic_videos


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument('out_dir', nargs='?', default=None,
                        help='output folder (default: data/synthetic for the shapes set, '
                        'data/synthetic_<set> for another)')
    parser.add_argument('--motion-set', choices=['shapes', 'dynamics'], default='shapes',
                        help='shapes: one shape moving, rotating, scaling or fading; dynamics: '
                        'bodies converging, orbiting, falling, and camera zooms (independent '
                        'motions, speed profiles, backgrounds and distractors)')
    parser.add_argument('--train', type=int, default=64, help='training videos per class')
    parser.add_argument('--val', type=int, default=10, help='validation videos per class')
    parser.add_argument('--test', type=int, default=10, help='test videos per class')
    parser.add_argument('--frames', type=int, default=16, help='frames per video')
    parser.add_argument('--height', type=int, default=64)
    parser.add_argument('--width', type=int, default=64)
    parser.add_argument('--fps', type=int, default=8)
    parser.add_argument('--seed', type=int, default=0)
    parser.add_argument('--skip-existing', action='store_true',
                        help='do nothing when out_dir already holds this exact dataset')
    parser.add_argument('--no-progress', action='store_true', help='hide the progress bar')
    return parser.parse_args()


def main():
    args = parse_args()
    if args.out_dir is None:
        args.out_dir = ('data/synthetic' if args.motion_set == 'shapes' else
                        f'data/synthetic_{args.motion_set}')
    spec = SyntheticVideoSpec(
        videos_per_class=dict(train=args.train, val=args.val, test=args.test),
        num_frames=args.frames, height=args.height, width=args.width, fps=args.fps,
        motion_set=args.motion_set)
    if args.skip_existing and is_generated(args.out_dir, spec, args.seed):
        print(f'{args.out_dir} already holds this dataset (spec.json); nothing to do')
        return
    lists = make_synthetic_videos(args.out_dir, spec, seed=args.seed,
                                  progress=not args.no_progress)
    counts = ', '.join(f'{split} {len(items)}' for split, items in lists.items())
    print(f'{len(spec.classes)} {args.motion_set} classes, {counts} videos written to {args.out_dir}')


if __name__ == '__main__':
    main()
