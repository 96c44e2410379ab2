"""Allow ``python -m deepseek_monday``."""

from deepseek_monday.build.cli import run

run()
