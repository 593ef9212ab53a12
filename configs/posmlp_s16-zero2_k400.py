# PosMLP-Video S16 with mmengine's FlexibleRunner and DeepSpeed ZeRO-2, bfloat16
# (configs/_base_/strategies/deepspeed_zero2.py). Needs CUDA GPUs and deepspeed.
# Train: tools/dist_train.sh THIS_CONFIG 8 (or tools/slurm_train.sh).
_base_ = ['posmlp/posmlp-video-s_in1k-pre_8xb8-16x4x1-60e_kinetics400-rgb.py', '_base_/strategies/deepspeed_zero2.py']

strategy = dict(gradient_clipping=_base_.optim_wrapper.clip_grad.max_norm)
optim_wrapper = dict(_delete_=True, type='DeepSpeedOptimWrapper',
                     optimizer=_base_.optim_wrapper.optimizer,
                     paramwise_cfg=_base_.optim_wrapper.paramwise_cfg)
