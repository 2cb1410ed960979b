"""Selecting and searching a run's articles without loading them whole.

- :mod:`pipeline.query.access`: the one place that knows how columns are stored (dates, topic scores);
- :mod:`pipeline.query.sources`: the outlet's display name of an article;
- :mod:`pipeline.query.filters`: the filters shared by ``export``, ``report``, ``prevalence`` and
  ``kwic`` (their argparse group too), pushed down to the Parquet scan;
- :mod:`pipeline.query.terms`: search terms normalized and segmented as the text was, whole-word matches;
- :mod:`pipeline.query.kwic`: keyword in context over the normalized text.
"""
