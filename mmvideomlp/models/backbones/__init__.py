# Each family's main module registers its backbone (and imports its own helper modules).
from . import ila, morphmlp, posmlp, vast  # noqa: F401
