"""Bulk imports: the CSV files councils migrate from a legacy system and take in daily.

Each import is *parse* (every row to a checked record, or a Problem naming line and field),
then *post* (all rows in one transaction). Any problem means nothing is written. A file is
known by the SHA-256 of its content: the same file again is reported, not posted twice.
"""
