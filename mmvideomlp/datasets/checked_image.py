"""mmpretrain's ImageNet dataset with a named error for a missing or empty list (registered
into mmpretrain's DATASETS); labels are checked by ``DataCheckHook``."""
import os.path as osp

from mmengine.fileio import list_from_file
from mmpretrain.datasets import ImageNet
from mmpretrain.registry import DATASETS


@DATASETS.register_module()
class CheckedImageNet(ImageNet):
    """``ImageNet`` whose annotation list (or image folder) must exist and hold samples.

    Args: those of ``ImageNet``.
    """

    def load_data_list(self):
        if self.ann_file:
            if not osp.isfile(self.ann_file):
                raise FileNotFoundError(f'CheckedImageNet: annotation list not found: '
                                        f'{self.ann_file!r} (ann_file)')
            if not any(line.strip() for line in list_from_file(self.ann_file)):
                raise ValueError(f'CheckedImageNet: {self.ann_file} has no samples (the file '
                                 'is empty)')
        try:
            data_list = super().load_data_list()
        except ValueError as err:
            raise ValueError(f'CheckedImageNet: cannot read {self.ann_file} ({err}); expected '
                             '"<image> <label>" on every line') from err
        if not data_list:
            source = self.ann_file or self.img_prefix
            raise ValueError(f'CheckedImageNet: {source} has no samples (empty list or '
                             'folder)')
        return data_list
