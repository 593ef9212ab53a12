"""Decode each video once per process: ``CachedDecordInit`` (registered into mmaction2's
TRANSFORMS), a drop-in ``DecordInit`` for datasets that fit in memory.

Decoding is most of the cost of a small clip: on 64x64 videos ``DecordInit`` plus
``DecordDecode`` take about 85% of the pipeline's time, as long as a step of a small model.
Here a video is decoded whole the first time a process sees it and its frames are kept as
uint8 arrays; later samples index them. ``DecordDecode`` (accurate mode) and every other
step are unchanged, so the frames, the sampling and the errors are those of the stock
pipeline. With persistent data-loader workers (or ``num_workers=0``) every epoch after the
first reads no file.
"""
import numpy as np
from mmaction.datasets.transforms import DecordInit
from mmaction.registry import TRANSFORMS

_CACHE = {}  # filename -> DecodedVideo, one per process
_CACHE_BYTES = [0]


class _FrameBatch:
    """What ``get_batch`` returns: ``asnumpy()`` gives the frames, as decord's NDArray."""

    def __init__(self, frames):
        self._frames = frames

    def asnumpy(self):
        return self._frames


class DecodedVideo:
    """A whole video held in memory behind decord's ``VideoReader`` interface.

    Args:
        frames (np.ndarray): ``(T, H, W, 3)`` uint8 RGB frames.
        fps (float): Average frame rate of the file.
    """

    def __init__(self, frames, fps):
        self.frames = frames
        self.fps = fps
        self._position = 0

    def __len__(self):
        return len(self.frames)

    def get_avg_fps(self):
        return self.fps

    def get_batch(self, indices):
        indices = np.asarray(indices, dtype=np.int64)
        if indices.size and (indices.min() < 0 or indices.max() >= len(self.frames)):
            raise IndexError(f'frame indices {indices.min()}..{indices.max()} outside a video '
                             f'of {len(self.frames)} frames')
        return _FrameBatch(self.frames[indices])

    def seek(self, index):
        self._position = int(index)

    def next(self):
        batch = self.get_batch([self._position])
        self._position += 1
        return _FrameBatch(batch.asnumpy()[0])


@TRANSFORMS.register_module()
class CachedDecordInit(DecordInit):
    """``DecordInit`` that decodes every frame of a video on first use and keeps them in
    this process, up to ``max_cache_mb`` of frames (videos that do not fit are read from
    the file each time, as by ``DecordInit``).

    Use it for datasets whose decoded frames fit in memory once per data-loader worker
    (e.g. the synthetic dataset: 126 MB for 850 clips of 16x64x64). Follow it with the
    frame sampler and ``DecordDecode`` as usual.

    Args:
        max_cache_mb (float): Budget of decoded frames per process, in MiB.
            Defaults to 1024.
        **kwargs: ``DecordInit``'s arguments (``io_backend``, ``num_threads``...).

    Added keys: ``video_reader`` (a :class:`DecodedVideo` when cached), ``total_frames``,
    ``avg_fps``.
    """

    def __init__(self, max_cache_mb=1024, **kwargs):
        super().__init__(**kwargs)
        if max_cache_mb < 0:
            raise ValueError(f'CachedDecordInit: max_cache_mb must be >= 0, got {max_cache_mb}')
        self.max_cache_bytes = int(max_cache_mb * 2**20)

    def transform(self, results):
        video = _CACHE.get(results['filename'])
        if video is not None:
            results.update(video_reader=video, total_frames=len(video),
                           avg_fps=video.get_avg_fps())
            return results
        results = super().transform(results)
        reader = results['video_reader']
        # one decoded frame tells the size of the whole video; one that does not fit in
        # what is left of the budget is read from the file, as by DecordInit
        if _CACHE_BYTES[0] + len(reader) * reader[0].asnumpy().nbytes > self.max_cache_bytes:
            return results
        video = DecodedVideo(reader.get_batch(list(range(len(reader)))).asnumpy(),
                             results['avg_fps'])
        _CACHE[results['filename']] = video
        _CACHE_BYTES[0] += video.frames.nbytes
        results['video_reader'] = video
        return results

    def __repr__(self):
        return f'{type(self).__name__}(max_cache_mb={self.max_cache_bytes / 2**20:g})'


def clear_frame_cache():
    """Drop every cached video of this process."""
    _CACHE.clear()
    _CACHE_BYTES[0] = 0
