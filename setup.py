"""The one compiled part: jieba's route in C (pipeline/text/jieba_route.c). Optional: where it
cannot be built, the segmenter computes the same route in Python (segmenter.py)."""

from setuptools import Extension, setup

setup(ext_modules=[Extension("pipeline.text.jieba_route", ["pipeline/text/jieba_route.c"], optional=True)])
