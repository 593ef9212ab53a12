# Runtime shared by the image (mmpretrain) configs: mmpretrain's default runtime, the
# package's classes, and labels checked against the head's num_classes at the start of a run.
_base_ = ['mmpretrain::_base_/default_runtime.py']
custom_imports = dict(imports=['mmvideomlp'], allow_failed_imports=False)
custom_hooks = [dict(type='DataCheckHook')]
