"""The one compiled part: jieba's route in C (pipeline/text/jieba_route.c). Optional: where it
cannot be built, the segmenter computes the same route in Python (segmenter.py).

A wheel also ships the segmenter's cache file for its rules (pipeline/_prebuilt, see
pipeline/batch/prebuilt.py), built once the route is compiled, so that a fresh installation's
first run reads it instead of building it (1-2 s). Optional too: where it cannot be built, the
first run builds it as before. An editable install builds nothing of it (its runs keep the
file in the user's cache, as they always did)."""

import os
import subprocess
import sys

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext


class BuildExtAndCaches(build_ext):
    def run(self) -> None:
        super().run()
        if self.inplace or getattr(self, "editable_mode", False):
            return
        target = os.path.abspath(os.path.join(self.build_lib, "pipeline", "_prebuilt"))
        # the builder imports the package from build_lib and its dependencies from wherever this
        # build finds them: pip's isolated build puts them on this process's path only, so a
        # PYTHONPATH of build_lib alone lost them (a fresh venv's `pip install .` shipped no cache)
        path = [os.path.abspath(self.build_lib), *(p for p in sys.path if p)]
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(path)}
        done = subprocess.run([sys.executable, "-m", "pipeline.batch.prebuilt", target], env=env,
                              cwd=self.build_lib, check=False)
        if done.returncode != 0:
            print("keyproj: the shipped cache was not built; the first run builds it", file=sys.stderr)


setup(ext_modules=[Extension("pipeline.text.jieba_route", ["pipeline/text/jieba_route.c"], optional=True)],
      cmdclass={"build_ext": BuildExtAndCaches})
