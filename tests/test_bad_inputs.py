"""Bad values and files get one clear message (the other families' own tests cover theirs)."""
import pytest
from mmaction.registry import MODELS

from mmvideomlp.converters import ila as ila_converter
from mmvideomlp.converters import posmlp as posmlp_converter
from mmvideomlp.weights import read_checkpoint

TINY_VAST = dict(type='VAST', arch=dict(embed_dims=16, depths=[1, 1], mlp_ratio=2))


@pytest.mark.parametrize('convert', [ila_converter.convert_file, posmlp_converter.convert_file],
                         ids=['ila', 'posmlp'])
def test_converters_refuse_a_text_file_in_one_line(convert, tmp_path):
    text = tmp_path / 'notes.pth'
    text.write_text('these are not weights\n')
    with pytest.raises(ValueError, match=r'notes\.pth is not a PyTorch checkpoint') as err:
        convert(str(text), str(tmp_path / 'out.pth'))
    assert '\n' not in str(err.value)
    with pytest.raises(FileNotFoundError, match='checkpoint not found'):
        read_checkpoint(str(tmp_path / 'missing.pth'))


@pytest.mark.parametrize('ratio', ['2', 0, -1., True])
def test_vast_mlp_ratio_must_be_a_positive_number(ratio):
    with pytest.raises(TypeError, match=rf'mlp_ratio must be a positive number, got {ratio!r}'):
        MODELS.build(dict(TINY_VAST, arch=dict(TINY_VAST['arch'], mlp_ratio=ratio)))


@pytest.mark.parametrize('key, value, message', [
    ('depths', [1, 0], 'depths must list at least one int >= 1'),
    ('embed_dims', [16, 32, 64], 'embed_dims must be an int .* or 2 ints'),
])
def test_vast_arch_values_are_checked(key, value, message):
    with pytest.raises(ValueError, match=message):
        MODELS.build(dict(TINY_VAST, arch=dict(TINY_VAST['arch'], **{key: value})))
