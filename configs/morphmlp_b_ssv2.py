# The paper's headline Something-Something V2 model: MorphMLP-B, 32 frames, 70.1 top-1 with
# 1 clip x 3 crops (591 GFLOPs in total). 8 GPUs:
#   tools/dist_train.sh configs/morphmlp_b_ssv2.py 8
_base_ = ['morphmlp/morphmlp-b_in1k-pre_8xb8-u32-64e_sthv2-rgb.py']
