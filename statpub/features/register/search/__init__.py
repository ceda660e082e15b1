"""Search across everything published: a real full-text index (SQLite FTS5, ranked with bm25) over
words segmented by jieba, built only from what the public gate shows at the instant it is built."""
