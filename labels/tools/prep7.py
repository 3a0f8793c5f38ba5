"""Round J: 400 more news pages, sampled as rounds E-H were, 8 batches of 50; round K: 40 of
them labelled a second time, by other annotators (agreement), 2 batches of 20."""
from workspace import round_with_agreement

round_with_agreement("J", 400, "K", 40, second_size=20)
