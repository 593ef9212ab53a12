"""Pre-flight scan of a video list: the videos that cannot be read or are too short."""
import os.path as osp
from multiprocessing import Pool

from mmengine.fileio import list_from_file

FIELDS = ('status', 'line', 'file', 'frames', 'needed', 'error')


def scan_video(path, needed, full=False):
    """Check one video.

    Args:
        path (str): the video file.
        needed (int): frames a clip needs (``clip_len x frame_interval``).
        full (bool): decode every frame; by default the first, middle and last frames are
            decoded (a truncated file fails there too).

    Returns:
        tuple: ``(status, frames, error)``, status ``'ok'``, ``'missing'``,
        ``'unreadable'`` or ``'too_short'``.
    """
    import decord
    if not osp.isfile(path):
        return 'missing', 0, 'no such file'
    frames = 0
    try:
        reader = decord.VideoReader(path, num_threads=1)
        frames = len(reader)
        if frames == 0:
            return 'unreadable', 0, 'no frames'
        indices = range(frames) if full else sorted({0, frames // 2, frames - 1})
        indices = list(indices)
        for start in range(0, len(indices), 64):
            reader.get_batch(indices[start:start + 64])
    except Exception as err:  # decord raises its own error types
        return 'unreadable', frames, f'{type(err).__name__}: {str(err).splitlines()[0]}'
    if frames < needed:
        return 'too_short', frames, f'{frames} frames < {needed}'
    return 'ok', frames, ''


def _scan(job):
    line, name, path, needed, full = job
    status, frames, error = scan_video(path, needed, full)
    return dict(status=status, line=line, file=name, frames=frames, needed=needed,
                error=error)


def scan_video_list(ann_file, data_prefix='', clip_len=1, frame_interval=1, full=False,
                    workers=1):
    """Scan every video of an mmaction2 video list (``<video> <label>`` per line).

    Returns:
        list[dict]: one record per video (keys ``FIELDS``), in the order of the list.

    Raises:
        FileNotFoundError / ValueError: the list is missing or has no videos.
    """
    if not osp.isfile(ann_file):
        raise FileNotFoundError(f'annotation list not found: {ann_file}')
    needed = clip_len * frame_interval
    jobs = [(n, line.split()[0], osp.join(data_prefix, line.split()[0]), needed, full)
            for n, line in enumerate(list_from_file(ann_file), 1) if line.strip()]
    if not jobs:
        raise ValueError(f'annotation list {ann_file} has no videos (the file is empty)')
    if workers > 1:
        with Pool(workers) as pool:
            return pool.map(_scan, jobs, chunksize=16)
    return [_scan(job) for job in jobs]
