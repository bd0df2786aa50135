"""The annual awards: cycles and categories, public nominations, staff review, judging."""
