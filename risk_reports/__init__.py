"""Risk reporting and the Changan code (issue 9), being built: so far the risk control dictionary
(shipped from ``dictionary_catalogue``) and the grading methods with their scales and bands as data."""
