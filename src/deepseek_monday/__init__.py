"""DeepSeek Monday."""
