"""Tuning values of deduplication, each with the reason for its value."""

# -- what counts as a duplicate (the defaults of the ``dedup`` config section) -----------------
#: Jaccard similarity of character 5-gram sets from which two texts are near-duplicates:
#: copies with edited headers and footers reach it, different stories on one topic do not.
THRESHOLD = 0.8
#: Characters per shingle: long enough that unrelated Chinese texts share few, short enough that
#: a changed word touches few.
NGRAM = 5
#: MinHash permutations: the Jaccard estimate's error (about 1/sqrt(128) = 0.09) is resolved by
#: verifying candidates, so more only costs memory.
NUM_PERM = 128
#: Shortest paragraph (characters) counted by the repeated-paragraph ratio: shorter lines are
#: datelines and boilerplate, repeated everywhere.
MIN_PARAGRAPH_CHARS = 20
#: Share of the smaller document's shingles found in the larger one for a syndicated copy.
CONTAINMENT = 0.7

# -- the syndication criterion (see :func:`pipeline.dedup.verify.syndicated`) -----------------
#: Jaccard floor of a syndicated copy: comparable sizes, no short item inside a digest.
SYNDICATION_MIN_JACCARD = 0.5
#: Distinct shingles of the smaller document: an article, not microblog posts quoting each other.
SYNDICATION_MIN_SHINGLES = 200
#: Share of its characters in paragraphs both copies share verbatim: text edited throughout is
#: a different version, judged by Jaccard alone.
SYNDICATION_SHARED_PARAGRAPHS = 0.5

# -- candidates and clusters ---------------------------------------------------------------------
#: Probability that a pair at the banding's similarity becomes a candidate: candidates are
#: verified exactly afterwards, so banding is tuned for recall, not precision.
CANDIDATE_RECALL = 0.99
#: Banding is tuned for this much below the Jaccard threshold, so that a pair at the threshold is
#: all but never missed (1e-7 rather than 1e-2); the exact check drops the weaker candidates.
CANDIDATE_MARGIN = 0.1
#: Neighbours paired inside one LSH bucket; larger buckets are also joined to their first member,
#: so a bucket of k copies costs O(k * window) pairs, not O(k**2).
BUCKET_WINDOW = 16

# -- memory and speed (the results do not depend on these) -------------------------------------
#: Shingles per block when applying the permutations: the temporary matrix stays in cache.
MINHASH_BLOCK = 2_048
#: Paragraph hashes collected in Python lists before they are packed into arrays.
PARAGRAPHS_PENDING = 1 << 16
#: Array elements gathered per chunk of ranges: about 40 bytes of temporaries each, so a chunk
#: (one per thread) stays near 40 MB whatever the corpus size.
CHUNK_ELEMENTS = 1 << 20
#: Candidate pairs verified at once: bounds the temporaries of one verification round.
PAIRS_CHUNK = 1 << 18
#: Smallest chunk of shingles worth a thread of its own in the exact intersections.
MIN_CHUNK_ELEMENTS = 1 << 16
#: Threads past which the clustering's pieces (42 LSH bands, a few shingle chunks) gain nothing.
MAX_THREADS = 4
#: Shingles (4 bytes each) kept in memory before the sets go to a temporary file read back
#: memory-mapped: about 25,000 articles' sets; a larger corpus's do not grow the process.
SHINGLES_IN_MEMORY = 1 << 24
#: Staged texts featurized at once on the driver when a task staged no features.
TEXT_BATCH = 2_000
