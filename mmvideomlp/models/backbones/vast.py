"""Placeholder: the backbone module of this family is being written."""
