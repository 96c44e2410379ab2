"""Building the book: the command line, notebook execution, editions, the Sphinx extension."""
