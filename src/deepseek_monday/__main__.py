"""Allow ``python -m deepseek_monday``."""

from deepseek_monday.cli import run

run()
