"""drafting/model."""
