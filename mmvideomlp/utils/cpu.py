"""What the CPU is: model name, vendor and instruction-set flags (Linux ``/proc/cpuinfo``)."""
import functools
import platform


@functools.lru_cache(None)
def _cpuinfo():
    fields = {}
    try:
        with open('/proc/cpuinfo') as f:
            for line in f:
                if not line.strip():
                    break  # the first processor's block describes them all
                key, _, value = line.partition(':')
                fields[key.strip()] = value.strip()
    except OSError:
        pass
    return fields


def cpu_model():
    """The model name (``lscpu``'s "Model name"), or what ``platform`` knows."""
    return _cpuinfo().get('model name') or platform.processor() or 'unknown CPU'


def cpu_vendor():
    """``'GenuineIntel'``, ``'AuthenticAMD'``, ... or ``''`` where unknown."""
    return _cpuinfo().get('vendor_id', '')


def cpu_flags():
    """The set of instruction-set flags (x86 ``flags``, Arm ``Features``; empty where
    unknown)."""
    info = _cpuinfo()
    return frozenset((info.get('flags') or info.get('Features', '')).split())
