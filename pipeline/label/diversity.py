"""How close each pool item is to the items labelled so far, in a fixed TF-IDF space.

The space (character bigrams of the Simplified lead of each item) does not depend on the
model, so it is built once; labelling an item updates every item's highest cosine similarity
to the labelled ones with one sparse product.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from pipeline.label import settings
from pipeline.normalize.opencc_convert import convert


def lead_text(title: str, text: str, chars: int = settings.DIVERSITY_CHARS) -> str:
    """The Simplified title and first ``chars`` characters of ``text``."""
    return convert(f"{title}\n{text[:chars]}", "t2s")


class SimilarityIndex:
    """``max_sim[i]``: item ``i``'s highest cosine similarity to any item marked labelled."""

    def __init__(self, leads: Sequence[str]) -> None:
        from sklearn.feature_extraction.text import TfidfVectorizer

        vectorizer = TfidfVectorizer(
            analyzer="char", ngram_range=(2, 2), sublinear_tf=True,
            max_features=settings.DIVERSITY_FEATURES, dtype=np.float32,
        )
        try:
            self.matrix = vectorizer.fit_transform(leads).tocsr()
        except ValueError:  # no bigram in any item (one-character texts): nothing is alike
            import scipy.sparse as sp

            self.matrix = sp.csr_matrix((len(leads), 1), dtype=np.float32)
        self.max_sim = np.zeros(len(leads), dtype=np.float32)
        # each item's mean cosine similarity to the pool (rows are unit vectors): high for items
        # like many others, low for outliers; one sparse product with the pool's mean row
        centroid = np.asarray(self.matrix.mean(axis=0), dtype=np.float32).ravel()
        self.density = np.asarray(self.matrix @ centroid, dtype=np.float32).ravel()

    def add(self, i: int) -> None:
        """Mark item ``i`` labelled."""
        row = np.zeros(self.matrix.shape[1], dtype=np.float32)
        start, end = self.matrix.indptr[i], self.matrix.indptr[i + 1]
        row[self.matrix.indices[start:end]] = self.matrix.data[start:end]
        np.maximum(self.max_sim, self.matrix @ row, out=self.max_sim)

