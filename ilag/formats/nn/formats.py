# Nynorsk follows the same Norwegian conventions as bokmål.
from ilag.formats.nb.formats import *  # noqa: F403
