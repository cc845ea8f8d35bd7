"""convoyplot: figures of convoy output, used by tools/convoy-plot (one module per figure)."""
