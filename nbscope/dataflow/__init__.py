"""Per-cell name facts and their replay over an order of cells."""
