"""The book's chapters, one subpackage each: its analysis and its figures."""
