"""Reference lists that hub staff manage (categories, localities, skills) and policy settings."""
