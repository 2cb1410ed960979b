"""Tuning values of reading and task planning, each with the reason for its value."""

#: Largest input file (and JSONL line) read: a page is far smaller; past this it is a dump or an attack.
MAX_INPUT_BYTES = 64 << 20
#: Decompressed bytes allowed per compressed byte: text compresses ~10x, bombs by thousands.
MAX_DECOMPRESSION_RATIO = 200
#: A small gzip file may always expand to this much, whatever its ratio (tiny valid files compress well).
MIN_DECOMPRESSED_LIMIT = 1 << 20
#: Bytes read at a time when hashing or skipping: large enough for few calls, small enough for any memory.
READ_CHUNK = 1 << 20
#: Small files grouped in one task: a guard for folders of tiny files (tasks are sized by bytes).
TASK_MAX_FILES = 1024
#: Expected work per task (input bytes weighted by :data:`COST_PER_BYTE`; also the size of a
#: range of a big JSONL file): about two seconds of a worker's time, so a few MB of input already
#: gives each worker several tasks and the last to finish are short.
TASK_MAX_BYTES = 2 << 20
#: Work of an input byte relative to a JSONL/text byte, for sizing and ordering tasks: a saved
#: page is mostly markup (about a tenth of its bytes is text), but parsing and scoring that
#: markup to extract the body makes a page byte cost about a third of a text byte.
COST_PER_BYTE = {"html": 0.35, "warc": 0.35}
#: Invalid byte sequences a page may have and still be decoded (each read as U+FFFD, counted in
#: ``encoding_errors``): a stray or corrupted byte costs a character, not the page.  Twenty
#: cover a handful of damaged characters (a bad GB byte can take its neighbour with it).
MAX_ENCODING_ERRORS = 20
#: ... or this share of the page's bytes, if larger: a long page with a few damaged spots is
#: still a page, while a wrong codec fails on a large share of the non-ASCII bytes.
MAX_ENCODING_ERROR_SHARE = 0.001
#: Share of a page's non-ASCII bytes that must be valid UTF-8, and also GB18030 or Big5 only,
#: for the page to count as mixed (a GBK template around a UTF-8 article), decoded run by run
#: rather than with one codec.
MIXED_MIN_SHARE = 0.1
