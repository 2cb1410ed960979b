"""Tuning values of the labelling app, each with the reason for its value."""

from __future__ import annotations

#: names of the sampling strategies, the default first (kept here, light to import, for the CLI)
STRATEGIES = ("uncertainty", "diverse", "random")

#: labels between background retrains: enough new labels to move a linear model, few enough
#: that the next batch is chosen by a model that has seen the last one (the issue's default)
RETRAIN_EVERY = 20
#: the relevance probability an item is least certain at (the classifier's scores are probabilities)
UNCERTAIN_AT = 0.5
#: how much similarity to an already labelled item costs, against uncertainty in [0, 1]: a
#: near-copy (cosine ~1) of a labelled story drops below any new story of half its uncertainty
DIVERSITY_WEIGHT = 0.5
#: the topic question counts this much of a relevance question of equal doubt, so that items on
#: the relevance boundary come first while relevance is still being learnt
TOPIC_SHARE = 0.8
#: labels of each relevance class after which relevance counts as settled: a linear relevance
#: model's held-out F1 stops rising well before this, topics (learnt on relevant items) do not
RELEVANCE_SETTLED = 40
#: weight of relevance questions once relevance is settled: a near-0.5 item still outranks an
#: unlikely relevant item, but likely relevant items (see SETTLED_TOPIC_BASE) come first
SETTLED_RELEVANCE_SHARE = 0.4
#: once relevance is settled, a likely relevant item's topic question is worth at least this
#: share of the most doubtful one's: every relevant item is a training row of every topic
#: classifier, and the other half (its topics' doubt, rare topics weighted up) still puts
#: doubtful and rare ones first
SETTLED_TOPIC_BASE = 0.5
#: a topic with fewer labelled positives than this is served its likely positives first: its
#: classifier cannot learn from negatives alone, and its probabilities are not yet calibrated
FEW_POSITIVES = 10
#: labels (base labels included) served as representative items before uncertainty takes
#: over: a model of fewer has no trustworthy doubt, and its inner folds too few items to set
#: thresholds on; two retrains' worth at the default cadence
WARMUP_LABELS = 40
#: after the warm-up, every n-th item is drawn at random: the model calibrates and sets its
#: thresholds on its own training labels, which uncertainty alone would fill with boundary cases
EXPLORE_EVERY = 3
#: leading characters of each item (Simplified title + text) in the diversity space: the lead
#: names the story, and a bounded length keeps a 50,000-item space small (~50 MB)
DIVERSITY_CHARS = 300
#: vocabulary of the diversity space (character bigrams): the most frequent 65,536 cover the
#: bigrams that repeat across items, the only ones that make two items alike
DIVERSITY_FEATURES = 1 << 16
#: folds of the cross-validation shown after a retrain (the classifier's own default)
CV_FOLDS = 5
#: below this many training records a 5-fold score is noise (folds of a few items): not shown
CV_MIN_RECORDS = 30
#: longest note kept with a label (the guidelines ask for a few words)
NOTE_MAX_CHARS = 300
#: records scored per call when the pool is rescored (bounds the memory of one batch)
SCORE_BATCH = 2048
#: port of ``zhnews label`` unless ``--port`` says otherwise
DEFAULT_PORT = 8765
#: address of ``zhnews label`` unless ``--host`` says otherwise: this machine only
DEFAULT_HOST = "127.0.0.1"
#: shortest sentence matched against evidence sentences (shorter ones match by accident)
EVIDENCE_MIN_CHARS = 4
