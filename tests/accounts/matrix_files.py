"""Permission-matrix rows for the file views (namespace «files»), merged into MATRIX by
test_permission_matrix.py. Same format: url name -> [(kwargs from World, outcomes)]."""

ROWS = {}
