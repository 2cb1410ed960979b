"""Topic discovery: NMF on the TF-IDF matrix, with the top terms of each discovered topic."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from pipeline.classify.features import word_ngrams
from pipeline.classify.model import record_item


def discover_topics(texts: Sequence[str], n_topics: int = 10, n_terms: int = 12, seed: int = 0) -> list[list[str]]:
    """``n_topics`` lists of the ``n_terms`` heaviest words of an NMF factorization of ``texts``.

    Texts may be Traditional or Simplified; they are converted and segmented with jieba.
    """
    from sklearn.decomposition import NMF
    from sklearn.feature_extraction.text import TfidfVectorizer

    items = [record_item({"text": t}) for t in texts]
    vec = TfidfVectorizer(analyzer=word_ngrams, sublinear_tf=True, min_df=2, max_df=0.5, max_features=20000)
    X = vec.fit_transform(items)
    n_topics = max(1, min(n_topics, X.shape[0], X.shape[1]))
    nmf = NMF(n_components=n_topics, init="nndsvda", random_state=seed, max_iter=400)
    nmf.fit(X)
    vocab = np.asarray(vec.get_feature_names_out())
    return [list(vocab[np.argsort(row)[::-1][:n_terms]]) for row in nmf.components_]
