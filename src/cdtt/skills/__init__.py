"""The five basic digital skills, their checklists, and residents' assessments in them."""
