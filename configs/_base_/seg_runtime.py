# Runtime shared by the segmentation (mmseg) configs: mmseg's default runtime and the
# package's classes.
_base_ = ['mmseg::_base_/default_runtime.py']
custom_imports = dict(imports=['mmvideomlp'], allow_failed_imports=False)
