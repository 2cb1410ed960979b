"""Views of a run's output for analysts, shared by ``notebooks/explore.ipynb`` and ``zhnews report``.

- :mod:`pipeline.report.load`: read a run folder (articles, rejects, manifest) into pandas;
- :mod:`pipeline.report.aggregate`: the tables behind every view (per month, per topic, terms,
  discovered topics, sources, duplicate clusters, examples, quality flags);
- :mod:`pipeline.report.fonts`: make matplotlib render Chinese labels with an installed CJK font;
- :mod:`pipeline.report.plots`: one matplotlib figure per view;
- :mod:`pipeline.report.html`: the self-contained HTML report.
"""
