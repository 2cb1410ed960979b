"""Relevance and topic classification (TF-IDF + linear models) and topic discovery (NMF)."""

from pipeline.classify.discover import discover_topics
from pipeline.classify.model import TopicModel, TrainConfig
from pipeline.classify.persist import default_model_dir, load_model, save_model
from pipeline.classify.step import ClassifyStep
from pipeline.classify.taxonomy import Taxonomy, Topic, load_taxonomy
from pipeline.classify.training import train

__all__ = [
    "ClassifyStep",
    "Taxonomy",
    "Topic",
    "TopicModel",
    "TrainConfig",
    "default_model_dir",
    "discover_topics",
    "load_model",
    "load_taxonomy",
    "save_model",
    "train",
]
