# Something-Something V1 JPEG frames in mmaction2's layout (data/sthv1): the Kinetics-400
# loaders on the SSv1 frame folders (00001.jpg, ...) and lists. Pipelines are set by each
# recipe, as there.
_base_ = ['./kinetics400_videos.py']

dataset_type = 'CheckedRawframeDataset'
data_root = data_root_val = 'data/sthv1/rawframes'
ann_file_train = 'data/sthv1/sthv1_train_list_rawframes.txt'
ann_file_val = ann_file_test = 'data/sthv1/sthv1_val_list_rawframes.txt'
filename_tmpl = '{:05}.jpg'
train_dataloader, val_dataloader, test_dataloader = (
    dict(dataset=dict(type=dataset_type, ann_file=ann_file, filename_tmpl=filename_tmpl,
                      data_prefix=dict(_delete_=True, img=data_root)))
    for ann_file in (ann_file_train, ann_file_val, ann_file_test))
