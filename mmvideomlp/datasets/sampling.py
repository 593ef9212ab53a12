"""Frame samplers that refuse clips longer than the video (registered into mmaction2's
TRANSFORMS).

mmaction2's ``SampleFrames`` loops the frames of a video shorter than the clip (the clip jumps
back in time) and ``UniformSample`` repeats frames, both without a word. These subclasses
sample exactly as the stock ones and apply an explicit policy to short videos:

* ``'error'`` (default): ``ClipTooShortError`` naming the file, its frame count and the
  frames the clip needs;
* ``'loop'`` (``CheckedSampleFrames`` only): mmaction2's looping, with a warning naming the
  file (once per file and process);
* ``'pad'``: the clip padded with its last sampled frame (``CheckedSampleFrames``) or frames
  repeated in order (``CheckedUniformSample``), with the same warning.
"""
from mmaction.datasets.transforms import SampleFrames, UniformSample
from mmaction.registry import TRANSFORMS
from mmengine.logging import print_log

SHORT_CLIP_POLICIES = ('error', 'loop', 'pad')


class ClipTooShortError(ValueError):
    """A video has fewer frames than the clip to sample from it."""


def _source(results):
    return results.get('filename') or results.get('frame_dir') or '<unnamed video>'


class _ShortClipPolicy:
    """The check shared by the samplers; subclasses define :meth:`needed_frames`."""

    policies = SHORT_CLIP_POLICIES
    pad_action = 'padded with the last sampled one'

    def _init_policy(self, short_clip):
        if short_clip not in self.policies:
            raise ValueError(f'{type(self).__name__}: short_clip must be one of '
                             f'{self.policies}, got {short_clip!r}')
        self.short_clip = short_clip
        self._warned = set()

    def _check_length(self, results):
        total, needed = int(results['total_frames']), self.needed_frames()
        if total >= needed and total > 0:
            return
        source = _source(results)
        what = f'{source} has {total} frames; the clip needs {needed} ({self.requirement()})'
        if self.short_clip == 'error' or total <= 0:
            raise ClipTooShortError(
                f'{what}. Remove the video from the list (tools/data/check_videos.py finds '
                f'all of them), lower the clip length, or set short_clip="loop"/"pad" on '
                f'{type(self).__name__}')
        if source not in self._warned:
            self._warned.add(source)
            action = 'looped' if self.short_clip == 'loop' else self.pad_action
            print_log(f'{type(self).__name__}: {what}: frames {action} '
                      f'(short_clip={self.short_clip!r})', logger='current', level=30)


@TRANSFORMS.register_module()
class CheckedSampleFrames(_ShortClipPolicy, SampleFrames):
    """``SampleFrames`` with a policy for videos shorter than ``clip_len x frame_interval``.

    Args:
        short_clip (str): ``'error'`` (default), ``'loop'`` (mmaction2's behaviour, warned)
            or ``'pad'`` (the last sampled frame repeated, warned).
        **kwargs: the arguments of ``SampleFrames`` (``clip_len``, ``frame_interval``,
            ``num_clips``, ``test_mode``...); ``out_of_bound_opt`` is set by ``short_clip``.
    """

    def __init__(self, *args, short_clip='error', **kwargs):
        self._init_policy(short_clip)
        if 'out_of_bound_opt' in kwargs:
            raise ValueError('CheckedSampleFrames: set short_clip ("loop" or "pad"), not '
                             'out_of_bound_opt')
        kwargs['out_of_bound_opt'] = 'repeat_last' if short_clip == 'pad' else 'loop'
        super().__init__(*args, **kwargs)

    def needed_frames(self):
        return self.clip_len * self.frame_interval

    def requirement(self):
        return f'clip_len x frame_interval = {self.clip_len} x {self.frame_interval}'

    def transform(self, results):
        self._check_length(results)
        return super().transform(results)


@TRANSFORMS.register_module()
class CheckedUniformSample(_ShortClipPolicy, UniformSample):
    """``UniformSample`` (one frame from each of ``clip_len`` segments) with a policy for
    videos of fewer than ``clip_len`` frames.

    Args:
        short_clip (str): ``'error'`` (default) or ``'pad'`` (mmaction2's behaviour: frames
            repeated in order, warned).
        **kwargs: the arguments of ``UniformSample``.
    """

    policies = ('error', 'pad')
    pad_action = 'repeated in order'

    def __init__(self, *args, short_clip='error', **kwargs):
        self._init_policy(short_clip)
        super().__init__(*args, **kwargs)

    def needed_frames(self):
        return self.clip_len

    def requirement(self):
        return f'clip_len = {self.clip_len}'

    def transform(self, results):
        self._check_length(results)
        return super().transform(results)
