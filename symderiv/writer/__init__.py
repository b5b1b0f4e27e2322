"""Model and results out as text: LaTeX, Markdown, terminal reports, JSON."""
