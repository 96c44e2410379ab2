"""Presentation shared by the chapters: the house style, table formatting, wording."""
