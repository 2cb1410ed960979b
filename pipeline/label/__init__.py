"""Labelling with active learning: a local web app (``zhnews label``) and label interop.

Modules: ``store`` (the append-only labels file), ``pool`` (the items), ``diversity`` and
``sampler`` (what to label next), ``model`` (the one adapter to :mod:`pipeline.classify`),
``retrainer`` (background training and scoring), ``session`` (the state behind the API),
``display`` and ``guidelines`` (what the page shows), ``app`` and ``server`` (the web app),
``interop`` (Label Studio and doccano).
"""
