"""The compiled tree walk (`zhclean.model._treewalk`), built where a C compiler is at hand.

Everything else is in pyproject.toml. The extension is optional: where it cannot be built the
install goes on and `zhclean.model.trees` walks the trees with numpy, to the same scores.
"""
from setuptools import Extension, setup

setup(ext_modules=[Extension("zhclean.model._treewalk", ["src/zhclean/model/_treewalk.c"], optional=True)])
