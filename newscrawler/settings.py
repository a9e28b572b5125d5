"""Scrapy settings for newscrawler.

Defaults a site owner would accept for web crawls, and newscrawler's own
settings (documented in README.md; read by :mod:`newscrawler.config`).
"""

BOT_NAME = "newscrawler"
SPIDER_MODULES = ["newscrawler.spiders"]
NEWSPIDER_MODULE = "newscrawler.spiders"
# Our `crawl` command: exits non-zero when a run did not do its job (README, "Exit codes").
COMMANDS_MODULE = "newscrawler.commands"

# -- newscrawler -------------------------------------------------------------
# Empty: $NEWSCRAWLER_DATABASE_URL, else news.sqlite3 in the data directory: $NEWSCRAWLER_HOME,
# else var/ under the project root in a checkout, else the platform's user data folder
# (resolved when a crawler starts, by newscrawler.config.data_dir, never at import).
DATABASE_URL = ""
STORE_BATCH_SIZE = 100
STORE_RECONNECT_SECONDS = 30.0  # while the database is down: retry after 1 s, 2 s, 4 s… up to this
SPOOL_DIR = ""  # the write-ahead journal; empty = spool/ in the data directory (see DATABASE_URL)
JOURNAL_MAX_FAILURES = 3  # a document a stage failed on this often goes to the quarantine
JOURNAL_MAX_REPLAYS = 10  # ... and so does one replayed this often without being stored
EXTRACT_MAX_BYTES = 20 * 1024 * 1024
EXTRACT_RECURRING_MIN_DOCUMENTS = 3
# Lines each extraction worker remembers to tell a site's recurring chrome (about 40 bytes a
# line: 200,000 cost 8 MB a worker; fewer forget a site's chrome between its documents sooner).
EXTRACT_RECURRING_CAPACITY = 200_000
EXTRACT_PROCESSES = 0  # extraction worker processes; 0 = one per core
DEDUP_THRESHOLD = 0.8
DEDUP_NUM_PERM = 128
DEDUP_SHINGLE_SIZE = 3
LANGUAGES: list[str] = []  # candidate languages; empty = all the identifier supports
LANGUAGE_MIN_CONFIDENCE = 0.3  # as measured in docs/language.md
LANGUAGE_MIN_CHARS = 8  # letters; a CJK headline has about ten
# Stories (newscrawler.story; thresholds measured with python -m bench.stories)
STORY_WINDOW_HOURS = 72.0  # articles further apart in time never share a story
STORY_MIN_SHARED = 4.0  # summed weight of the keys two articles must share
STORY_MIN_OVERLAP = 0.3  # ... as a share of the sparser article's signals
STORY_MIN_KEYS = 3  # ... and how many keys at least

ITEM_PIPELINES = {
    "pipelines.extract.ExtractPipeline": 100,
    "pipelines.dedup.DedupPipeline": 200,
    "pipelines.language.LanguagePipeline": 300,
    "pipelines.story.StoryPipeline": 350,
    "pipelines.storage.StoragePipeline": 400,
}
DOWNLOADER_MIDDLEWARES = {
    "newscrawler.middlewares.WebOnlyMiddleware": 50,
    "newscrawler.middlewares.AllowedOriginsMiddleware": 55,
    "newscrawler.middlewares.DeadlineMiddleware": 580,
    "newscrawler.middlewares.RevisitMiddleware": 60,
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "newscrawler.middlewares.BackoffRetryMiddleware": 550,
}
SPIDER_MIDDLEWARES = {
    "newscrawler.middlewares.JournalReplayMiddleware": 0,
}
# Fingerprints are kept in JOBDIR only once their documents are journaled (see journal/dupefilter).
DUPEFILTER_CLASS = "newscrawler.journal.dupefilter.JournaledDupeFilter"
EXTENSIONS = {
    "newscrawler.extensions.Services": 0,
    # LogStats plus documents/s and our counts (and a terminal bar with PROGRESS_BAR)
    "scrapy.extensions.logstats.LogStats": None,
    "newscrawler.progress.ProgressStats": 0,
    "newscrawler.closing.CloseWhenItemsDone": 0,  # works around scrapy/scrapy#7029
}
CLOSE_CHECK_SECONDS = 0.25  # how often a closing spider checks for empty pipelines
PROGRESS_BAR = False  # newscrawler reextract / replay-spool turn it on on a terminal

# -- web crawls: politeness and scheduled runs ---------------------------------
# Say who you are: set CONTACT (a URL or e-mail address) for your deployment.
CONTACT = "https://github.com/newscrawler/newscrawler"
USER_AGENT = f"newscrawler/0.1 (+{CONTACT})"
REVISIT_INTERVAL = 6 * 3600  # seconds before a stored article URL is fetched again
RETRY_AFTER_MAX = 120  # longest wait (seconds) before a retry, Retry-After included
RETRY_BACKOFF_BASE = 1.0  # wait before the first retry without Retry-After; doubles each time
ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS = 16
# Scrapy starts this many tasks for every response's output, whatever it yields. An article
# response yields one item, a feed or sitemap its links (only queued, 16 at a time is no
# slower), and archives yield from start(). At Scrapy's 100 the tasks cost the crawl's main
# process 13 % of its CPU (679 pages, three runs each).
CONCURRENT_ITEMS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 4
DOWNLOAD_DELAY = 0.5
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_TARGET_CONCURRENCY = 2.0
DOWNLOAD_MAXSIZE = 20 * 1024 * 1024
DOWNLOAD_WARNSIZE = 5 * 1024 * 1024
RETRY_TIMES = 3
DOWNLOAD_TIMEOUT = 60  # seconds per attempt (Scrapy's default is 180)
REQUEST_DEADLINE = 150  # seconds for all attempts of a request together, retries included
SITEMAP_MAX_DEPTH = 4  # sitemap indexes followed below the sitemap a crawl was given
RETRY_HTTP_CODES = [429, 500, 502, 503, 504, 522, 524, 408]

LOG_FORMATTER = "newscrawler.logformatter.NewsLogFormatter"
# -o/-O feed exports write the article's contract fields (newscrawler.items.ExportedArticle).
FEED_EXPORT_ENCODING = "utf-8"
FEED_EXPORT_FIELDS = [
    "id", "url", "canonical_url", "title", "text", "language", "language_confidence",
    "languages", "published_at", "authors", "site_name", "description", "tags",
    "source_credit", "image_url", "declared_language", "content_hash", "duplicate_of",
    "similarity", "story_id", "fetched_url", "fetched_at", "spider", "outcome",
]  # fmt: skip
FEED_EXPORTERS = {"csv": "newscrawler.export.FeedCsvExporter"}
LOG_LEVEL = "INFO"

# -- scale-out ----------------------------------------------------------------
# With REDIS_URL (or NEWSCRAWLER_REDIS_URL) set, workers share a Redis frontier
# (newscrawler.frontier; README "Scale-out").
REDIS_URL = ""  # empty: $NEWSCRAWLER_REDIS_URL, else no fleet (redis://, rediss:// for TLS)
FRONTIER_NAME = ""  # the shared crawl; empty = the spider name
FRONTIER_RUN = "auto"  # one run of it; auto = the schedule slot nearest to the start time
FRONTIER_RUN_INTERVAL = 900  # seconds between scheduled runs (for FRONTIER_RUN=auto)
FRONTIER_HEARTBEAT_SECONDS = 2.0  # how often a worker says it is alive
FRONTIER_LEASE_TIMEOUT = 30.0  # a worker silent this long is dead; its requests are queued again
FRONTIER_POLL_SECONDS = 0.25  # how often an idle worker looks for queued work
FRONTIER_KEEP_SECONDS = 2 * 86400  # a run's Redis keys expire this long after its last heartbeat
FRONTIER_REDIS_OUTAGE_SECONDS = 300.0  # wait this long for Redis to come back, then stop
FRONTIER_POLITENESS = True  # DOWNLOAD_DELAY per site holds for the whole fleet (Redis)
ADDONS = {
    "newscrawler.credentials.MaskCredentials": 0,
    "newscrawler.frontier.RedisFrontier": 10,
}
