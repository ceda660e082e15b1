"""The kernel: what every layer shares and nothing above it changes. The clock, periods, numbers,
flags, errors, hashing, the content models (catalogue, calendar) and where things live."""
