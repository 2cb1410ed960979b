"""The topic taxonomy as data: keys, Chinese names, definitions and seed terms (YAML)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pipeline.errors import UsageError


@dataclass(frozen=True, slots=True)
class Topic:
    """One topic of the taxonomy."""

    key: str
    name: str
    definition: str
    seed_terms: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Taxonomy:
    """A named set of topics plus the seed terms of the relevance question."""

    name: str
    topics: tuple[Topic, ...]
    relevance_terms: tuple[str, ...] = ()
    #: terms naming the population (medical workers), for sentence-level co-occurrence
    worker_terms: tuple[str, ...] = ()

    @property
    def keys(self) -> list[str]:
        return [t.key for t in self.topics]

    def to_dict(self) -> dict:
        return {
            "name": self.name,
            "relevance": {"seed_terms": list(self.relevance_terms)},
            "worker_terms": list(self.worker_terms),
            "topics": [
                {"key": t.key, "name": t.name, "definition": t.definition, "seed_terms": list(t.seed_terms)}
                for t in self.topics
            ],
        }


def default_taxonomy_path() -> Path:
    """The packaged taxonomy (``pipeline/resources/taxonomy.yaml``)."""
    from pipeline.segment.tokenizer import resource_path

    return resource_path("taxonomy.yaml")


def taxonomy_from_dict(data: dict) -> Taxonomy:
    """Build a :class:`Taxonomy` from parsed YAML/JSON; raises ``ValueError`` when malformed."""
    if not isinstance(data, dict) or not isinstance(data.get("topics"), list) or not data["topics"]:
        raise ValueError("taxonomy needs a non-empty 'topics' list")
    topics = []
    for item in data["topics"]:
        if not isinstance(item, dict) or not isinstance(item.get("key"), str) or not item["key"]:
            raise ValueError(f"every topic needs a string 'key': {item!r}")
        terms = item.get("seed_terms") or []
        topics.append(
            Topic(
                key=item["key"],
                name=str(item.get("name", item["key"])),
                definition=str(item.get("definition", "")),
                seed_terms=tuple(str(t) for t in terms),
            )
        )
    keys = [t.key for t in topics]
    if len(set(keys)) != len(keys):
        raise ValueError(f"duplicate topic keys in taxonomy: {keys}")
    relevance = data.get("relevance") or {}
    return Taxonomy(
        name=str(data.get("name", "taxonomy")),
        topics=tuple(topics),
        relevance_terms=tuple(str(t) for t in relevance.get("seed_terms", []) or []),
        worker_terms=tuple(str(t) for t in data.get("worker_terms") or []),
    )


def load_taxonomy(path: str | Path | None = None) -> Taxonomy:
    """Read a taxonomy YAML file (the packaged one when ``path`` is None)."""
    import yaml

    path = Path(path) if path is not None else default_taxonomy_path()
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        return taxonomy_from_dict(data)
    except (OSError, yaml.YAMLError, ValueError) as exc:
        raise UsageError(f"cannot read taxonomy {path}: {exc}") from exc
