"""drafting/offline."""
