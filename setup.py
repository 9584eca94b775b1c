"""The one compiled part: jieba's route in C (pipeline/text/_route.c). Optional: where it
cannot be built, the segmenter computes the same route in Python (segmenter.py)."""

from setuptools import Extension, setup

setup(ext_modules=[Extension("pipeline.text._route", ["pipeline/text/_route.c"], optional=True)])
