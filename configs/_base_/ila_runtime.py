# The video runtime plus ILA's schedule of the interactive-point jitter (halved every
# epoch from epoch 30, as released).
_base_ = ['video_runtime.py']

custom_hooks = [dict(type='DataCheckHook'), dict(type='ILAJitterHook')]
