"""zhclean: clean scraped Chinese web corpora."""
from zhclean.cleaner import Cleaner, clean_text
from zhclean.config import CleanConfig, Config
from zhclean.document import CleanedPage, Removal, Segment
from zhclean.errors import ConfigError, InputError, ZhcleanError
from zhclean.pipeline import run
from zhclean.render import explain
from zhclean.frame import clean_frame

__version__ = "0.1.0"

__all__ = [
    "CleanConfig",
    "CleanedPage",
    "Cleaner",
    "Config",
    "ConfigError",
    "InputError",
    "Removal",
    "Segment",
    "ZhcleanError",
    "clean_frame",
    "clean_text",
    "explain",
    "run",
]
