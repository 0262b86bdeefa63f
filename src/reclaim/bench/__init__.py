"""``reclaim bench``: how fast the bulk paths are, at sizes up to millions of accounts."""
