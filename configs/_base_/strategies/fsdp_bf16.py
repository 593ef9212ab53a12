# fsdp.py with FSDP's native mixed precision: parameters gathered and computed in bfloat16,
# gradients reduced in float32, the sharded master weights and the optimizer in float32.
# Use a plain (not Amp) optimizer wrapper: bf16 needs no loss scaling.
_base_ = ['fsdp.py']
strategy = dict(
    model_wrapper=dict(
        mixed_precision=dict(param_dtype='bfloat16', reduce_dtype='float32',
                             buffer_dtype='bfloat16')))
