"""Tiny settings of each family's synthetic config, for tests that train many iterations or
compare runs: 8 frames, 32x32 crops (ILA 56x56), batch 2, no workers, quiet logs."""
CONFIGS = dict(morphmlp='configs/morphmlp_synthetic.py', posmlp='configs/posmlp_synthetic.py',
               vast='configs/vast_synthetic.py', ila='configs/ila_synthetic.py')
# index of Resize and of the crop in the train and the test pipelines
RESIZE_CROP = dict(morphmlp=((4, 5), (3, 4)), posmlp=((4, 5), (3, 4)), vast=((4, 5), (3, 4)),
                   ila=((3, 4), (3, 4)))


def tiny_options(family, root, lists):
    """Config overrides (key -> value) for ``family`` on the synthetic set ``root`` with the
    annotation lists of the folder ``lists``."""
    crop, short = (56, 64) if family == 'ila' else (32, 32)  # ILA: a 4x4 patch grid at least
    options = {'default_hooks.logger.interval': 1, 'log_processor.window_size': 1,
               'default_hooks.checkpoint.save_best': None}
    for split in ('train', 'val', 'test'):
        key = f'{split}_dataloader'
        resize, crop_at = RESIZE_CROP[family][split != 'train']
        options.update({
            f'{key}.dataset.data_root': root, f'{key}.dataset.ann_file': f'{lists}/{split}_list.txt',
            f'{key}.dataset.data_prefix.video': root, f'{key}.batch_size': 2,
            f'{key}.num_workers': 0, f'{key}.persistent_workers': False,
            f'{key}.dataset.pipeline.{resize}.scale': (-1, short),
            f'{key}.dataset.pipeline.{crop_at}.' + ('size' if split == 'train' else 'crop_size'):
            crop})
    if family == 'morphmlp':
        options['model.backbone.arch.chunk_lengths'] = [4, 4, 2, 1]
    elif family == 'posmlp':
        options['model.backbone.arch.window_sizes'] = [4, 4, 2, 1]
    elif family == 'ila':
        options['model.cls_head.class_names'] = f'{root}/label_map.txt'
    if family == 'ila':  # every other frame of the 16, as the other recipes take
        options['model.cls_head.mit_frames'] = 8
        for split in ('train', 'val', 'test'):
            options[f'{split}_dataloader.dataset.pipeline.1.clip_len'] = 8
            options[f'{split}_dataloader.dataset.pipeline.1.frame_interval'] = 2
    return options


def cli(options):
    """``--cfg-options`` arguments of an options dict."""
    def text(value):
        if isinstance(value, (list, tuple)):
            inner = ','.join(text(v) for v in value)
            return f'[{inner}]' if isinstance(value, list) else f'({inner})'
        return str(value)
    return [f'{k}={text(v)}' for k, v in options.items()]
